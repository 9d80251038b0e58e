import { constants, existsSync, readFileSync, statSync } from 'node:fs';
import { access, readdir, stat, statfs } from 'node:fs/promises';
import path from 'node:path';
import { lockHolder } from '../store/index.ts';
import { findTools, type FfmpegFeatures, type MediaTools, type ToolStatus } from '../media/tools.ts';
import { PDF_MEMORY_CAP } from '../media/pdf.ts';
import { runTool } from '../media/av.ts';
import { memoryCap, OutOfMemoryError } from '../media/memory-cap.ts';
import type { Config } from '../config/index.ts';
import { discoverThemes } from '../views/themes.ts';
import { cliConfig, cliMessages, dataDirOf, noArguments, openCliStore, parse, print, EXIT_FAILURE, EXIT_OK, ROOT_DIR, type CliIO, type CliText, type Command } from './shared.ts';

type Status = 'ok' | 'warn' | 'fail';
interface Check {
  status: Status;
  label: string;
  detail?: string[];
}

const MARK: Record<Status, string> = { ok: '[ ok ]', warn: '[warn]', fail: '[FAIL]' };
const LOW_DISK_BYTES = 1024 ** 3;

function versionAtLeast(actual: string, wanted: string): boolean {
  const a = actual.replace(/^v/, '').split('.').map(Number);
  const w = wanted.split('.').map(Number);
  for (let i = 0; i < 3; i++) {
    if ((a[i] ?? 0) !== (w[i] ?? 0)) return (a[i] ?? 0) > (w[i] ?? 0);
  }
  return true;
}

export function checkNode(nodeVersion = process.version): Check {
  const pkg = JSON.parse(readFileSync(path.join(ROOT_DIR, 'package.json'), 'utf8')) as { engines?: { node?: string } };
  const range = pkg.engines?.node ?? '';
  const m = /^>=\s*(\d+(?:\.\d+){0,2})$/.exec(range.trim());
  if (!m) return { status: 'warn', label: `Node.js ${nodeVersion}`, detail: [`cannot check against package.json engines "${range}"`] };
  return versionAtLeast(nodeVersion, m[1]!)
    ? { status: 'ok', label: `Node.js ${nodeVersion} (package.json asks ${range})` }
    : { status: 'fail', label: `Node.js ${nodeVersion} is too old: package.json asks ${range}`, detail: ['install a newer Node.js (https://nodejs.org/)'] };
}

function formatBytes(n: number): string {
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let i = 0;
  while (n >= 1024 && i < units.length - 1) {
    n /= 1024;
    i++;
  }
  return `${n.toFixed(i ? 1 : 0)} ${units[i]}`;
}

/** The nearest folder that exists: the data folder, or the parent it will be created in. */
function existingAncestor(dir: string): string {
  let cur = dir;
  while (!existsSync(cur) && path.dirname(cur) !== cur) cur = path.dirname(cur);
  return cur;
}

async function checkData(dataDir: string, checks: Check[]): Promise<{ canOpen: boolean }> {
  if (!existsSync(dataDir)) {
    const parent = existingAncestor(dataDir);
    try {
      await access(parent, constants.W_OK);
      checks.push({ status: 'ok', label: `data folder ${dataDir} does not exist yet (created at first start in ${parent}, which is writable)` });
    } catch {
      checks.push({ status: 'fail', label: `data folder ${dataDir} does not exist and ${parent} is not writable`, detail: ['create the folder and give the server user write access, or set KIOSQUE_DATA_DIR'] });
    }
    return { canOpen: false };
  }
  if (!statSync(dataDir).isDirectory()) {
    checks.push({ status: 'fail', label: `data folder ${dataDir} is not a folder` });
    return { canOpen: false };
  }
  try {
    await access(dataDir, constants.R_OK | constants.W_OK);
    checks.push({ status: 'ok', label: `data folder ${dataDir} exists and is writable` });
  } catch {
    checks.push({ status: 'fail', label: `data folder ${dataDir} is not writable by this user`, detail: ['give the server user read and write access to it'] });
    return { canOpen: false };
  }
  const pid = lockHolder(dataDir);
  if (pid !== null) {
    checks.push({ status: 'ok', label: `data folder is locked by a running server (pid ${pid})`, detail: ['data files not checked while it runs (it checked them at start); stop the server first to check them'] });
    return { canOpen: false };
  }
  checks.push({ status: 'ok', label: 'data folder is free (no server running on it)' });
  return { canOpen: true };
}

