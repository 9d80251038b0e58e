import nodemailer from 'nodemailer';
import type { Config } from '../config/index.ts';

/** What core needs of a transport: nodemailer's, or any object that sends and verifies alike. */
export interface MailTransport {
  sendMail(message: { from: string; to: string; subject: string; text: string; headers?: Record<string, string> }): Promise<unknown>;
  verify(): Promise<unknown>;
  close(): void;
}

/**
 * The SMTP transport of `mail.smtpUrl`, or undefined while it is empty (mail off). Timeouts are
 * short: a visitor's request never waits on it, but a dead server should not hold sockets for minutes.
 */
export function smtpTransport(mail: Config['mail']): MailTransport | undefined {
  if (!mail.smtpUrl) return undefined;
  return nodemailer.createTransport({ url: mail.smtpUrl, connectionTimeout: 15_000, greetingTimeout: 15_000, socketTimeout: 60_000 });
}

/** `host:port` of an SMTP URL, for messages: the user name and password never appear. */
export function smtpServerName(smtpUrl: string): string {
  const url = new URL(smtpUrl);
  return `${url.hostname}:${url.port || (url.protocol === 'smtps:' ? '465' : '587')}`;
}
