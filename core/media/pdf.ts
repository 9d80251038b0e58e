import { access, rm } from 'node:fs/promises';
import type { Media } from '../store/index.ts';
import { runTool } from './av.ts';
import { capMB, OutOfMemoryError, type MemoryCap } from './memory-cap.ts';
import { ProcessingError, restated } from './failure.ts';

/** PDFs are the documents that get a preview (their first page); text and office files keep the placeholder. */
export const isPdf = (m: { type: Media['type']; original: Pick<Media['original'], 'mime'> }) => m.type === 'document' && m.original.mime === 'application/pdf';

/**
 * The rendered page's longer side, at most, whatever the largest derivative asks: pdftoppm
 * allocates the whole bitmap, so a page declared kilometres wide must not decide its size.
 */
export const PDF_RENDER_MAX = 2048;

const RENDER_TIMEOUT_MS = 60_000;

/**
 * The address space pdftoppm may take when prlimit is there to enforce it: poppler parses whatever
 * an uploader sends, and a hostile PDF can ask it for gigabytes. A page at PDF_RENDER_MAX needs
 * about 40 MB; 512 MB leaves room for big embedded images.
 */
export const PDF_MEMORY_CAP = 512 * 1024 * 1024;

/**
 * Page 1 of a PDF as a PNG (`<outPrefix>.png`), its longer side `scaleTo` pixels (capped at
 * PDF_RENDER_MAX), with poppler's pdftoppm run without a shell. A PDF it cannot open (encrypted
 * with a password, broken) rejects with a ProcessingError saying so.
 */
export async function renderFirstPage(
  pdftoppm: string,
  file: string,
  outPrefix: string,
  opts: { scaleTo: number; timeoutMs?: number; signal?: AbortSignal; /** Run under util-linux's prlimit with this address-space cap. */ memoryCap?: MemoryCap },
): Promise<string> {
  const scaleTo = Math.max(1, Math.min(PDF_RENDER_MAX, Math.round(opts.scaleTo)));
  const out = `${outPrefix}.png`;
  // -singlefile: no page number in the output's name. The file's path is absolute (never read as an option).
  const args = ['-f', '1', '-l', '1', '-singlefile', '-scale-to', String(scaleTo), '-png', file, outPrefix];
  const { memoryCap } = opts;
  try {
    // Under the cap, pdftoppm may say "Out of memory" and still exit 0 with a broken image: runTool fails it.
    await runTool(pdftoppm, args, { timeoutMs: opts.timeoutMs ?? RENDER_TIMEOUT_MS, signal: opts.signal, memoryCap });
  } catch (err) {
    await rm(out, { force: true });
    if ((err as Error).name === 'AbortError') throw err;
    if (err instanceof OutOfMemoryError) throw restated(err, `the PDF's first page needs more memory than a preview may take (${capMB(err.cap)} MB), so it has no preview`, { code: 'pdf_memory', vars: { mb: capMB(err.cap) } });
    // Stopped (too long, too talkative, killed) says more than "could not render".
    if (!(err instanceof ProcessingError) || err.reason.code !== 'tool_failed') throw err;
    if (/incorrect password/i.test(err.output ?? err.message)) throw restated(err, 'the PDF is encrypted: it needs a password to be opened, so it has no preview', { code: 'pdf_encrypted', vars: {} });
    throw restated(err, `pdftoppm could not render the PDF's first page: ${err.message}`, { code: 'pdf_unreadable', vars: {} });
  }
  // A PDF with no page exits in error; anything else that leaves no image is no preview either.
  if (!(await access(out).then(() => true, () => false))) throw new ProcessingError("pdftoppm made no image of the PDF's first page", { code: 'pdf_no_image', vars: {} });
  return out;
}
