import { open, stat } from 'node:fs/promises';
import path from 'node:path';
import { fileTypeFromFile } from 'file-type';
import type { MediaType } from '../store/index.ts';
import { MediaError } from './errors.ts';

export interface DetectedType {
  type: MediaType;
  mime: string;
  /** The extension the server gives the stored file. */
  ext: string;
}

/** What the portal accepts, by the MIME type file-type reads from the content. */
const allowed: Record<string, { type: MediaType; ext: string; mime?: string }> = {
  'image/jpeg': { type: 'image', ext: 'jpg' },
  'image/png': { type: 'image', ext: 'png' },
  'image/webp': { type: 'image', ext: 'webp' },
  'image/gif': { type: 'image', ext: 'gif' },
  'image/avif': { type: 'image', ext: 'avif' },
  'image/tiff': { type: 'image', ext: 'tif' },
  'audio/mpeg': { type: 'audio', ext: 'mp3' },
  'audio/ogg': { type: 'audio', ext: 'ogg' },
  'audio/ogg; codecs=opus': { type: 'audio', ext: 'opus', mime: 'audio/ogg' },
  'audio/flac': { type: 'audio', ext: 'flac' },
  'audio/x-flac': { type: 'audio', ext: 'flac', mime: 'audio/flac' },
  'audio/wav': { type: 'audio', ext: 'wav' },
  'audio/x-m4a': { type: 'audio', ext: 'm4a', mime: 'audio/mp4' },
  'audio/mp4': { type: 'audio', ext: 'm4a' },
  'video/mp4': { type: 'video', ext: 'mp4' },
  'video/x-m4v': { type: 'video', ext: 'm4v', mime: 'video/mp4' },
  'video/webm': { type: 'video', ext: 'webm' },
  'video/ogg': { type: 'video', ext: 'ogv' },
  'video/quicktime': { type: 'video', ext: 'mov' },
  // Matroska other than WebM (file-type names it either way, by version); browsers get a web version.
  'video/matroska': { type: 'video', ext: 'mkv' },
  'video/x-matroska': { type: 'video', ext: 'mkv', mime: 'video/matroska' },
  'application/pdf': { type: 'document', ext: 'pdf' },
  'application/vnd.oasis.opendocument.text': { type: 'document', ext: 'odt' },
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document': { type: 'document', ext: 'docx' },
};

/** What file-type may report for markup; handled by the text checks below, which refuse it with a precise message. */
const markupMimes = new Set(['application/xml', 'text/xml', 'image/svg+xml', 'text/html', 'application/xhtml+xml']);

export const acceptedMimes = Object.keys(allowed);

/** Names under which a plain text upload is plausible; a "photo.jpg" full of text is refused. */
const textNames = /^(?:[^.]+|.*\.(?:txt|text|md|markdown|csv|tsv|log|srt|vtt|asc|nfo))$/i;
/** Text a browser could run or render as markup: HTML, SVG, XML, scripts. */
const markup = /<\s*(?:!doctype|html|head|body|script|iframe|object|embed|svg|\?xml|meta|link|style|form|img|a\s)|^\s*#!/i;

const SNIFF_BYTES = 64 * 1024;

async function head(file: string, bytes: number): Promise<Buffer> {
  const fh = await open(file, 'r');
  try {
    const buf = Buffer.alloc(bytes);
    const { bytesRead } = await fh.read(buf, 0, bytes, 0);
    return buf.subarray(0, bytesRead);
  } finally {
    await fh.close();
  }
}

function looksLikeText(buf: Buffer): boolean {
  if (buf.includes(0)) return false;
  // A multi-byte character may be cut at the end of the sample: drop up to 3 trailing bytes.
  for (let cut = 0; cut < 4; cut++) {
    try {
      const text = new TextDecoder('utf-8', { fatal: true }).decode(buf.subarray(0, buf.length - cut));
      // Controls other than tab, newline, form feed and carriage return mean binary.
      // eslint-disable-next-line no-control-regex
      return !/[\u0000-\u0008\u000b\u000e-\u001f\u007f]/.test(text);
    } catch {
      if (buf.length - cut <= 0) return false;
    }
  }
  return false;
}

/**
 * The file's real type, from its content (file-type), or plain UTF-8 text by sniffing. Throws a
 * MediaError naming the reason otherwise (empty, SVG, markup, not allowed).
 */
export async function detectType(file: string, originalName: string): Promise<DetectedType> {
  const { size } = await stat(file);
  if (size === 0) throw new MediaError('empty', 400, 'file');
  const found = await fileTypeFromFile(file);
  // Markup is refused below with its own message (SVG, HTML, XML).
  if (found && !markupMimes.has(found.mime)) {
    const entry = allowed[found.mime];
    if (!entry) throw new MediaError('type_not_allowed', 415, 'file', { type: found.mime });
    return { type: entry.type, mime: entry.mime ?? found.mime, ext: entry.ext };
  }
  const sample = await head(file, SNIFF_BYTES);
  const text = sample.toString('utf8');
  if (/<svg[\s>]/i.test(text)) throw new MediaError('svg_refused', 415, 'file');
  if (!looksLikeText(sample)) throw new MediaError('type_unknown', 415, 'file');
  if (markup.test(text)) throw new MediaError('markup_refused', 415, 'file');
  if (!textNames.test(path.basename(originalName))) throw new MediaError('text_misnamed', 415, 'file', { name: originalName });
  return { type: 'document', mime: 'text/plain', ext: 'txt' };
}
