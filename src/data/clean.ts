// Cleaning a Table: count what is missing, summarise every column (describe), drop rows with missing
// values or duplicate rows, and change a column's kind (cast) with errors naming the bad cell.
// Plain loops over the columnar arrays; every function returns a new Table. Imputation and outlier
// clipping are fitted transforms (they learn from training data) and live with the other transforms.

import { type Column, type ColumnKind, isMissing, Table } from './table.js';

/**
 * The number of missing values in every column, by name.
 *
 * @example
 * missingCounts(Table.fromColumns({ a: [1, null, 3], s: ['x', null, null] })); // { a: 1, s: 2 }
 */
export function missingCounts(table: Table): Record<string, number> {
  const out: Record<string, number> = {};
  for (const name of table.columnNames) {
    const col = table.column(name);
    let n = 0;
    for (let i = 0; i < table.numRows; i++) if (isMissing(col, i)) n++;
    out[name] = n;
  }
  return out;
}

/** The statistics `describe` reports, one row per column of the described table. */
export const DESCRIBE_COLUMNS = [
  'column',
  'kind',
  'count',
  'missing',
  'mean',
  'std',
  'min',
  '25%',
  '50%',
  '75%',
  'max',
  'unique',
  'top',
  'freq',
] as const;

/**
 * A summary Table with one row per column: count (present values), missing, and for number and
 * timestamp columns mean, std (sample, n - 1), min, quartiles (linear interpolation) and max
 * (timestamps in ms since the epoch); for string columns unique, top (the most frequent value,
 * the first seen on ties) and freq (its count). Statistics that do not apply are missing.
 *
 * @example
 * console.log(describe(await readCsv('iris.csv')).toString());
 * //       column    kind  count  missing  mean  std  min  25%  50%  75%  max  unique    top  freq
 * // sepal_length  number    150        0  5.84 ...                              null   null  null
 */
export function describe(table: Table): Table {
  const names = table.columnNames;
  const stat = (f: (col: Column) => number) => Float64Array.from(names, (n) => f(table.column(n)));
  const nums = names.map((n) => {
    const col = table.column(n);
    return col.kind === 'string' ? null : numberStats(col.values);
  });
  const strs = names.map((n) => {
    const col = table.column(n);
    return col.kind === 'string' ? stringStats(col.values) : null;
  });
  const num = (k: keyof NumberStats) => Float64Array.from(nums, (s) => (s === null ? Number.NaN : s[k]));
  return Table.fromColumns({
    column: { kind: 'string', values: names },
    kind: { kind: 'string', values: names.map((n) => table.column(n).kind) },
    count: stat((c) => table.numRows - countMissing(c, table.numRows)),
    missing: stat((c) => countMissing(c, table.numRows)),
    mean: num('mean'),
    std: num('std'),
    min: num('min'),
    '25%': num('q25'),
    '50%': num('q50'),
    '75%': num('q75'),
    max: num('max'),
    unique: Float64Array.from(strs, (s) => (s === null ? Number.NaN : s.unique)),
    top: { kind: 'string', values: strs.map((s) => s?.top ?? null) },
    freq: Float64Array.from(strs, (s) => (s === null || s.top === null ? Number.NaN : s.freq)),
  });
}

interface NumberStats {
  mean: number;
  std: number;
  min: number;
  q25: number;
  q50: number;
  q75: number;
  max: number;
}

function numberStats(values: Float64Array): NumberStats {
  const v = values.filter((x) => !Number.isNaN(x)).sort(); // typed arrays sort numerically
  const n = v.length;
  let sum = 0;
  for (let i = 0; i < n; i++) sum += v[i];
  const mean = n > 0 ? sum / n : Number.NaN;
  let ss = 0;
  for (let i = 0; i < n; i++) ss += (v[i] - mean) * (v[i] - mean);
  const q = (p: number) => {
    if (n === 0) return Number.NaN;
    const pos = p * (n - 1);
    const lo = Math.floor(pos);
    const hi = Math.min(lo + 1, n - 1);
    return v[lo] + (v[hi] - v[lo]) * (pos - lo);
  };
  return { mean, std: n > 1 ? Math.sqrt(ss / (n - 1)) : Number.NaN, min: q(0), q25: q(0.25), q50: q(0.5), q75: q(0.75), max: q(1) };
}

function stringStats(values: readonly (string | null)[]): { unique: number; top: string | null; freq: number } {
  const counts = new Map<string, number>();
  for (const s of values) if (s !== null) counts.set(s, (counts.get(s) ?? 0) + 1);
  let top: string | null = null;
  let freq = 0;
  for (const [s, c] of counts) {
    if (c > freq) {
      top = s;
      freq = c;
    }
  }
  return { unique: counts.size, top, freq };
}

function countMissing(col: Column, n: number): number {
  let m = 0;
  for (let i = 0; i < n; i++) if (isMissing(col, i)) m++;
  return m;
}

/** Options of `dropMissing`. */
export interface DropMissingOptions {
  /** The columns to look at. Default: all. */
  columns?: readonly string[];
  /** 'any' (default): drop a row missing any of them; 'all': only a row missing all of them. */
  how?: 'any' | 'all';
}

/**
 * The rows that are not missing values in `columns` (all by default).
 *
 * @example
 * const t = Table.fromColumns({ a: [1, null, 3], b: [null, null, 6] });
 * dropMissing(t).numRows;                // 1 (row 2)
 * dropMissing(t, { how: 'all' }).numRows; // 2 (rows 0 and 2)
 * dropMissing(t, { columns: ['a'] }).numRows; // 2
 */
