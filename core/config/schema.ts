import { z } from 'zod';

const port = z.coerce.number().int().min(1).max(65535);

/**
 * The lowest memory cap taken, in MB: less is a slip (megabytes typed for gigabytes, say), as
 * Debian's ffmpeg and ffprobe need about 265 MB of address space just to load their libraries.
 */
const MIN_TOOL_MEMORY_MB = 64;
const MAX_TOOL_MEMORY_MB = 1024 * 1024;
/**
 * An address-space cap for a media tool, in MB; 0 runs it without one. Unlike z.coerce, an empty
 * environment variable is refused rather than read as 0, which would lift the cap unnoticed.
 */
const toolMemoryError = { error: `expected a whole number of megabytes: 0 (no cap) or from ${MIN_TOOL_MEMORY_MB} to ${MAX_TOOL_MEMORY_MB}` };
const toolMemoryMB = z.preprocess(
  (v) => (typeof v === 'string' && v.trim() !== '' ? Number(v) : v),
  z
    .number(toolMemoryError)
    .int(toolMemoryError)
    .refine((mb) => mb === 0 || (mb >= MIN_TOOL_MEMORY_MB && mb <= MAX_TOOL_MEMORY_MB), toolMemoryError),
);

/** A sender: `address@host` or `Name <address@host>`. */
const mailFrom = z.union([z.email(), z.string().regex(/^[^<>\r\n]*<[^<>\s@]+@[^<>\s@]+>$/, 'expected an address, or "Name <address>"')]);

export const configSchema = z.strictObject({
  port,
  host: z.string(),
  baseUrl: z.union([z.literal(''), z.url({ protocol: /^https?$/ })]),
  dataDir: z.string().min(1),
  trustProxy: z.union([z.boolean(), z.number().int().min(0), z.string().min(1)]),
  session: z.strictObject({
    secret: z.union([z.literal(''), z.string().min(32, 'at least 32 characters')]),
    maxAgeHours: z.coerce.number().int().min(1).max(24 * 365),
    secureCookie: z.enum(['auto', 'always', 'never']),
  }),
  admin: z.strictObject({
    username: z.string(),
    password: z.string(),
  }),
  auth: z.strictObject({
    windowMinutes: z.coerce.number().int().min(1).max(24 * 60),
    maxAttemptsPerAccount: z.coerce.number().int().min(1).max(1000),
    maxAttemptsPerAccountOverall: z.coerce.number().int().min(1).max(100000),
    maxAttemptsPerAddress: z.coerce.number().int().min(1).max(100000),
    maxRegistrationsPerAddress: z.coerce.number().int().min(1).max(100000),
    /** "Forgot your password?" requests, every one counted, in the same window. */
    maxResetRequestsPerAddress: z.coerce.number().int().min(1).max(100000),
    maxResetRequestsPerAccount: z.coerce.number().int().min(1).max(1000),
  }),
  log: z.strictObject({
    level: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']),
    pretty: z.boolean(),
  }),
  media: z.strictObject({
    maxUploadMB: z.coerce.number().int().min(1).max(1024 * 64),
    processingConcurrency: z.coerce.number().int().min(0).max(64),
    ffmpegPath: z.string(),
    ffprobePath: z.string(),
    pdftoppmPath: z.string(),
    ffmpegMemoryMB: toolMemoryMB,
    ffprobeMemoryMB: toolMemoryMB,
    webVideoMaxWidth: z.coerce.number().int().min(160).max(8192),
    webVideoMaxKbps: z.coerce.number().int().min(100).max(1_000_000),
  }),
  mail: z
    .strictObject({
      /** Empty: no mail, and nothing that needs it (password reset) is offered. */
      smtpUrl: z.union([z.literal(''), z.url({ protocol: /^smtps?$/, error: 'expected smtp://user:password@host:port or smtps://… (or empty for no mail)' })]),
      from: z.union([z.literal(''), mailFrom]),
    })
    .refine((m) => !m.smtpUrl || m.from, { path: ['from'], message: 'a sender address (KIOSQUE_MAIL_FROM) is needed when KIOSQUE_SMTP_URL is set' }),
  themesDir: z.string().min(1),
  pluginsDir: z.string().min(1),
});

/** Config keys whose values are never printed (they may hold a password). */
export const secretKeys: ReadonlySet<string> = new Set(['mail.smtpUrl']);

export type Config = z.infer<typeof configSchema>;

/** Environment variables and the config key each one sets. */
export const envVars: Record<string, { key: string; parse?: 'boolean' | 'trustProxy' }> = {
  PORT: { key: 'port' },
  KIOSQUE_HOST: { key: 'host' },
  KIOSQUE_BASE_URL: { key: 'baseUrl' },
  KIOSQUE_DATA_DIR: { key: 'dataDir' },
  KIOSQUE_TRUST_PROXY: { key: 'trustProxy', parse: 'trustProxy' },
  KIOSQUE_SESSION_SECRET: { key: 'session.secret' },
  KIOSQUE_SESSION_MAX_AGE_HOURS: { key: 'session.maxAgeHours' },
  KIOSQUE_SECURE_COOKIE: { key: 'session.secureCookie' },
  KIOSQUE_ADMIN_USERNAME: { key: 'admin.username' },
  KIOSQUE_ADMIN_PASSWORD: { key: 'admin.password' },
  KIOSQUE_LOGIN_MAX_ATTEMPTS_PER_ACCOUNT: { key: 'auth.maxAttemptsPerAccount' },
  KIOSQUE_LOGIN_MAX_ATTEMPTS_PER_ACCOUNT_OVERALL: { key: 'auth.maxAttemptsPerAccountOverall' },
  KIOSQUE_LOGIN_MAX_ATTEMPTS_PER_ADDRESS: { key: 'auth.maxAttemptsPerAddress' },
  KIOSQUE_REGISTER_MAX_PER_ADDRESS: { key: 'auth.maxRegistrationsPerAddress' },
  KIOSQUE_RESET_MAX_PER_ADDRESS: { key: 'auth.maxResetRequestsPerAddress' },
  KIOSQUE_RESET_MAX_PER_ACCOUNT: { key: 'auth.maxResetRequestsPerAccount' },
  KIOSQUE_SMTP_URL: { key: 'mail.smtpUrl' },
  KIOSQUE_MAIL_FROM: { key: 'mail.from' },
  KIOSQUE_LOG_LEVEL: { key: 'log.level' },
  KIOSQUE_LOG_PRETTY: { key: 'log.pretty', parse: 'boolean' },
  KIOSQUE_MAX_UPLOAD_MB: { key: 'media.maxUploadMB' },
  KIOSQUE_PROCESSING_CONCURRENCY: { key: 'media.processingConcurrency' },
  KIOSQUE_FFMPEG: { key: 'media.ffmpegPath' },
  KIOSQUE_FFPROBE: { key: 'media.ffprobePath' },
  KIOSQUE_PDFTOPPM: { key: 'media.pdftoppmPath' },
  KIOSQUE_FFMPEG_MEMORY_MB: { key: 'media.ffmpegMemoryMB' },
  KIOSQUE_FFPROBE_MEMORY_MB: { key: 'media.ffprobeMemoryMB' },
  KIOSQUE_WEB_VIDEO_MAX_WIDTH: { key: 'media.webVideoMaxWidth' },
  KIOSQUE_WEB_VIDEO_MAX_KBPS: { key: 'media.webVideoMaxKbps' },
  KIOSQUE_THEMES_DIR: { key: 'themesDir' },
  KIOSQUE_PLUGINS_DIR: { key: 'pluginsDir' },
};
