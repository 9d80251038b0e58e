import { constants, existsSync, readFileSync, statSync } from 'node:fs';
import { access, readdir, stat, statfs } from 'node:fs/promises';
import path from 'node:path';
import { lockHolder } from '../store/index.ts';
import { findTools, type FfmpegFeatures, type MediaTools, type ToolStatus } from '../media/tools.ts';
import { PDF_MEMORY_CAP } from '../media/pdf.ts';
import { trackFolder } from '../media/subtitles.ts';
import { runTool } from '../media/av.ts';
import { memoryCap, OutOfMemoryError } from '../media/memory-cap.ts';
import type { Config } from '../config/index.ts';
import { discoverThemes } from '../views/themes.ts';
import { smtpServerName, smtpTransport } from '../mail/index.ts';
import { cliConfig, cliMessages, dataDirOf, noArguments, openCliStore, parse, print, EXIT_FAILURE, EXIT_OK, ROOT_DIR, type CliIO, type CliText, type Command } from './shared.ts';

type Status = 'ok' | 'warn' | 'fail';
interface Check {
  status: Status;
  label: string;
  detail?: string[];
}

const MARK: Record<Status, string> = { ok: '[ ok ]', warn: '[warn]', fail: '[FAIL]' };
const LOW_DISK_BYTES = 1024 ** 3;

/** A check's sentence in the person's language (`cli.doctor.check.<key>`). */
type Say = (key: string, vars?: Record<string, unknown>) => string;

function versionAtLeast(actual: string, wanted: string): boolean {
  const a = actual.replace(/^v/, '').split('.').map(Number);
  const w = wanted.split('.').map(Number);
  for (let i = 0; i < 3; i++) {
    if ((a[i] ?? 0) !== (w[i] ?? 0)) return (a[i] ?? 0) > (w[i] ?? 0);
  }
  return true;
}

export function checkNode(say: Say, nodeVersion = process.version): Check {
  const pkg = JSON.parse(readFileSync(path.join(ROOT_DIR, 'package.json'), 'utf8')) as { engines?: { node?: string } };
  const range = pkg.engines?.node ?? '';
  const version = nodeVersion;
  const m = /^>=\s*(\d+(?:\.\d+){0,2})$/.exec(range.trim());
  if (!m) return { status: 'warn', label: say('node_unchecked', { version }), detail: [say('node_unchecked_detail', { range })] };
  return versionAtLeast(nodeVersion, m[1]!)
    ? { status: 'ok', label: say('node_ok', { version, range }) }
    : { status: 'fail', label: say('node_old', { version, range }), detail: [say('node_old_detail')] };
}

function formatBytes(say: Say, n: number): string {
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let i = 0;
  while (n >= 1024 && i < units.length - 1) {
    n /= 1024;
    i++;
  }
  // One decimal past bytes, written as the person's language writes it (t() formats numbers).
  return say(`size.${units[i]}`, { n: i ? Math.round(n * 10) / 10 : n });
}

/** « a, b and c » in the person's language. */
function listed(say: Say, names: string[]): string {
  return names.length < 2 ? (names[0] ?? '') : say('and', { first: names.slice(0, -1).join(', '), last: names.at(-1) });
}

/** The nearest folder that exists: the data folder, or the parent it will be created in. */
function existingAncestor(dir: string): string {
  let cur = dir;
  while (!existsSync(cur) && path.dirname(cur) !== cur) cur = path.dirname(cur);
  return cur;
}

async function checkData(say: Say, dataDir: string, checks: Check[]): Promise<{ canOpen: boolean }> {
  const dir = dataDir;
  if (!existsSync(dataDir)) {
    const parent = existingAncestor(dataDir);
    try {
      await access(parent, constants.W_OK);
      checks.push({ status: 'ok', label: say('data_later', { dir, parent }) });
    } catch {
      checks.push({ status: 'fail', label: say('data_cannot_create', { dir, parent }), detail: [say('data_cannot_create_detail')] });
    }
    return { canOpen: false };
  }
  if (!statSync(dataDir).isDirectory()) {
    checks.push({ status: 'fail', label: say('data_not_folder', { dir }) });
    return { canOpen: false };
  }
  try {
    await access(dataDir, constants.R_OK | constants.W_OK);
    checks.push({ status: 'ok', label: say('data_writable', { dir }) });
  } catch {
    checks.push({ status: 'fail', label: say('data_not_writable', { dir }), detail: [say('data_not_writable_detail')] });
    return { canOpen: false };
  }
  const pid = lockHolder(dataDir);
  if (pid !== null) {
    checks.push({ status: 'ok', label: say('data_locked', { pid: String(pid) }), detail: [say('data_locked_detail')] });
    return { canOpen: false };
  }
  checks.push({ status: 'ok', label: say('data_free') });
  return { canOpen: true };
}