async function checkDataFiles(io: CliIO, text: CliText, dataDir: string, checks: Check[]): Promise<void> {
  try {
    const store = await openCliStore(cliConfig(io), text);
    const [users, media] = [await store.users.count(), await store.media.count()];
    checks.push({ status: 'ok', label: `data files readable (schema version ${store.info.schemaVersion}; ${users} account(s), ${media} media)` });
    const used = new Set((await store.media.list()).map((m) => path.dirname(m.original.file)));
    await store.close();
    checks.push(await checkMediaFolders(path.join(dataDir, 'files'), used));
  } catch (err) {
    checks.push({ status: 'fail', label: 'data files', detail: [(err as Error).message] });
  }
}

/** Server-named media folders (files/<2 hex>/<20 hex>) are made per upload. */
const MEDIA_FOLDER = [/^[0-9a-f]{2}$/, /^[0-9a-f]{20}$/];

async function folderBytes(dir: string): Promise<number> {
  let total = 0;
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    total += entry.isDirectory() ? await folderBytes(full) : (await stat(full)).size;
  }
  return total;
}

/**
 * Media folders no record points to: left by a deletion whose files could not be removed (the
 * server logs it and carries on), or by a crash between an upload's move and its record.
 * Nobody can reach them (files are served by record), they only take room.
 */
export async function checkMediaFolders(filesDir: string, used: ReadonlySet<string>): Promise<Check> {
  const orphans: string[] = [];
  if (existsSync(filesDir)) {
    for (const a of await readdir(filesDir, { withFileTypes: true })) {
      if (!a.isDirectory() || !MEDIA_FOLDER[0]!.test(a.name)) continue;
      for (const b of await readdir(path.join(filesDir, a.name), { withFileTypes: true })) {
        if (b.isDirectory() && MEDIA_FOLDER[1]!.test(b.name) && !used.has(path.join(a.name, b.name))) orphans.push(path.join(a.name, b.name));
      }
    }
  }
  if (!orphans.length) return { status: 'ok', label: 'every media folder belongs to a media' };
  let bytes = 0;
  for (const o of orphans) bytes += await folderBytes(path.join(filesDir, o));
  const shown = orphans.sort().slice(0, 10).map((o) => path.join(filesDir, o));
  return {
    status: 'warn',
    label: `${orphans.length} media folder(s) belong to no media (${formatBytes(bytes)})`,
    detail: [...shown, ...(orphans.length > shown.length ? [`… and ${orphans.length - shown.length} more`] : []), 'nothing serves them: delete them by hand to get the space back (with the server stopped)'],
  };
}

async function checkDisk(dataDir: string): Promise<Check> {
  const where = existingAncestor(dataDir);
  try {
    const s = await statfs(where);
    const free = s.bavail * s.bsize;
    const label = `free disk space where the data lives: ${formatBytes(free)}`;
    return free < LOW_DISK_BYTES ? { status: 'warn', label, detail: ['uploads need room for the originals and their derivatives'] } : { status: 'ok', label };
  } catch (err) {
    return { status: 'warn', label: `free disk space unknown (${(err as Error).message})` };
  }
}

/** What each tool is for and how to install it, for the doctor's advice. */
const TOOL_ADVICE: Record<ToolStatus['name'], { versionArg: string; neededFor: string; install: string }> = {
  ffmpeg: { versionArg: '-version', neededFor: 'audio and video need it', install: '`apt-get install ffmpeg` (Debian/Ubuntu), `brew install ffmpeg` (macOS)' },
  ffprobe: { versionArg: '-version', neededFor: 'audio and video need it', install: '`apt-get install ffmpeg` (Debian/Ubuntu), `brew install ffmpeg` (macOS)' },
  pdftoppm: { versionArg: '-v', neededFor: 'optional: PDF previews need it (without it PDFs show a placeholder)', install: '`apt-get install poppler-utils` (Debian/Ubuntu), `brew install poppler` (macOS)' },
  prlimit: { versionArg: '--version', neededFor: 'optional: it caps the memory ffmpeg, ffprobe and pdftoppm may take on a hostile or broken file', install: '`apt-get install util-linux` (Debian/Ubuntu)' },
};

