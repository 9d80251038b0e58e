import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { deflateSync } from 'node:zlib';
import sharp from 'sharp';
import type { Media } from '../../core/store/index.ts';
/** A JPEG with EXIF GPS coordinates and an orientation tag (6 = rotate 90° clockwise to display). */
export async function jpegWithGps(file: string, width = 1200, height = 900, orientation = 6): Promise<void> {
  await sharp({ create: { width, height, channels: 3, background: { r: 200, g: 80, b: 40 } } })
    .withExif({
      IFD0: { Make: 'KiosqueCam', Model: 'T1' },
      IFD3: { GPSLatitudeRef: 'N', GPSLatitude: '48/1 51/1 24/1', GPSLongitudeRef: 'E', GPSLongitude: '2/1 21/1 3/1' },
    })
    // sharp writes the orientation tag itself (an Orientation in withExif is overridden).
    .withMetadata({ orientation })
    .jpeg({ quality: 80 })
    .toFile(file);
}

export async function png(file: string, width = 500, height = 300, alpha = true): Promise<void> {
  await sharp({ create: { width, height, channels: alpha ? 4 : 3, background: { r: 10, g: 120, b: 200, alpha: 0.5 } } }).png().toFile(file);
}

export async function webp(file: string, width = 640, height = 480): Promise<void> {
  await sharp({ create: { width, height, channels: 3, background: '#336699' } }).webp().toFile(file);
}

/** An animated GIF of `frames` frames of size w×h. */
export async function gif(file: string, frames: number, w = 16, h = 16): Promise<void> {
  const data = Buffer.alloc(w * h * frames * 3);
  for (let i = 0; i < data.length; i++) data[i] = (i * 7) % 251;
  await sharp(data, { raw: { width: w, height: h * frames, channels: 3, pageHeight: h } }).gif({ delay: Array(frames).fill(40), loop: 0 }).toFile(file);
}

function crc32(buf: Buffer): number {
  let c = ~0;
  for (const b of buf) {
    c ^= b;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0xedb88320 : c >>> 1;
  }
  return ~c >>> 0;
}

function chunk(type: string, data: Buffer): Buffer {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const td = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(td));
  return Buffer.concat([len, td, crc]);
}

/** An EXIF block holding a GPS position (48°51′24″ N), as a camera writes it. */
export async function gpsExif(): Promise<Buffer> {
  const jpeg = await sharp({ create: { width: 8, height: 8, channels: 3, background: '#fff' } })
    .withExif({ IFD3: { GPSLatitudeRef: 'N', GPSLatitude: '48/1 51/1 24/1' } })
    .jpeg()
    .toBuffer();
  return (await sharp(jpeg).metadata()).exif!;
}

/** A PNG whose EXIF (with GPS) is in a "Raw profile type exif" zTXt chunk, as ImageMagick writes it converting a photo; sharp does not see it. */
export async function pngWithRawExifProfile(file: string, width = 40, height = 30): Promise<void> {
  const exif = await gpsExif();
  const raw = Buffer.from(`\nexif\n${String(exif.length).padStart(8)}\n${exif.toString('hex').replace(/(.{72})/g, '$1\n')}\n`);
  const plain = await sharp({ create: { width, height, channels: 3, background: '#c84' } }).png().toBuffer();
  const iend = plain.length - 12;
  await writeFile(file, Buffer.concat([plain.subarray(0, iend), chunk('zTXt', Buffer.concat([Buffer.from('Raw profile type exif\0\0', 'latin1'), deflateSync(raw)])), plain.subarray(iend)]));
}

/** The bytes of an XMP packet naming a GPS position. */
export const GPS_XMP = '<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description xmlns:exif="http://ns.adobe.com/exif/1.0/" exif:GPSLatitude="48,51.4N"/></rdf:RDF></x:xmpmeta>';