async function checkDataFiles(io: CliIO, text: CliText, say: Say, dataDir: string, checks: Check[]): Promise<void> {
  try {
    const store = await openCliStore(cliConfig(io), text);
    const [users, media] = [await store.users.count(), await store.media.count()];
    checks.push({ status: 'ok', label: say('data_files_ok', { schema: String(store.info.schemaVersion), accounts: say('accounts', { count: users }), count: media }) });
    // Upload folders, and the folders of videos' subtitles (kept apart: see core/media/subtitles.ts).
    const used = new Set((await store.media.list()).flatMap((m) => [path.dirname(m.original.file), ...(m.tracks?.length ? [trackFolder(m.id)] : [])]));
    await store.close();
    checks.push(await checkMediaFolders(say, path.join(dataDir, 'files'), used));
  } catch (err) {
    checks.push({ status: 'fail', label: say('data_files_bad'), detail: [(err as Error).message] });
  }
}

/** Server-named media folders: files/<2 hex>/<20 hex> per upload, files/tracks/<media id> per video with subtitles. */
const MEDIA_FOLDER = [/^[0-9a-f]{2}$/, /^[0-9a-f]{20}$/];
const TRACKS = path.dirname(trackFolder('1'));

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
export async function checkMediaFolders(say: Say, filesDir: string, used: ReadonlySet<string>): Promise<Check> {
  const orphans: string[] = [];
  if (existsSync(filesDir)) {
    for (const a of await readdir(filesDir, { withFileTypes: true })) {
      const tracks = a.name === TRACKS;
      if (!a.isDirectory() || !(tracks || MEDIA_FOLDER[0]!.test(a.name))) continue;
      for (const b of await readdir(path.join(filesDir, a.name), { withFileTypes: true })) {
        const named = tracks ? /^\d{1,15}$/.test(b.name) : MEDIA_FOLDER[1]!.test(b.name);
        if (b.isDirectory() && named && !used.has(path.join(a.name, b.name))) orphans.push(path.join(a.name, b.name));
      }
    }
  }
  if (!orphans.length) return { status: 'ok', label: say('folders_ok') };
  let bytes = 0;
  for (const o of orphans) bytes += await folderBytes(path.join(filesDir, o));
  const shown = orphans.sort().slice(0, 10).map((o) => path.join(filesDir, o));
  return {
    status: 'warn',
    label: say('folders_orphans', { count: orphans.length, size: formatBytes(say, bytes) }),
    detail: [...shown, ...(orphans.length > shown.length ? [say('folders_more', { count: orphans.length - shown.length })] : []), say('folders_advice')],
  };
}

async function checkDisk(say: Say, dataDir: string): Promise<Check> {
  const where = existingAncestor(dataDir);
  try {
    const s = await statfs(where);
    const free = s.bavail * s.bsize;
    const label = say('disk', { size: formatBytes(say, free) });
    return free < LOW_DISK_BYTES ? { status: 'warn', label, detail: [say('disk_low_detail')] } : { status: 'ok', label };
  } catch (err) {
    return { status: 'warn', label: say('disk_unknown', { error: (err as Error).message }) };
  }
}