/**
 * Whether the tools that parse uploads (those found) run under a memory cap, and whether ffmpeg
 * and ffprobe start within theirs: a cap set too low fails every audio and video job.
 */
async function memoryCapChecks(tools: MediaTools, media: Pick<Config['media'], 'ffmpegMemoryMB' | 'ffprobeMemoryMB'>): Promise<Check[]> {
  const capped = [
    { tool: tools.ffmpeg, mb: media.ffmpegMemoryMB, setting: 'media.ffmpegMemoryMB' },
    { tool: tools.ffprobe, mb: media.ffprobeMemoryMB, setting: 'media.ffprobeMemoryMB' },
    { tool: tools.pdftoppm, mb: PDF_MEMORY_CAP / 1024 / 1024 },
  ].filter((c) => c.tool.path);
  if (!capped.length) return [];
  const names = (list: typeof capped) => list.map((c) => c.tool.name).join(', ').replace(/, ([^,]+)$/, ' and $1');
  if (!tools.prlimit.path) {
    const exposed = capped.filter((c) => c.mb > 0);
    if (!exposed.length) return [];
    return [{ status: 'warn', label: `prlimit not found on the PATH: ${names(exposed)} run${exposed.length > 1 ? '' : 's'} without a memory cap`, detail: [`${TOOL_ADVICE.prlimit.neededFor}: install it with ${TOOL_ADVICE.prlimit.install}`] }];
  }
  const caps = capped.map((c) => (c.mb > 0 ? `${c.tool.name} at most ${c.mb} MB` : `${c.tool.name} none (${c.setting} is 0)`));
  const checks: Check[] = [{ status: 'ok', label: `prlimit: ${tools.prlimit.path} — memory caps: ${caps.join(', ')}` }];
  for (const c of capped) {
    // pdftoppm's cap is fixed, and its tests show it starts within it.
    const cap = c.setting ? memoryCap(tools.prlimit.path, c.mb, c.setting) : undefined;
    if (!cap) continue;
    try {
      await runTool(c.tool.path!, ['-version'], { timeoutMs: 10_000, memoryCap: cap });
    } catch (err) {
      if (!(err instanceof OutOfMemoryError)) continue; // that it runs at all is the tool's own check
      checks.push({ status: 'fail', label: `${c.tool.name} cannot start within ${c.mb} MB (${c.setting}): every audio and video job would fail`, detail: [`raise ${c.setting} (KIOSQUE_${c.tool.name.toUpperCase()}_MEMORY_MB), or set it to 0 for no cap`] });
    }
  }
  return checks;
}

function toolCheck(key: string, tool: ToolStatus): Check {
  const { name } = tool;
  const advice = TOOL_ADVICE[name];
  const from = tool.source === 'config' ? `from config media.${key}` : 'from the PATH';
  if (!tool.path && tool.tried.length > 0) {
    return { status: 'fail', label: `${name} at ${tool.tried.join(', ')} (${from}) does not run`, detail: [`tried: ${tool.tried.map((p) => `${p} ${advice.versionArg}`).join(', ')}`, `error: ${tool.error}`, `fix the path, or install it with ${advice.install.split(' (')[0]}`] };
  }
  if (!tool.path) {
    return {
      status: 'warn',
      label: `${name} not found (config media.${key} is empty and it is not on the PATH)`,
      detail: [`${advice.neededFor}: install it with ${advice.install}`, `or set media.${key} / KIOSQUE_${name.toUpperCase()} to its path`],
    };
  }
  return { status: 'ok', label: `${name}: ${tool.path} (${from}) — ${tool.version}` };
}