export function dropMissing(table: Table, options: DropMissingOptions = {}): Table {
  const how = options.how ?? 'any';
  if (how !== 'any' && how !== 'all') throw new TypeError(`dropMissing: how must be 'any' or 'all', got ${JSON.stringify(how)}`);
  const cols = (options.columns ?? table.columnNames).map((n) => table.column(n));
  if (cols.length === 0) return table;
  return table.filter((i) => {
    let missing = 0;
    for (const c of cols) if (isMissing(c, i)) missing++;
    return how === 'any' ? missing === 0 : missing < cols.length;
  });
}

/** Options of `dropDuplicates`. */
export interface DropDuplicatesOptions {
  /** The columns that make two rows duplicates. Default: all. */
  columns?: readonly string[];
  /** Which of the duplicate rows to keep: 'first' (default) or 'last'. Kept rows stay in table order. */
  keep?: 'first' | 'last';
}

/**
 * The table without duplicate rows. Missing values equal each other, as in pandas.
 *
 * @example
 * const t = Table.fromColumns({ id: [1, 1, 2], v: [10, 11, 12] });
 * dropDuplicates(t, { columns: ['id'] }).numbers('v');                 // [10, 12]
 * dropDuplicates(t, { columns: ['id'], keep: 'last' }).numbers('v');   // [11, 12]
 */
export function dropDuplicates(table: Table, options: DropDuplicatesOptions = {}): Table {
  const keep = options.keep ?? 'first';
  if (keep !== 'first' && keep !== 'last')
    throw new TypeError(`dropDuplicates: keep must be 'first' or 'last', got ${JSON.stringify(keep)}`);
  const cols = (options.columns ?? table.columnNames).map((n) => table.column(n));
  const chosen = new Map<string, number>(); // row key -> the row kept for it
  for (let i = 0; i < table.numRows; i++) {
    // each part is self-delimiting (numbers have no quotes; strings are JSON-quoted), so keys cannot collide
    const key = cols
      .map((c) => (c.kind === 'string' ? (c.values[i] === null ? 'null' : JSON.stringify(c.values[i])) : String(c.values[i])))
      .join('|');
    if (keep === 'last' || !chosen.has(key)) chosen.set(key, i);
  }
  const rows = Int32Array.from(chosen.values()).sort();
  return rows.length === table.numRows ? table : table.take(rows);
}

/**
 * Changes the kind of the listed columns:
 *   string -> number     decimal text ('3', '-1.5e3', 'Infinity'); anything else is an error naming the cell
 *   string -> timestamp  ISO 8601 ('2024-05-06', '2024-05-06T07:08:09Z'); no offset means UTC
 *   number <-> timestamp ms since the epoch
 *   any -> string        numbers as JavaScript prints them, timestamps as ISO 8601
 * Missing values stay missing.
 *
 * @example
 * const t = cast(Table.fromColumns({ age: ['31', null, '45'] }), { age: 'number' });
 * t.numbers('age'); // Float64Array [31, NaN, 45]
 */
export function cast(table: Table, kinds: Readonly<Record<string, ColumnKind>>): Table {
  let out = table;
  for (const [name, kind] of Object.entries(kinds)) {
    const col = table.column(name);
    if (kind !== 'number' && kind !== 'string' && kind !== 'timestamp') {
      throw new TypeError(`cast: column '${name}' cannot become ${JSON.stringify(kind)}; the kinds are 'number', 'string' and 'timestamp'`);
    }
    if (col.kind !== kind) out = out.withColumn(name, castColumn(name, col, kind));
  }
  return out;
}

const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$|^[+-]?Infinity$/;
const ISO = /^(\d{4}-\d{2}-\d{2})(?:[T ](\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)(Z|[+-]\d{2}:?\d{2})?)?$/;

function castColumn(name: string, col: Column, kind: ColumnKind): Column {
  if (kind === 'string') {
    const show = col.kind === 'timestamp' ? (v: number) => new Date(v).toISOString() : String;
    return { kind, values: Array.from(col.values as Float64Array, (v) => (Number.isNaN(v) ? null : show(v))) };
  }
  if (col.kind !== 'string') return { kind, values: col.values }; // number <-> timestamp: the same ms
  const out = new Float64Array(col.values.length);
  col.values.forEach((s, i) => {
    if (s === null) out[i] = Number.NaN;
    else out[i] = kind === 'number' ? parseNumber(name, s, i) : parseTimestamp(name, s, i);
  });
  return { kind, values: out };
}

function parseNumber(name: string, s: string, row: number): number {
  const t = s.trim();
  if (!NUMBER.test(t)) {
    throw new TypeError(`cast: column '${name}' row ${row}: ${JSON.stringify(s)} is not a number; fix it, or drop or blank that row first`);
  }
  return Number(t);
}

function parseTimestamp(name: string, s: string, row: number): number {
  const m = ISO.exec(s.trim());
  const ms = m === null || !validDay(m[1]) ? Number.NaN : Date.parse(m[2] === undefined ? m[1] : `${m[1]}T${m[2]}${m[3] ?? 'Z'}`);
  if (Number.isNaN(ms)) {
    throw new TypeError(
      `cast: column '${name}' row ${row}: ${JSON.stringify(s)} is not an ISO 8601 date or time (like 2024-05-06 or 2024-05-06T07:08:09Z)`,
    );
  }
  return ms;
}

/** Whether YYYY-MM-DD names a real day (Date.parse accepts 2024-02-30 as March 1). */
function validDay(ymd: string): boolean {
  const [y, m, d] = ymd.split('-').map(Number);
  const leap = (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
  const days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][m - 1];
  return days !== undefined && d >= 1 && d <= days;
}