/** An animated GIF (see gif()) with an XMP application extension naming a place, as Photoshop writes it; sharp does not see it. */
export async function gifWithXmp(file: string, frames: number): Promise<void> {
  await gif(file, frames);
  const plain = await readFile(file);
  const flags = plain[10]!;
  const at = 13 + (flags & 0x80 ? 3 * (1 << ((flags & 7) + 1)) : 0);
  // XMP's "magic trailer" (0x01, 0xff … 0x00) keeps its bytes readable as GIF sub-blocks.
  const trailer = Buffer.from([0x01, ...Array.from({ length: 255 }, (_, i) => 0xff - i), 0x00, 0x00]);
  const extension = Buffer.concat([Buffer.from([0x21, 0xff, 11]), Buffer.from('XMP DataXMP', 'latin1'), Buffer.from(GPS_XMP), trailer]);
  await writeFile(file, Buffer.concat([plain.subarray(0, at), extension, plain.subarray(at)]));
}

function riffChunk(id: string, data: Buffer): Buffer {
  const header = Buffer.alloc(8);
  header.write(id, 0, 'latin1');
  header.writeUInt32LE(data.length, 4);
  return Buffer.concat([header, data, Buffer.alloc(data.length % 2)]);
}

/**
 * An animated WebP of `frames` frames on a width×height canvas, each frame a single pixel (so the
 * file is a few kilobytes however large the canvas), with an EXIF chunk holding a GPS position.
 */
export async function animatedWebpWithGps(file: string, width: number, height: number, frames: number): Promise<void> {
  const pixel = await sharp({ create: { width: 1, height: 1, channels: 3, background: '#369' } }).webp({ lossless: true }).toBuffer();
  const vp8l = pixel.subarray(12);
  const u24 = (v: number) => Buffer.from([v & 0xff, (v >> 8) & 0xff, (v >> 16) & 0xff]);
  const vp8x = Buffer.concat([Buffer.from([0x02 | 0x08, 0, 0, 0]), u24(width - 1), u24(height - 1)]);
  const frame = riffChunk('ANMF', Buffer.concat([u24(0), u24(0), u24(0), u24(0), u24(100), Buffer.from([0]), vp8l]));
  const body = Buffer.concat([Buffer.from('WEBP', 'latin1'), riffChunk('VP8X', vp8x), riffChunk('ANIM', Buffer.alloc(6)), ...Array<Buffer>(frames).fill(frame), riffChunk('EXIF', await gpsExif())]);
  const header = Buffer.alloc(8);
  header.write('RIFF', 0, 'latin1');
  header.writeUInt32LE(body.length, 4);
  await writeFile(file, Buffer.concat([header, body]));
}

/** A 4×4 RGB TIFF with a GPS directory (tag 34853), as cameras and scanning apps write it; sharp does not see it. */
export async function tiffWithGps(file: string): Promise<void> {
  const pixels = Buffer.alloc(4 * 4 * 3, 0x80);
  const ifd0At = 8;
  const ifd0Entries = 11;
  const gpsAt = ifd0At + 2 + ifd0Entries * 12 + 4;
  const gpsEntries = 2;
  const bitsAt = gpsAt + 2 + gpsEntries * 12 + 4;
  const latitudeAt = bitsAt + 6;
  const pixelsAt = latitudeAt + 24;
  const buf = Buffer.alloc(pixelsAt + pixels.length);
  buf.write('II', 0, 'latin1');
  buf.writeUInt16LE(42, 2);
  buf.writeUInt32LE(ifd0At, 4);
  const entry = (ifd: number, i: number, tag: number, type: number, count: number, value: number) => {
    const o = ifd + 2 + i * 12;
    buf.writeUInt16LE(tag, o);
    buf.writeUInt16LE(type, o + 2);
    buf.writeUInt32LE(count, o + 4);
    if (type === 3 && count === 1) buf.writeUInt16LE(value, o + 8);
    else buf.writeUInt32LE(value, o + 8);
  };
  buf.writeUInt16LE(ifd0Entries, ifd0At);
  // Width, height, bits per sample, no compression, RGB, strip offset, 3 samples, rows per strip, strip size, chunky, GPS.
  [[256, 3, 1, 4], [257, 3, 1, 4], [258, 3, 3, bitsAt], [259, 3, 1, 1], [262, 3, 1, 2], [273, 4, 1, pixelsAt], [277, 3, 1, 3], [278, 3, 1, 4], [279, 4, 1, pixels.length], [284, 3, 1, 1], [34853, 4, 1, gpsAt]].forEach(([tag, type, count, value], i) => entry(ifd0At, i, tag!, type!, count!, value!));
  buf.writeUInt16LE(gpsEntries, gpsAt);
  // GPSLatitudeRef "N", GPSLatitude 48/1 51/1 24/1.
  entry(gpsAt, 0, 1, 2, 2, 0);
  buf.write('N\0', gpsAt + 2 + 8, 'latin1');
  entry(gpsAt, 1, 2, 5, 3, latitudeAt);
  for (let i = 0; i < 3; i++) buf.writeUInt16LE(8, bitsAt + i * 2);
  [48, 1, 51, 1, 24, 1].forEach((v, i) => buf.writeUInt32LE(v, latitudeAt + i * 4));
  pixels.copy(buf, pixelsAt);
  await writeFile(file, buf);
}