/** What web versions need from a working ffmpeg: builds differ (a minimal one lacks libx264, zscale needs libzimg). */
export function ffmpegFeatureChecks(features: FfmpegFeatures | undefined): Check[] {
  if (!features) return [{ status: 'warn', label: 'ffmpeg did not list its encoders and filters (ffmpeg -encoders, ffmpeg -filters)', detail: ['web versions of audio and video may fail; check that this is a complete ffmpeg'] }];
  const checks: Check[] = [];
  const missing = (['libx264', 'aac'] as const).filter((e) => !features.encoders[e]);
  if (!missing.length) checks.push({ status: 'ok', label: 'ffmpeg encoders for web versions: libx264 (H.264 video), aac (sound)' });
  else {
    checks.push({
      status: 'warn',
      label: `ffmpeg lacks the ${missing.join(' and ')} encoder${missing.length > 1 ? 's' : ''} that web versions are made with`,
      detail: [
        ...(features.encoders.libx264 ? [] : ['video browsers cannot play gets no web version, unless only its container needs changing (its streams are then copied)']),
        ...(features.encoders.aac ? [] : ['audio browsers cannot play gets no web version, nor does video whose sound must be encoded']),
        'install a complete build: `apt-get install ffmpeg` (Debian/Ubuntu), `brew install ffmpeg` (macOS)',
      ],
    });
  }
  const filters = (['zscale', 'tonemap'] as const).filter((f) => !features.filters[f]);
  if (!filters.length) checks.push({ status: 'ok', label: 'ffmpeg filters zscale and tonemap: HDR video (HLG, PQ) is tone-mapped to SDR in web versions and posters' });
  else {
    checks.push({
      status: 'warn',
      label: `ffmpeg lacks the ${filters.join(' and ')} filter${filters.length > 1 ? 's' : ''}: HDR video (a phone's HLG or PQ) is converted without tone mapping and looks washed out`,
      detail: ['web versions and posters are still made; for tone mapping, install an ffmpeg built with libzimg (Debian/Ubuntu and Homebrew builds are), then retry those media or run `kiosque media:regenerate --type video`'],
    });
  }
  return checks;
}

function checkThemes(themesDir: string): Check[] {
  const themes = discoverThemes(themesDir);
  const out: Check[] = [];
  const good = themes.filter((t) => !t.error).map((t) => t.name);
  if (!good.includes('default')) out.push({ status: 'fail', label: `themes in ${themesDir}: the "default" theme is missing or broken`, detail: ['every page falls back to it: restore themes/default'] });
  else out.push({ status: 'ok', label: `themes in ${themesDir}: ${good.join(', ')}` });
  for (const t of themes.filter((th) => th.error)) out.push({ status: 'warn', label: `theme "${t.name}" is broken`, detail: [t.error!] });
  return out;
}

export const doctor: Command = {
  name: 'doctor',
  textKey: 'doctor',

  async run(args, io) {
    const { positionals } = parse(args, {});
    const text = cliMessages(io);
    noArguments(text, positionals);

    const checks: Check[] = [checkNode()];
    let config;
    try {
      config = cliConfig(io);
      checks.push({ status: 'ok', label: 'configuration valid' });
    } catch (err) {
      checks.push({ status: 'fail', label: 'configuration', detail: (err as Error).message.split('\n') });
    }
    if (config) {
      const dataDir = dataDirOf(config);
      const { canOpen } = await checkData(dataDir, checks);
      if (canOpen) await checkDataFiles(io, text, dataDir, checks);
      checks.push(await checkDisk(dataDir));
      const tools = await findTools(config, io.env.PATH ?? '');
      checks.push(toolCheck('ffmpegPath', tools.ffmpeg));
      if (tools.ffmpeg.path) checks.push(...ffmpegFeatureChecks(tools.ffmpeg.features));
      checks.push(toolCheck('ffprobePath', tools.ffprobe), toolCheck('pdftoppmPath', tools.pdftoppm), ...(await memoryCapChecks(tools, config.media)));
      checks.push(...checkThemes(path.resolve(ROOT_DIR, config.themesDir)));
    }
    for (const c of checks) {
      print(io.stdout, `${MARK[c.status]} ${c.label}`);
      for (const d of c.detail ?? []) print(io.stdout, `       ${d}`);
    }
    const failed = checks.filter((c) => c.status === 'fail').length;
    const warned = checks.filter((c) => c.status === 'warn').length;
    print(io.stdout, `\n${failed ? text.say('cli.doctor.problems', { count: failed }) : warned ? text.say('cli.doctor.warnings', { count: warned }) : text.say('cli.doctor.all_good')}`);
    return failed ? EXIT_FAILURE : EXIT_OK;
  },
};
