// Plain-text formatting shared by the commands: metric values, byte sizes, aligned tables.

/** A metric's value for people: accuracy-like metrics as percentages, the rest with 4 decimals. */
export function formatMetric(name: string, value: number): string {
  const base = name.replace(/^val_/, '');
  const percent = ['accuracy', 'precision', 'recall', 'f1'].includes(base) || /^top\d+$/.test(base);
  return percent ? `${(value * 100).toFixed(2)}%` : value.toFixed(4);
}

/** `loss 0.4123  accuracy 85.20%` */
export function formatMetrics(metrics: Record<string, number>): string {
  return Object.entries(metrics)
    .map(([k, v]) => `${k} ${formatMetric(k, v)}`)
    .join('  ');
}

/** 1536 -> '1.5 KiB' */
export function formatBytes(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB'];
  let v = bytes;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return u === 0 ? `${bytes} B` : `${v.toFixed(1)} ${units[u]}`;
}

/** Rows of cells as aligned columns (two spaces apart); numbers-looking cells are right-aligned. */
export function table(rows: readonly (readonly string[])[]): string {
  const widths: number[] = [];
  for (const row of rows) {
    for (const [i, cell] of row.entries()) widths[i] = Math.max(widths[i] ?? 0, cell.length);
  }
  const right = (s: string) => /^[-+]?[\d.,]+%?$/.test(s);
  return rows
    .map((row) =>
      row
        .map((cell, i) => (right(cell) ? cell.padStart(widths[i]) : cell.padEnd(widths[i])))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

/** The tessera version from package.json (compiled and source layouts), or '0.0.0' if not found. */
export async function packageVersion(): Promise<string> {
  const { readFile } = await import('node:fs/promises');
  for (const rel of ['../../../package.json', '../../package.json']) {
    try {
      const pkg = JSON.parse(await readFile(new URL(rel, import.meta.url), 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'tessera' && typeof pkg.version === 'string') return pkg.version;
    } catch {
      // try the next layout
    }
  }
  return '0.0.0';
}

/** Writes `text` and a newline to stdout; returns exit code 0, for `return print(...)`. */
export function print(text: string): 0 {
  process.stdout.write(`${text}\n`);
  return 0;
}

/**
 * Rows of cells as CSV text (RFC 4180): fields with a comma, quote or line break are quoted, quotes
 * doubled; null is an empty field; numbers are written in full.
 * @example csv([['name', 'p'], ['a,b', 0.5]]) // 'name,p\n"a,b",0.5\n'
 */
export function csv(rows: readonly (readonly (string | number | null)[])[]): string {
  const field = (v: string | number | null) => {
    const s = v === null ? '' : String(v);
    return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  };
  return `${rows.map((r) => r.map(field).join(',')).join('\n')}\n`;
}
