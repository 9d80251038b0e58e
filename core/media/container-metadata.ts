import { open } from 'node:fs/promises';

/*
 * Metadata read and removed from the file's structure, without decoding a pixel: where sharp does
 * not see it (a PNG's text chunks, a GIF's extensions), and where decoding would cost every frame
 * of an animation (an animated WebP's EXIF and XMP chunks).
 */

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
/** Chunks that carry text or EXIF: ImageMagick writes a photo's EXIF (its GPS) as a "Raw profile type exif" zTXt. */
const PNG_METADATA_CHUNKS = new Set(['tEXt', 'zTXt', 'iTXt', 'eXIf']);

/** Whether a PNG holds text or EXIF chunks, read from the chunks' headers only. */
export async function pngHasMetadataChunks(file: string): Promise<boolean> {
  const fh = await open(file, 'r');
  try {
    const { size } = await fh.stat();
    const header = Buffer.alloc(8);
    let at = PNG_SIGNATURE.length;
    while (at + 8 <= size) {
      await fh.read(header, 0, 8, at);
      const type = header.toString('latin1', 4, 8);
      if (PNG_METADATA_CHUNKS.has(type)) return true;
      if (type === 'IEND') return false;
      at += 12 + header.readUInt32BE(0);
    }
    return false;
  } finally {
    await fh.close();
  }
}

/** Application extensions that only say how to play the animation (loop count); every other one (XMP…) is metadata. */
const GIF_PLAYBACK_EXTENSIONS = new Set(['NETSCAPE2.0', 'ANIMEXTS1.0']);

/** Where the data sub-blocks that start at `at` end (after their 0 terminator). */
function gifSubBlocksEnd(buf: Buffer, at: number): number {
  let p = at;
  while (p < buf.length && buf[p] !== 0) p += buf[p]! + 1;
  if (p >= buf.length) throw new Error('truncated GIF');
  return p + 1;
}

/**
 * A GIF without its comment and application extensions (XMP among them; sharp does not read
 * them), or undefined when it has none. Throws on a GIF whose structure cannot be followed.
 */
export function gifWithoutMetadata(buf: Buffer): Buffer | undefined {
  if (buf.length < 13 || !/^GIF8[79]a$/.test(buf.toString('latin1', 0, 6))) throw new Error('not a GIF');
  const flags = buf[10]!;
  let p = 13 + (flags & 0x80 ? 3 * (1 << ((flags & 7) + 1)) : 0);
  const kept: Buffer[] = [buf.subarray(0, p)];
  let dropped = false;
  while (p < buf.length) {
    const start = p;
    const kind = buf[p]!;
    if (kind === 0x3b) {
      kept.push(buf.subarray(p, p + 1));
      break;
    }
    if (kind === 0x2c) {
      // Image: descriptor, local colour table, LZW code size, data.
      const local = buf[p + 9]!;
      p += 10 + (local & 0x80 ? 3 * (1 << ((local & 7) + 1)) : 0) + 1;
      p = gifSubBlocksEnd(buf, p);
      kept.push(buf.subarray(start, p));
    } else if (kind === 0x21) {
      const label = buf[p + 1]!;
      const identifier = label === 0xff && buf[p + 2] === 11 ? buf.toString('latin1', p + 3, p + 14) : undefined;
      p = gifSubBlocksEnd(buf, p + 2);
      const metadata = label === 0xfe || (label === 0xff && !GIF_PLAYBACK_EXTENSIONS.has(identifier ?? ''));
      if (metadata) dropped = true;
      else kept.push(buf.subarray(start, p));
    } else {
      throw new Error('unexpected GIF block');
    }
  }
  return dropped ? Buffer.concat(kept) : undefined;
}

const WEBP_METADATA_CHUNKS = new Set(['EXIF', 'XMP ']);
/** VP8X flags saying EXIF (0x08) and XMP (0x04) chunks follow. */
const VP8X_METADATA_FLAGS = 0x08 | 0x04;

/** A WebP without its EXIF and XMP chunks (frames untouched), or undefined when it has none. */
export function webpWithoutMetadata(buf: Buffer): Buffer | undefined {
  if (buf.length < 12 || buf.toString('latin1', 0, 4) !== 'RIFF' || buf.toString('latin1', 8, 12) !== 'WEBP') throw new Error('not a WebP');
  const kept: Buffer[] = [];
  let dropped = false;
  let p = 12;
  while (p + 8 <= buf.length) {
    const id = buf.toString('latin1', p, p + 4);
    const end = p + 8 + buf.readUInt32LE(p + 4) + (buf.readUInt32LE(p + 4) % 2);
    if (end > buf.length) throw new Error('truncated WebP');
    if (WEBP_METADATA_CHUNKS.has(id)) dropped = true;
    else if (id === 'VP8X') {
      const vp8x = Buffer.from(buf.subarray(p, end));
      vp8x[8] = vp8x[8]! & ~VP8X_METADATA_FLAGS;
      kept.push(vp8x);
    } else kept.push(buf.subarray(p, end));
    p = end;
  }
  if (!dropped) return undefined;
  const body = Buffer.concat(kept);
  const header = Buffer.alloc(12);
  header.write('RIFF', 0, 'latin1');
  header.writeUInt32LE(body.length + 4, 4);
  header.write('WEBP', 8, 'latin1');
  return Buffer.concat([header, body]);
}

