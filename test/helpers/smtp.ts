import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { simpleParser, type ParsedMail } from 'mailparser';

export const SMTP_USER = 'kiosque';
export const SMTP_PASSWORD = 'smtp-secret-9f3';

export interface TestSmtp {
  /** `smtp://user:password@127.0.0.1:<port>`, for `mail.smtpUrl`. */
  url: string;
  /** Every message received so far, parsed, in order. */
  received: ParsedMail[];
  /** The next message to arrive (or the first not yet taken by an earlier call). */
  next(): Promise<ParsedMail>;
  close(): Promise<void>;
}

/** A real SMTP server on 127.0.0.1 and an ephemeral port, taking plain-text logins as SMTP_USER. */
export async function startSmtp(): Promise<TestSmtp> {
  const received: ParsedMail[] = [];
  const waiting: Array<(m: ParsedMail) => void> = [];
  let taken = 0;
  const server = new SMTPServer({
    disabledCommands: ['STARTTLS'],
    allowInsecureAuth: true,
    logger: false,
    onAuth(auth, _session, cb) {
      if (auth.username === SMTP_USER && auth.password === SMTP_PASSWORD) cb(null, { user: auth.username });
      else cb(new Error('Invalid username or password'));
    },
    onData(stream, _session, cb) {
      simpleParser(stream).then(
        (mail) => {
          received.push(mail);
          cb();
          const w = waiting.shift();
          if (w) {
            taken++;
            w(mail);
          }
        },
        (err: Error) => cb(err),
      );
    },
  });
  server.listen(0, '127.0.0.1');
  await once(server.server, 'listening');
  const { port } = server.server.address() as AddressInfo;
  return {
    url: `smtp://${SMTP_USER}:${SMTP_PASSWORD}@127.0.0.1:${port}`,
    received,
    next() {
      if (taken < received.length) return Promise.resolve(received[taken++]!);
      return new Promise((resolve) => waiting.push(resolve));
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** An SMTP URL nothing listens on: a server started, then stopped. */
export async function deadSmtpUrl(): Promise<string> {
  const smtp = await startSmtp();
  await smtp.close();
  return smtp.url;
}
