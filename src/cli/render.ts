/** Human output: aligned tables and label/value blocks. JSON output never comes through here. */

/** An ISO date-time without milliseconds, or a word for "none". */
export function when(iso: string | null, none = '-'): string {
  return iso === null ? none : iso.replace(/\.\d{3}Z$/, 'Z');
}

export function table(headers: string[], rows: string[][]): string {
  if (rows.length === 0) return '(none)';
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [line(headers), ...rows.map(line)].join('\n');
}

export function details(pairs: [string, string][]): string {
  const width = Math.max(...pairs.map(([k]) => k.length)) + 1;
  return pairs.map(([k, v]) => `${(`${k}:`).padEnd(width)} ${v}`).join('\n');
}

export function list(values: string[]): string {
  return values.length === 0 ? '-' : values.join(', ');
}

/** The last line of a paged listing, when there is more to see. */
export function more(nextCursor: string | null): string {
  return nextCursor === null ? '' : `\nMore: repeat with --cursor ${nextCursor}`;
}
