import { pino, type Logger } from 'pino';

export type { Logger } from 'pino';

export interface LoggerOptions {
  level: string;
  pretty: boolean;
  /** Where JSON lines go (default stdout); tests pass a stream to read them. */
  destination?: NodeJS.WritableStream;
}

export function createLogger(options: LoggerOptions): Logger {
  if (options.pretty && !options.destination) {
    return pino({ level: options.level, transport: { target: 'pino-pretty', options: { translateTime: 'SYS:HH:MM:ss', ignore: 'pid,hostname' } } });
  }
  return options.destination
    ? pino({ level: options.level }, options.destination as unknown as pino.DestinationStream)
    : pino({ level: options.level });
}