/** A JPEG segment: marker, length, payload. */
function jpegSegment(marker: number, payload: Buffer): Buffer {
  const head = Buffer.from([0xff, marker, 0, 0]);
  head.writeUInt16BE(payload.length + 2, 2);
  return Buffer.concat([head, payload]);
}

/**
 * Markers that describe or carry the compressed pixels: frame headers (SOF0–SOF15 but for JPG, C8),
 * Huffman and arithmetic tables, quantisation tables, restart interval, scan header, line count.
 * Anything else (reserved, JPEG extensions, hierarchical) is refused rather than copied blind.
 */
const isStructuralMarker = (m: number) => (m >= 0xc0 && m <= 0xcf && m !== 0xc8) || m === 0xdb || m === 0xdd || m === 0xda || m === 0xdc;

/**
 * Whether a structural segment holds exactly what its tables and fields take, so that no byte in
 * it can be anything else (a segment whose marker byte was damaged into a table's may hold a place).
 */
function structuralPayloadFits(marker: number, payload: Buffer): boolean {
  const n = payload.length;
  if (marker === 0xdb) {
    let p = 0;
    while (p < n) p += 1 + 64 * (payload[p]! >> 4 ? 2 : 1);
    return p === n;
  }
  if (marker === 0xc4) {
    let p = 0;
    while (p + 17 <= n) p += 17 + payload.subarray(p + 1, p + 17).reduce((sum, c) => sum + c, 0);
    return p === n;
  }
  if (marker === 0xda) return n >= 1 && n === 1 + 2 * payload[0]! + 3;
  if (marker === 0xdd || marker === 0xdc) return n === 2;
  if (marker === 0xcc) return n % 2 === 0;
  // A frame header: precision, height, width, component count, three bytes per component.
  return n >= 6 && n === 6 + 3 * payload[5]!;
}

const ICC_ID = 'ICC_PROFILE\0';

/** Whether a blob is an ICC profile and nothing more: its header's signature, and the size it declares is all there is. */
export const isIccProfile = (icc: Buffer) => icc.length >= 128 && icc.readUInt32BE(0) === icc.length && icc.toString('latin1', 36, 40) === 'acsp';

/**
 * The ICC profile's APP2 segments rebuilt in their sequence order, holding the profile and nothing
 * else: a chunk whose numbering does not add up, or bytes beyond the size the profile declares (room
 * for any text), make the JPEG one to re-encode.
 */
function iccSegments(chunks: Buffer[]): Buffer[] {
  const count = chunks[0]![ICC_ID.length + 1]!;
  const bySeq = new Map<number, Buffer>();
  for (const c of chunks) {
    const seq = c[ICC_ID.length]!;
    if (c[ICC_ID.length + 1] !== count || seq < 1 || seq > count || bySeq.has(seq)) throw new Error('inconsistent ICC profile chunks');
    bySeq.set(seq, c.subarray(ICC_ID.length + 2));
  }
  if (bySeq.size !== count) throw new Error('missing ICC profile chunks');
  const parts = Array.from({ length: count }, (_, i) => bySeq.get(i + 1)!);
  const profile = Buffer.concat(parts);
  if (!isIccProfile(profile)) throw new Error('not an ICC profile');
  return parts.map((data, i) => jpegSegment(0xe2, Buffer.concat([Buffer.from(ICC_ID, 'latin1'), Buffer.from([i + 1, count]), data])));
}

/**
 * What is kept of an APPn segment: JFIF without its thumbnail (a picture of its own, perhaps not
 * this one); Adobe's colour transform, its 12 bytes; an ICC profile chunk (checked and rebuilt
 * later, see iccSegments). Undefined for the rest, JFXX included: it only holds thumbnails, and a
 * JPEG thumbnail can carry its own EXIF.
 */
function keptApp(marker: number, payload: Buffer): Buffer | 'icc' | undefined {
  const id = (s: string) => payload.length >= s.length && payload.toString('latin1', 0, s.length) === s;
  if (marker === 0xe0 && id('JFIF\0') && payload.length >= 14) {
    const jfif = Buffer.from(payload.subarray(0, 14));
    jfif[12] = 0; // no thumbnail: width and height 0
    jfif[13] = 0;
    return jpegSegment(0xe0, jfif);
  }
  if (marker === 0xee && id('Adobe')) {
    if (payload.length < 12) throw new Error('short Adobe segment');
    return jpegSegment(0xee, payload.subarray(0, 12));
  }
  if (marker === 0xe2 && id(ICC_ID) && payload.length > ICC_ID.length + 2) return 'icc';
  return undefined;
}