/** What each tool is for (`cli.doctor.check.<neededFor>`) and how to install it, for the doctor's advice. */
const TOOL_ADVICE: Record<ToolStatus['name'], { versionArg: string; neededFor: string; install: string }> = {
  ffmpeg: { versionArg: '-version', neededFor: 'needed_av', install: '`apt-get install ffmpeg` (Debian/Ubuntu), `brew install ffmpeg` (macOS)' },
  ffprobe: { versionArg: '-version', neededFor: 'needed_av', install: '`apt-get install ffmpeg` (Debian/Ubuntu), `brew install ffmpeg` (macOS)' },
  pdftoppm: { versionArg: '-v', neededFor: 'needed_pdf', install: '`apt-get install poppler-utils` (Debian/Ubuntu), `brew install poppler` (macOS)' },
  prlimit: { versionArg: '--version', neededFor: 'needed_prlimit', install: '`apt-get install util-linux` (Debian/Ubuntu)' },
};

/**
 * Whether the tools that parse uploads (those found) run under a memory cap, and whether ffmpeg
 * and ffprobe start within theirs: a cap set too low fails every audio and video job.
 */
async function memoryCapChecks(say: Say, tools: MediaTools, media: Pick<Config['media'], 'ffmpegMemoryMB' | 'ffprobeMemoryMB'>): Promise<Check[]> {
  const capped = [
    { tool: tools.ffmpeg, mb: media.ffmpegMemoryMB, setting: 'media.ffmpegMemoryMB' },
    { tool: tools.ffprobe, mb: media.ffprobeMemoryMB, setting: 'media.ffprobeMemoryMB' },
    { tool: tools.pdftoppm, mb: PDF_MEMORY_CAP / 1024 / 1024 },
  ].filter((c) => c.tool.path);
  if (!capped.length) return [];
  if (!tools.prlimit.path) {
    const exposed = capped.filter((c) => c.mb > 0);
    if (!exposed.length) return [];
    return [{ status: 'warn', label: say('prlimit_missing', { count: exposed.length, tools: listed(say, exposed.map((c) => c.tool.name)) }), detail: [say('install_with', { needed: say(TOOL_ADVICE.prlimit.neededFor), install: TOOL_ADVICE.prlimit.install })] }];
  }
  // Megabytes as configured (a setting's value, not a quantity to group in thousands).
  const caps = capped.map((c) => (c.mb > 0 ? say('cap_at_most', { tool: c.tool.name, mb: String(c.mb) }) : say('cap_none', { tool: c.tool.name, setting: c.setting })));
  const checks: Check[] = [{ status: 'ok', label: say('prlimit_ok', { path: tools.prlimit.path, caps: caps.join(', ') }) }];
  for (const c of capped) {
    // pdftoppm's cap is fixed, and its tests show it starts within it.
    const cap = c.setting ? memoryCap(tools.prlimit.path, c.mb, c.setting) : undefined;
    if (!cap) continue;
    try {
      await runTool(c.tool.path!, ['-version'], { timeoutMs: 10_000, memoryCap: cap });
    } catch (err) {
      if (!(err instanceof OutOfMemoryError)) continue; // that it runs at all is the tool's own check
      checks.push({ status: 'fail', label: say('cap_too_low', { tool: c.tool.name, mb: String(c.mb), setting: c.setting }), detail: [say('cap_too_low_detail', { setting: c.setting, env: `KIOSQUE_${c.tool.name.toUpperCase()}_MEMORY_MB` })] });
    }
  }
  return checks;
}

function toolCheck(say: Say, key: string, tool: ToolStatus): Check {
  const { name } = tool;
  const advice = TOOL_ADVICE[name];
  const from = tool.source === 'config' ? say('from_config', { key }) : say('from_path');
  if (!tool.path && tool.tried.length > 0) {
    return {
      status: 'fail',
      label: say('tool_broken', { tool: name, paths: tool.tried.join(', '), from }),
      detail: [say('tool_tried', { tried: tool.tried.map((p) => `${p} ${advice.versionArg}`).join(', ') }), say('tool_error', { error: tool.error }), say('tool_fix', { install: advice.install.split(' (')[0] })],
    };
  }
  if (!tool.path) {
    return {
      status: 'warn',
      label: say('tool_missing', { tool: name, key }),
      detail: [say('install_with', { needed: say(advice.neededFor), install: advice.install }), say('tool_set_path', { key, env: `KIOSQUE_${name.toUpperCase()}` })],
    };
  }
  return { status: 'ok', label: say('tool_ok', { tool: name, path: tool.path, from, version: tool.version }) };
}

