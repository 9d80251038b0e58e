/** One line of the benchmark table: what was measured, the figure, the target and whether it is met. */
export interface Row {
  size: string;
  measure: string;
  value: string;
  target: string;
  /** null when there is no target or nothing was measured. */
  ok: boolean | null;
}

/** Renders rows as one Markdown table (readable in a terminal, pasteable into the README). */
export function renderTable(rows: Row[]): string {
  const head = ['size', 'measure', 'result', 'target', ''];
  const cells = rows.map((r) => [r.size, r.measure, r.value, r.target, r.ok === null ? '' : r.ok ? '✓' : '✗']);
  const widths = head.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
  const line = (c: string[]) => `| ${c.map((x, i) => x.padEnd(widths[i]!)).join(' | ')} |`;
  return [line(head), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...cells.map(line)].join('\n');
}