/** A small, valid-looking PNG whose header claims width×height (a decompression bomb). */
export async function pngBomb(file: string, width = 14000, height = 14000): Promise<void> {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 2; // RGB
  // A few rows of zeros compress to almost nothing: the real bomb would be all of them.
  const idat = deflateSync(Buffer.alloc((width * 3 + 1) * 50));
  await writeFile(file, Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr), chunk('IDAT', idat), chunk('IEND', Buffer.alloc(0))]));
}

export function ffmpeg(args: string[]): Promise<void> {
  return new Promise((resolve, reject) => execFile('/usr/bin/ffmpeg', ['-v', 'error', '-nostdin', '-y', ...args], { timeout: 60_000 }, (err) => (err ? reject(err) : resolve())));
}

function ffmpegOutput(args: string[]): Promise<string> {
  return new Promise((resolve, reject) => execFile('/usr/bin/ffmpeg', ['-v', 'error', '-nostdin', ...args], { timeout: 60_000 }, (err, stdout) => (err ? reject(err) : resolve(String(stdout)))));
}

/**
 * The MD5 of a stream's packets as they are stored (its first video or audio stream), whatever
 * the container: equal for a stream copied into another file, different once it is re-encoded.
 */
export async function packetsMd5(file: string, stream: 'v' | 'a'): Promise<string> {
  const out = await ffmpegOutput(['-i', file, '-map', `0:${stream}:0`, '-c', 'copy', '-f', 'md5', '-']);
  return /MD5=([0-9a-f]{32})/.exec(out)![1]!;
}

/** The average luma (Y, 0–255 for 8-bit, 0–1023 for 10-bit) of a video's first frame, as ffmpeg's signalstats measures it. */
export async function firstFrameLuma(file: string): Promise<number> {
  const out = await ffmpegOutput(['-i', file, '-frames:v', '1', '-vf', 'signalstats,metadata=print:file=-:key=lavfi.signalstats.YAVG', '-f', 'null', '-']);
  return Number(/lavfi\.signalstats\.YAVG=([\d.]+)/.exec(out)![1]);
}

/** One second of a 440 Hz tone as MP3, with a title tag. */
export const mp3 = (file: string) => ffmpeg(['-f', 'lavfi', '-i', 'sine=frequency=440:duration=1', '-metadata', 'title=La note', '-c:a', 'libmp3lame', '-b:a', '64k', file]);
/** A tiny video: 2 s of testsrc at 160×120 with a tone (MP4/H.264 + AAC). */
export const mp4 = (file: string) =>
  ffmpeg(['-f', 'lavfi', '-i', 'testsrc=size=160x120:rate=10:duration=2', '-f', 'lavfi', '-i', 'sine=frequency=220:duration=2', '-c:v', 'libx264', '-pix_fmt', 'yuv420p', '-preset', 'ultrafast', '-c:a', 'aac', '-shortest', '-movflags', '+faststart', file]);

