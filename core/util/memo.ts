/**
 * `fn` with its answers kept, for pure functions of a string called over and over with a few
 * values (paths of links, encoded query values, formatted dates). The memory is bounded: past
 * `max` entries it starts again from empty.
 */
export function memoize<T>(fn: (key: string) => T, max: number): (key: string) => T {
  const known = new Map<string, T>();
  return (key) => {
    if (known.has(key)) return known.get(key)!;
    const value = fn(key);
    if (known.size >= max) known.clear();
    known.set(key, value);
    return value;
  };
}
