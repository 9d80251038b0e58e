import type { Logger } from 'pino';
import type { MailTransport } from './transport.ts';

export interface MailMessage {
  to: string;
  subject: string;
  text: string;
}

export interface Mailer {
  /** Sends at once; rejects when the server refuses it or cannot be reached. */
  send(message: MailMessage): Promise<void>;
  /**
   * Sends without making the caller wait (a visitor's request answers the same whether a message
   * went out or not, and as fast). `compose` may be work to do first (it gives no message when
   * there is none to send). A failure is logged with `context`, never with the message's address
   * or text, which may hold a secret link.
   */
  sendLater(compose: MailMessage | (() => Promise<MailMessage | undefined>), context: Record<string, unknown>): void;
  /** Resolves once every message handed to sendLater so far is sent or has failed. */
  idle(): Promise<void>;
}

/** Sends messages from `from` through `transport`. */
export function createMailer(deps: { transport: MailTransport; from: string; logger: Logger }): Mailer {
  const pending = new Set<Promise<void>>();

  async function send(message: MailMessage): Promise<void> {
    // Automated mail: no out-of-office replies back to the sender address.
    await deps.transport.sendMail({ from: deps.from, to: message.to, subject: message.subject, text: message.text, headers: { 'Auto-Submitted': 'auto-generated' } });
  }

  return {
    send,
    sendLater(compose, context) {
      const job = (async () => {
        const message = typeof compose === 'function' ? await compose() : compose;
        if (!message) return;
        await send(message);
        deps.logger.info(context, 'mail sent');
      })().then(
        () => undefined,
        (err: unknown) => {
          const e = err as { message?: unknown; code?: unknown; responseCode?: unknown };
          deps.logger.error({ ...context, error: String(e.message ?? err), code: e.code, responseCode: e.responseCode }, 'mail could not be sent');
        },
      );
      pending.add(job);
      void job.finally(() => pending.delete(job));
    },
    async idle() {
      while (pending.size) await Promise.all(pending);
    },
  };
}