/** A PDF file from its objects (numbered from 1, the first being the catalog), with a correct cross-reference table. */
function pdfFile(objects: Array<string | Buffer>, trailer = ''): Buffer {
  const parts: Buffer[] = [Buffer.from('%PDF-1.4\n')];
  let length = parts[0]!.length;
  const offsets: number[] = [];
  const add = (b: string | Buffer) => {
    const buf = typeof b === 'string' ? Buffer.from(b, 'latin1') : b;
    parts.push(buf);
    length += buf.length;
  };
  objects.forEach((o, i) => {
    offsets.push(length);
    add(`${i + 1} 0 obj\n`);
    add(o);
    add('\nendobj\n');
  });
  const xref = length;
  add(`xref\n0 ${objects.length + 1}\n0000000000 65535 f \n${offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n \n`).join('')}`);
  add(`trailer\n<< /Size ${objects.length + 1} /Root 1 0 R ${trailer}>>\nstartxref\n${xref}\n%%EOF\n`);
  return Buffer.concat(parts);
}

/** Catalog, pages and one page of w×h points whose content is `content` (object 4). */
const onePage = (w: number, h: number, content: Buffer) => [
  '<< /Type /Catalog /Pages 2 0 R >>',
  '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
  `<< /Type /Page /Parent 2 0 R /MediaBox [0 0 ${w} ${h}] /Contents 4 0 R /Resources << >> >>`,
  Buffer.concat([Buffer.from(`<< /Length ${content.length} >>\nstream\n`), content, Buffer.from('\nendstream')]),
];

/** The drawing of a rectangle filled with an RGB colour (0–255 each) from (x, y), w×h points. */
const rectangle = (rgb: [number, number, number], [x, y, w, h]: number[]) => Buffer.from(`${rgb.map((c) => (c / 255).toFixed(4)).join(' ')} rg ${x} ${y} ${w} ${h} re f`);

/**
 * A real one-page PDF, written by hand: a page of `width`×`height` points (white) with a
 * rectangle of colour `rgb` covering its middle (a tenth of the page's width and height left
 * around it). pdftoppm renders it like any PDF.
 */
export async function pdf(file: string, options: { width?: number; height?: number; rgb?: [number, number, number] } = {}): Promise<void> {
  const { width = 200, height = 100, rgb = [51, 102, 204] } = options;
  await writeFile(file, pdfFile(onePage(width, height, rectangle(rgb, [width / 10, height / 10, (width * 8) / 10, (height * 8) / 10]))));
}

const PASSWORD_PAD = Buffer.from('28BF4E5E4E758A4164004E56FFFA01082E2E00B6D0683E802F0CA9FE6453697A', 'hex');

function rc4(key: Buffer, data: Buffer): Buffer {
  const s = Array.from({ length: 256 }, (_, i) => i);
  let j = 0;
  for (let i = 0; i < 256; i++) {
    j = (j + s[i]! + key[i % key.length]!) & 255;
    [s[i], s[j]] = [s[j]!, s[i]!];
  }
  const out = Buffer.alloc(data.length);
  let i = 0;
  j = 0;
  for (let k = 0; k < data.length; k++) {
    i = (i + 1) & 255;
    j = (j + s[i]!) & 255;
    [s[i], s[j]] = [s[j]!, s[i]!];
    out[k] = data[k]! ^ s[(s[i]! + s[j]!) & 255]!;
  }
  return out;
}

/**
 * The same page as `pdf`, encrypted with a user password (PDF standard security handler,
 * revision 2: RC4 with a 40-bit key, computed as the PDF specification's algorithms 2, 3 and 4
 * say), so that it opens only with that password: `pdftoppm -upw <password>` renders it.
 */
export async function encryptedPdf(file: string, password = 'secret'): Promise<void> {
  const md5 = (...parts: Buffer[]) => createHash('md5').update(Buffer.concat(parts)).digest();
  const pad = (pw: string) => Buffer.concat([Buffer.from(pw, 'latin1'), PASSWORD_PAD]).subarray(0, 32);
  const id = Buffer.from('4b696f73717565207465737420706466', 'hex');
  const permissions = Buffer.alloc(4);
  permissions.writeInt32LE(-44);
  const owner = rc4(md5(pad('owner')).subarray(0, 5), pad(password));
  const key = md5(pad(password), owner, permissions, id).subarray(0, 5);
  const user = rc4(key, PASSWORD_PAD);
  // Each object's data is encrypted with the key extended by its number and generation (object 4, generation 0).
  const content = rc4(md5(key, Buffer.from([4, 0, 0, 0, 0])).subarray(0, 10), rectangle([51, 102, 204], [20, 10, 160, 80]));
  const encrypt = `<< /Filter /Standard /V 1 /R 2 /O <${owner.toString('hex')}> /U <${user.toString('hex')}> /P -44 >>`;
  await writeFile(file, pdfFile([...onePage(200, 100, content), encrypt], `/Encrypt 5 0 R /ID [<${id.toString('hex')}> <${id.toString('hex')}>] `));
}

/** Every file under a folder (relative paths), to check that nothing was left behind. */
export async function filesUnder(dir: string): Promise<string[]> {
  try {
    const entries = await readdir(dir, { recursive: true, withFileTypes: true });
    return entries.filter((e) => e.isFile()).map((e) => path.relative(dir, path.join(e.parentPath, e.name))).sort();
  } catch {
    return [];
  }
}

/** True when an EXIF block holds a GPS IFD pointer (tag 0x8825, either byte order). */
export function exifHasGps(exif: Buffer | undefined): boolean {
  return !!exif && (exif.includes(Buffer.from([0x88, 0x25])) || exif.includes(Buffer.from([0x25, 0x88])));
}

/** A supertest parser that keeps the body as a Buffer (for images and audio read back). */
export const binary = ((res: NodeJS.ReadableStream, cb: (err: Error | null, body: Buffer) => void) => {
  const chunks: Buffer[] = [];
  res.on('data', (c: Buffer) => chunks.push(c));
  res.on('end', () => cb(null, Buffer.concat(chunks)));
}) as unknown as (res: import('supertest').Response, cb: (err: Error | null, body: unknown) => void) => void;

/** A ZIP with stored (uncompressed) entries: enough for ODT/DOCX containers. */
export function zip(entries: Array<[string, string]>): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const [name, text] of entries) {
    const data = Buffer.from(text);
    const fname = Buffer.from(name);
    const crc = crc32(data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(data.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(fname.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(data.length, 20);
    central.writeUInt32LE(data.length, 24);
    central.writeUInt16LE(fname.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, fname, data);
    centrals.push(central, fname);
    offset += local.length + fname.length + data.length;
  }
  const cd = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(cd.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, cd, end]);
}

/** A media record as the store takes it (no file behind it: store tests only). */
export function sampleMedia(title: string, extra: Partial<Omit<Media, 'id'>> = {}): Omit<Media, 'id'> {
  const now = new Date().toISOString();
  return {
    slug: title.toLowerCase().replace(/[^a-z0-9]+/g, '-'),
    type: 'image',
    status: 'draft',
    title,
    description: '',
    sectorId: null,
    keywordIds: [],
    licence: '',
    authorId: null,
    createdAt: now,
    updatedAt: now,
    publishedAt: null,
    views: 0,
    original: { file: `originals/${title}.png`, mime: 'image/png', size: 1, name: `${title}.png`, sha256: '0'.repeat(64) },
    variants: {},
    meta: {},
    processing: { state: 'done', attempts: 0 },
    ...extra,
  };
}

/** Prepares a data folder whose next media id is `nextMediaId` (to reach a given shard without creating hundreds of items). */
export async function seedNextMediaId(dataDir: string, nextMediaId: number): Promise<void> {
  await mkdir(path.join(dataDir, 'db'), { recursive: true });
  await writeFile(path.join(dataDir, 'db', 'meta.json'), JSON.stringify({ schemaVersion: 1, createdAt: new Date().toISOString(), nextMediaId }));
}
