/**
 * A small subset of npm semver ranges, enough for a plugin's `kiosque` field (no semver package
 * is installed): `*`, `1.2.3`, `=1.2.3`, comparators `>= > <= <` (space-separated, all must hold),
 * `^1.2.3`, `~1.2.3`, partial versions (`1`, `1.2`, `1.x`) and alternatives joined by `||`.
 * Pre-release tags are ignored.
 */
type Version = [number, number, number];

const VERSION = /^v?(\d+)(?:\.(\d+|x|\*))?(?:\.(\d+|x|\*))?(?:-[0-9A-Za-z.-]+)?$/;

interface Partial3 {
  parts: Array<number | undefined>;
}

function parsePartial(text: string): Partial3 | null {
  const m = VERSION.exec(text);
  if (!m) return null;
  const num = (s: string | undefined) => (s === undefined || s === 'x' || s === '*' ? undefined : Number(s));
  const parts = [num(m[1]), num(m[2]), num(m[3])];
  // "1.x.3" makes no sense: once a part is a wildcard, the rest must be too.
  const firstHole = parts.indexOf(undefined);
  if (firstHole !== -1 && parts.slice(firstHole).some((p) => p !== undefined)) return null;
  return { parts };
}

export function parseVersion(text: string): Version | null {
  const p = parsePartial(text.trim());
  if (!p || p.parts.some((n) => n === undefined)) return null;
  return p.parts as Version;
}

function compare(a: Version, b: Version): number {
  for (let i = 0; i < 3; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return 0;
}

type Test = (v: Version) => boolean;

const fill = (parts: Array<number | undefined>): Version => [parts[0] ?? 0, parts[1] ?? 0, parts[2] ?? 0];

/** The exclusive upper bound of a partial version: 1 → 2.0.0, 1.2 → 1.3.0, 1.2.3 → 1.2.4 (only used for `=`-style partials). */
function nextOf(parts: Array<number | undefined>): Version {
  if (parts[1] === undefined) return [parts[0]! + 1, 0, 0];
  if (parts[2] === undefined) return [parts[0]!, parts[1] + 1, 0];
  return [parts[0]!, parts[1], parts[2] + 1];
}

function comparator(token: string): Test | null {
  if (token === '*' || token === 'x' || token === 'X') return () => true;
  const m = /^(\^|~|>=|<=|>|<|=)?(.+)$/.exec(token);
  if (!m) return null;
  const op = m[1] ?? '=';
  const p = parsePartial(m[2]!);
  if (!p) return null;
  const { parts } = p;
  if (parts[0] === undefined) return op === '<' || op === '>' ? () => false : () => true;
  const low = fill(parts);
  switch (op) {
    case '=': {
      const high = nextOf(parts);
      return (v) => compare(v, low) >= 0 && compare(v, high) < 0;
    }
    case '>=':
      return (v) => compare(v, low) >= 0;
    case '>': {
      const bound = parts[2] === undefined ? nextOf(parts) : low;
      return parts[2] === undefined ? (v) => compare(v, bound) >= 0 : (v) => compare(v, bound) > 0;
    }
    case '<=': {
      if (parts[2] === undefined) {
        const high = nextOf(parts);
        return (v) => compare(v, high) < 0;
      }
      return (v) => compare(v, low) <= 0;
    }
    case '<':
      return (v) => compare(v, low) < 0;
    case '~': {
      const high: Version = parts[1] === undefined ? [low[0] + 1, 0, 0] : [low[0], low[1] + 1, 0];
      return (v) => compare(v, low) >= 0 && compare(v, high) < 0;
    }
    case '^': {
      // The first non-zero part may not change: ^1.2.3 <2.0.0, ^0.2.3 <0.3.0, ^0.0.3 <0.0.4.
      let high: Version;
      if (low[0] > 0 || parts[1] === undefined) high = [low[0] + 1, 0, 0];
      else if (low[1] > 0 || parts[2] === undefined) high = [0, low[1] + 1, 0];
      else high = [0, 0, low[2] + 1];
      return (v) => compare(v, low) >= 0 && compare(v, high) < 0;
    }
  }
  return null;
}

/** Compiles a range; null when it is not in the supported syntax. */
export function parseRange(range: string): Test | null {
  const alternatives = range.trim().split('||').map((s) => s.trim());
  const sets: Test[][] = [];
  for (const alt of alternatives) {
    if (alt === '') return null;
    // ">= 1.2.3" is allowed: glue an operator to the version that follows it.
    const tokens = alt.replace(/(>=|<=|>|<|=|\^|~)\s+/g, '$1').split(/\s+/);
    const tests = tokens.map(comparator);
    if (tests.some((t) => t === null)) return null;
    sets.push(tests as Test[]);
  }
  return (v) => sets.some((set) => set.every((t) => t(v)));
}

/** Does `version` satisfy `range`? Throws on a range or version it cannot read. */
export function satisfies(version: string, range: string): boolean {
  const v = parseVersion(version);
  if (!v) throw new Error(`"${version}" is not a version`);
  const test = parseRange(range);
  if (!test) throw new Error(`"${range}" is not a supported version range`);
  return test(v);
}