/** An EXIF APP1 segment holding only an orientation (1–8): the one tag a photo needs to show upright. */
function exifOrientationSegment(orientation: number): Buffer {
  const tiff = Buffer.alloc(26);
  tiff.write('II*\0', 0, 'latin1');
  tiff.writeUInt32LE(8, 4); // IFD0 right after the header
  tiff.writeUInt16LE(1, 8); // one entry
  tiff.writeUInt16LE(0x0112, 10); // Orientation
  tiff.writeUInt16LE(3, 12); // SHORT
  tiff.writeUInt32LE(1, 14);
  tiff.writeUInt16LE(orientation, 18);
  tiff.writeUInt32LE(0, 22); // no next IFD
  return jpegSegment(0xe1, Buffer.concat([Buffer.from('Exif\0\0', 'latin1'), tiff]));
}

/**
 * A JPEG without its metadata, the compressed pixels copied as they are (no re-encoding, so no
 * loss): EXIF, XMP, IPTC, comments, MPF, JFXX and maker segments, JFIF's thumbnail and whatever
 * follows the end of the image (a motion photo's video, a second image) go; JFIF, the ICC profile
 * and Adobe's colour transform stay, rebuilt from what they must hold. An `orientation` other than
 * 1 is written back alone, so the photo still shows upright. Throws on a JPEG whose structure
 * cannot be followed or holds what it does not know (the caller re-encodes it).
 */
export function jpegWithoutMetadata(buf: Buffer, orientation = 1): Buffer {
  if (buf.length < 4 || buf[0] !== 0xff || buf[1] !== 0xd8) throw new Error('not a JPEG');
  const kept: Buffer[] = [buf.subarray(0, 2)];
  let p = 2;
  let orientationWritten = orientation === 1;
  const writeOrientation = () => {
    if (!orientationWritten) kept.push(exifOrientationSegment(orientation));
    orientationWritten = true;
  };
  const icc: Buffer[] = [];
  let iccAt = -1;
  const finish = () => {
    if (iccAt >= 0) kept.splice(iccAt, 0, ...iccSegments(icc));
    return Buffer.concat(kept);
  };
  let scanned = false;
  for (;;) {
    if (p + 2 > buf.length) throw new Error('truncated JPEG');
    if (buf[p] !== 0xff) throw new Error('JPEG marker expected');
    const marker = buf[p + 1]!;
    if (marker === 0xff) {
      p++; // fill byte
      continue;
    }
    if (marker === 0xd9) {
      if (!scanned) throw new Error('JPEG without a scan');
      kept.push(buf.subarray(p, p + 2));
      return finish();
    }
    if (marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) {
      kept.push(buf.subarray(p, p + 2));
      p += 2;
      continue;
    }
    if (p + 4 > buf.length) throw new Error('truncated JPEG');
    const length = buf.readUInt16BE(p + 2);
    const end = p + 2 + length;
    if (length < 2 || end > buf.length) throw new Error('truncated JPEG');
    const isApp = marker >= 0xe0 && marker <= 0xef;
    if (isApp || marker === 0xfe) {
      const app = isApp ? keptApp(marker, buf.subarray(p + 4, end)) : undefined;
      if (app === 'icc') {
        if (iccAt < 0) iccAt = kept.length;
        icc.push(buf.subarray(p + 4, end));
      } else if (app) {
        kept.push(app);
        // JFIF must come first; the orientation follows it.
        if (marker === 0xe0) writeOrientation();
      }
      p = end;
      continue;
    }
    if (!isStructuralMarker(marker)) throw new Error(`unexpected JPEG marker ${marker.toString(16)}`);
    if (!structuralPayloadFits(marker, buf.subarray(p + 4, end))) throw new Error(`JPEG segment ${marker.toString(16)} holds more than it should`);
    writeOrientation();
    kept.push(buf.subarray(p, end));
    p = end;
    if (marker !== 0xda) continue;
    scanned = true;
    // Entropy-coded data after a scan header: an 0xFF in it is followed by 0 (a stuffed byte) or a
    // restart marker; any other marker ends the scan.
    const start = p;
    while (p + 1 < buf.length && !(buf[p] === 0xff && buf[p + 1] !== 0 && !(buf[p + 1]! >= 0xd0 && buf[p + 1]! <= 0xd7))) p++;
    if (p + 1 >= buf.length) throw new Error('truncated JPEG');
    kept.push(buf.subarray(start, p));
  }
}