/** What web versions need from a working ffmpeg: builds differ (a minimal one lacks libx264, zscale needs libzimg). */
export function ffmpegFeatureChecks(say: Say, features: FfmpegFeatures | undefined): Check[] {
  if (!features) return [{ status: 'warn', label: say('features_unknown'), detail: [say('features_unknown_detail')] }];
  const checks: Check[] = [];
  const missing = (['libx264', 'aac'] as const).filter((e) => !features.encoders[e]);
  if (!missing.length) checks.push({ status: 'ok', label: say('encoders_ok') });
  else {
    checks.push({
      status: 'warn',
      label: say('encoders_missing', { count: missing.length, names: listed(say, missing) }),
      detail: [...(features.encoders.libx264 ? [] : [say('no_x264_detail')]), ...(features.encoders.aac ? [] : [say('no_aac_detail')]), say('install_complete')],
    });
  }
  const filters = (['zscale', 'tonemap'] as const).filter((f) => !features.filters[f]);
  if (!filters.length) checks.push({ status: 'ok', label: say('filters_ok') });
  else checks.push({ status: 'warn', label: say('filters_missing', { count: filters.length, names: listed(say, filters) }), detail: [say('filters_missing_detail')] });
  return checks;
}

function checkThemes(say: Say, themesDir: string): Check[] {
  const themes = discoverThemes(themesDir);
  const out: Check[] = [];
  const good = themes.filter((t) => !t.error).map((t) => t.name);
  if (!good.includes('default')) out.push({ status: 'fail', label: say('themes_no_default', { dir: themesDir }), detail: [say('themes_no_default_detail')] });
  else out.push({ status: 'ok', label: say('themes_ok', { dir: themesDir, names: good.join(', ') }) });
  for (const t of themes.filter((th) => th.error)) out.push({ status: 'warn', label: say('theme_broken', { name: t.name }), detail: [t.error!] });
  return out;
}

/** Whether mail is on and, if so, whether its SMTP server answers and takes the credentials (never printed). */
export async function checkMail(say: Say, mail: Config['mail']): Promise<Check> {
  const transport = smtpTransport(mail);
  if (!transport) return { status: 'ok', label: say('mail_off'), detail: [say('mail_off_detail')] };
  const server = smtpServerName(mail.smtpUrl);
  try {
    await transport.verify();
    return { status: 'ok', label: say('mail_ok', { server, from: mail.from }) };
  } catch (err) {
    return { status: 'fail', label: say('mail_fail', { server }), detail: [say('mail_error', { error: (err as Error).message }), say('mail_fail_detail')] };
  } finally {
    transport.close();
  }
}

export const doctor: Command = {
  name: 'doctor',
  textKey: 'doctor',

  async run(args, io) {
    const text = cliMessages(io);
    const { positionals } = parse(args, {}, text);
    noArguments(text, positionals);
    const say: Say = (key, vars) => text.say(`cli.doctor.check.${key}`, vars);

    const checks: Check[] = [checkNode(say)];
    let config;
    try {
      config = cliConfig(io);
      checks.push({ status: 'ok', label: say('config_ok') });
    } catch (err) {
      checks.push({ status: 'fail', label: say('config_bad'), detail: (err as Error).message.split('\n') });
    }
    if (config) {
      const dataDir = dataDirOf(config);
      const { canOpen } = await checkData(say, dataDir, checks);
      if (canOpen) await checkDataFiles(io, text, say, dataDir, checks);
      checks.push(await checkDisk(say, dataDir));
      checks.push(await checkMail(say, config.mail));
      const tools = await findTools(config, io.env.PATH ?? '');
      checks.push(toolCheck(say, 'ffmpegPath', tools.ffmpeg));
      if (tools.ffmpeg.path) checks.push(...ffmpegFeatureChecks(say, tools.ffmpeg.features));
      checks.push(toolCheck(say, 'ffprobePath', tools.ffprobe), toolCheck(say, 'pdftoppmPath', tools.pdftoppm), ...(await memoryCapChecks(say, tools, config.media)));
      checks.push(...checkThemes(say, path.resolve(ROOT_DIR, config.themesDir)));
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
