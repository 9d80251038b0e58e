import type { Writable } from 'node:stream';
import { formatNumber } from '../i18n/index.ts';
import type { CliText } from './shared.ts';

export interface ProgressState {
  done: number;
  total: number;
  /** Items per second so far, and the estimated seconds left. */
  rate: number;
  etaSeconds: number;
  /** What is being worked on (a file name), if anything. */
  current?: string;
}

const BAR_WIDTH = 24;

// The rate keeps one decimal, as the language writes it (3.0/s, 3,0/s).
const rateFormats = { en: new Intl.NumberFormat('en', { minimumFractionDigits: 1, maximumFractionDigits: 1 }), fr: new Intl.NumberFormat('fr', { minimumFractionDigits: 1, maximumFractionDigits: 1 }) };

/** `[#####·····]  12/40  3.1/s  ETA 9 s  sub/b.png`, in the terminal's language (« 3,1/s  reste 9 s »). */
export function progressLine(p: ProgressState, unit: string, text: CliText): string {
  const filled = p.total ? Math.round((p.done / p.total) * BAR_WIDTH) : BAR_WIDTH;
  const bar = `[${'#'.repeat(filled)}${'·'.repeat(BAR_WIDTH - filled)}]`;
  const eta = p.done < p.total && p.rate > 0 ? `  ${text.say('cli.eta', { seconds: Math.ceil(p.etaSeconds) })}` : '';
  const rate = text.say('cli.rate', { rate: rateFormats[text.lang].format(p.rate) });
  return `${bar} ${formatNumber(text.lang, p.done)}/${formatNumber(text.lang, p.total)} ${unit}  ${rate}${eta}${p.current ? `  ${p.current}` : ''}`;
}

/**
 * A progress bar on standard error: redrawn in place on a terminal; elsewhere (a log, a pipe) one
 * line at most every `everyMs`, plus the last one, so logs stay readable.
 */
export function createProgressBar(stream: Writable & { isTTY?: boolean; columns?: number }, unit: string, text: CliText, everyMs = 2000) {
  let last = 0;
  let drawn = false;
  return {
    update(p: ProgressState): void {
      const now = Date.now();
      const final = p.done >= p.total;
      if (stream.isTTY) {
        const width = Math.max(20, (stream.columns ?? 80) - 1);
        stream.write(`\r${progressLine(p, unit, text).slice(0, width).padEnd(width)}`);
        drawn = true;
        return;
      }
      if (!final && now - last < everyMs) return;
      last = now;
      stream.write(`${progressLine(p, unit, text)}\n`);
    },
    /** Ends the bar's line on a terminal. */
    end(): void {
      if (stream.isTTY && drawn) stream.write('\n');
    },
  };
}
