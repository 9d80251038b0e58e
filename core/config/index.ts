import { readFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { configSchema, envVars, secretKeys, type Config } from './schema.ts';

export type { Config } from './schema.ts';
export { envVars } from './schema.ts';

export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

type Json = Record<string, unknown>;

export interface LoadConfigOptions {
  /** Folder holding default.json and <NODE_ENV>.json. */
  configDir: string;
  env?: NodeJS.ProcessEnv;
  /** Applied last; used by tests and the CLI. */
  overrides?: Json;
}

function readJson(file: string): Json {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new ConfigError(`Cannot read config file ${file}: ${(err as Error).message}`);
  }
  try {
    const value: unknown = JSON.parse(text);
    if (!value || typeof value !== 'object' || Array.isArray(value)) throw new Error('expected a JSON object');
    return value as Json;
  } catch (err) {
    throw new ConfigError(`Config file ${file} is not valid JSON: ${(err as Error).message}`);
  }
}

function isPlainObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function deepMerge(base: Json, extra: Json): Json {
  const out: Json = { ...base };
  for (const [k, v] of Object.entries(extra)) {
    out[k] = isPlainObject(v) && isPlainObject(out[k]) ? deepMerge(out[k] as Json, v) : v;
  }
  return out;
}

function setPath(obj: Json, key: string, value: unknown): void {
  const parts = key.split('.');
  let cur = obj;
  for (const p of parts.slice(0, -1)) {
    if (!isPlainObject(cur[p])) cur[p] = {};
    cur = cur[p] as Json;
  }
  cur[parts[parts.length - 1]!] = value;
}

function getPath(obj: Json, key: string): unknown {
  return key.split('.').reduce<unknown>((cur, p) => (isPlainObject(cur) ? cur[p] : undefined), obj);
}

function parseEnvValue(raw: string, kind: 'boolean' | 'trustProxy' | undefined): unknown {
  if (kind === 'boolean') {
    if (/^(1|true|yes|on)$/i.test(raw)) return true;
    if (/^(0|false|no|off)$/i.test(raw)) return false;
    return raw; // left as a string so validation names it
  }
  if (kind === 'trustProxy') {
    if (/^(true|false)$/i.test(raw)) return raw.toLowerCase() === 'true';
    if (/^\d+$/.test(raw)) return Number(raw);
    return raw;
  }
  return raw;
}

/** Loads config/default.json, config/<NODE_ENV>.json if present, then environment variables; validates with zod. */
export function loadConfig(options: LoadConfigOptions): Config {
  const env = options.env ?? process.env;
  const sources = new Map<string, string>();
  let merged = readJson(path.join(options.configDir, 'default.json'));
  const nodeEnv = env.NODE_ENV;
  if (nodeEnv) {
    if (!/^[a-z0-9_-]+$/i.test(nodeEnv)) throw new ConfigError(`NODE_ENV = "${nodeEnv}": expected letters, digits, - or _`);
    const envFile = path.join(options.configDir, `${nodeEnv}.json`);
    if (existsSync(envFile)) merged = deepMerge(merged, readJson(envFile));
  }
  for (const [name, spec] of Object.entries(envVars)) {
    const raw = env[name];
    if (raw === undefined) continue;
    setPath(merged, spec.key, parseEnvValue(raw, spec.parse));
    sources.set(spec.key, `environment variable ${name}`);
  }
  if (options.overrides) merged = deepMerge(merged, options.overrides);

  const result = configSchema.safeParse(merged);
  if (!result.success) {
    const lines = result.error.issues.map((issue) => {
      const key = issue.path.join('.');
      const value = getPath(merged, key);
      const from = sources.get(key) ?? 'config files';
      const shown = value === undefined ? 'missing' : secretKeys.has(key) ? '(hidden)' : JSON.stringify(value);
      const expected = issue.code === 'unrecognized_keys' ? `no such key(s): ${issue.keys.join(', ')}` : issue.message;
      return `  - ${key || '(root)'} = ${shown} (from ${from}): ${expected}`;
    });
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  return result.data;
}
