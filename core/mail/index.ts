export { createMailer, type Mailer, type MailMessage } from './mailer.ts';
export { smtpTransport, smtpServerName, type MailTransport } from './transport.ts';
