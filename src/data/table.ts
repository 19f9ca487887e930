// Table: named, typed columns of equal length, the unit that loaders return and that cleaning,
// transforms and splits work on (a small DataFrame, not pandas). Columns are columnar arrays,
// never one JavaScript object per row:
//   number     Float64Array, NaN = missing            (integers, floats, booleans as 0/1)
//   string     (string | null)[], null = missing      (categories, text)
//   timestamp  Float64Array of ms since the epoch, NaN = missing (dates, times)
// A Table is immutable: every method returns a new Table that shares the untouched columns.
// A Table read from a file remembers where each row came from (the file and the row's line), through
// select, take, filter and the like, so that an error about row i names the file's line, not a
// position in a shuffled split: `table.rowLabel(i)`, and RowError for errors raised on columns.

import { fromArray } from '../core/exec.js';
import type { Tensor } from '../core/tensor.js';

/** A column of numbers; NaN marks a missing value. */
export interface NumberColumn {
  readonly kind: 'number';
  readonly values: Float64Array;
}
/** A column of strings; null marks a missing value. */
export interface StringColumn {
  readonly kind: 'string';
  readonly values: readonly (string | null)[];
}
/** A column of instants in ms since 1970-01-01T00:00Z; NaN marks a missing value. */
export interface TimestampColumn {
  readonly kind: 'timestamp';
  readonly values: Float64Array;
}
/** One typed column. */
export type Column = NumberColumn | StringColumn | TimestampColumn;
/** The kinds of column. */
export type ColumnKind = Column['kind'];

/** What `Table.fromColumns` accepts per column: typed arrays and plain arrays (null/undefined = missing). */
export type ColumnInput =
  | Column
  | Float64Array
  | Float32Array
  | Int32Array
  | readonly (number | null | undefined)[]
  | readonly (string | null | undefined)[]
  | readonly (boolean | null | undefined)[]
  | readonly (Date | null | undefined)[];

/** Whether value `i` of `col` is missing. */
export function isMissing(col: Column, i: number): boolean {
  return col.kind === 'string' ? col.values[i] === null : Number.isNaN(col.values[i]);
}

/** A column built from user data; `name` is for error messages. */
export function toColumn(name: string, input: ColumnInput): Column {
  if (isColumn(input)) return input;
  if (input instanceof Float64Array) return { kind: 'number', values: input };
  if (input instanceof Float32Array || input instanceof Int32Array) return { kind: 'number', values: Float64Array.from(input) };
  if (!Array.isArray(input)) throw new TypeError(`Table: column '${name}' must be an array or typed array, got ${typeof input}`);
  const arr = input as readonly unknown[];
  const first = arr.find((v) => v !== null && v !== undefined);
  if (first === undefined || typeof first === 'number' || typeof first === 'boolean') {
    const out = new Float64Array(arr.length);
    for (let i = 0; i < arr.length; i++) {
      const v = arr[i];
      if (v === null || v === undefined) out[i] = Number.NaN;
      else if (typeof v === 'number') out[i] = v;
      else if (typeof v === 'boolean') out[i] = v ? 1 : 0;
      else throw new TypeError(`Table: column '${name}' mixes types: row ${i} is ${describe(v)}, expected a number like row 0`);
    }
    return { kind: 'number', values: out };
  }
  if (typeof first === 'string') {
    return {
      kind: 'string',
      values: arr.map((v, i) => {
        if (v === null || v === undefined) return null;
        if (typeof v !== 'string')
          throw new TypeError(`Table: column '${name}' mixes types: row ${i} is ${describe(v)}, expected a string`);
        return v;
      }),
    };
  }
  if (first instanceof Date) {
    const out = new Float64Array(arr.length);
    for (let i = 0; i < arr.length; i++) {
      const v = arr[i];
      if (v === null || v === undefined) out[i] = Number.NaN;
      else if (v instanceof Date) out[i] = v.getTime();
      else throw new TypeError(`Table: column '${name}' mixes types: row ${i} is ${describe(v)}, expected a Date`);
    }
    return { kind: 'timestamp', values: out };
  }
  throw new TypeError(`Table: column '${name}' holds ${describe(first)}; expected numbers, booleans, strings or Dates`);
}

function isColumn(v: unknown): v is Column {
  return typeof v === 'object' && v !== null && 'kind' in v && 'values' in v;
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (v instanceof Date) return 'a Date';
  return typeof v === 'string' ? `the string ${JSON.stringify(v.length > 20 ? `${v.slice(0, 20)}...` : v)}` : `a ${typeof v}`;
}

/** Where a Table's rows came from: the file, and the 1-based line of each row (null: not known). */
export interface RowOrigin {
  readonly file: string;
  readonly lines: Int32Array | null;
}

/**
 * An error about one row of a table, raised where only the columns are at hand: its message is
 * built from a description of the row, so that code holding the Table can name the file's line
 * (`relabel`). `where(i)` is the default, 'row i'.
 *
 * @example
 * throw new RowError((at) => `StandardScaler.fit: column 'age' holds Infinity at ${at}`, 104);
 * // relabelled by the table it came from: "... holds Infinity at data.csv line 107"
 */
export class RowError extends RangeError {
  override name = 'RangeError';
  /** Whether the message already names the row's origin. */
  labelled = false;
  constructor(
    readonly build: (at: string) => string,
    readonly row: number,
  ) {
    super(build(`row ${row}`));
  }

  /** This error with its row described by `table` (itself when the table knows no origin). */
  relabel(table: Table): RowError {
    if (this.labelled || table.rowOrigin === null || this.row >= table.numRows) return this;
    const e = new RowError(this.build, this.row);
    e.message = this.build(table.rowLabel(this.row));
    e.labelled = true;
    e.stack = this.stack;
    return e;
  }
}

/**
 * Runs `fn`; a RowError it throws is relabelled with `table`'s row origin.
 * @example withRowLabels(table, () => scaler.fit(table));
 */
export function withRowLabels<T>(table: Table, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    throw e instanceof RowError ? e.relabel(table) : e;
  }
}

/**
 * Named, typed columns of equal length.
 *
 * @example
 * const t = Table.fromColumns({ age: [31, null, 45], city: ['Oslo', 'Rome', null] });
 * t.numRows;                      // 3
 * t.column('age').kind;           // 'number' (missing age is NaN)
 * t.select(['age']).toTensor();   // Tensor (3, 1) float32
 */
export class Table {
  private readonly cols: ReadonlyMap<string, Column>;
  /** Number of rows. */
  readonly numRows: number;

  /** Where the rows came from (a file and each row's line), or null. */
  readonly rowOrigin: RowOrigin | null;

  private constructor(cols: Map<string, Column>, numRows: number, origin: RowOrigin | null = null) {
    this.cols = cols;
    this.numRows = numRows;
    this.rowOrigin = origin;
  }

  /**
   * This table with its rows' origin: `lines[i]` is the 1-based line of row i in `file` (null when
   * the lines are not known: rows are then named by number).
   * @example table.withRowOrigin('data.csv', Int32Array.from([2, 3, 5])).rowLabel(2) // 'data.csv line 5'
   */
  withRowOrigin(file: string, lines: Int32Array | null): Table {
    if (lines !== null && lines.length !== this.numRows)
      throw new RangeError(`Table.withRowOrigin: ${lines.length} lines for ${this.numRows} rows`);
    return new Table(new Map(this.cols), this.numRows, { file, lines });
  }

  /**
   * Row `i` as a person finds it: 'data.csv line 7' when the table knows its rows' lines,
   * 'data.csv data row 6' when it knows only the file, else 'row 5' (0-based, as indexed here).
   * @example Table.fromColumns({ a: [1, 2] }).rowLabel(1) // 'row 1'
   */
  rowLabel(i: number): string {
    const o = this.rowOrigin;
    if (o === null) return `row ${i}`;
    if (o.lines !== null && i >= 0 && i < o.lines.length) return `${o.file} line ${o.lines[i]}`;
    return `${o.file} data row ${i + 1}`;
  }

  /** The origin of the rows at `indices` of this table. */
  private originOf(indices: ArrayLike<number>): RowOrigin | null {
    const o = this.rowOrigin;
    if (o === null || o.lines === null) return o === null ? null : { file: o.file, lines: null };
    const lines = new Int32Array(indices.length);
    for (let i = 0; i < indices.length; i++) lines[i] = o.lines[indices[i]];
    return { file: o.file, lines };
  }

  /** A table from columns given by name, in the object's key order; all must have the same length. */
  static fromColumns(columns: Record<string, ColumnInput> | ReadonlyMap<string, ColumnInput>): Table {
    const entries = columns instanceof Map ? [...columns.entries()] : Object.entries(columns);
    const map = new Map<string, Column>();
    let n = -1;
    let firstName = '';
    for (const [name, input] of entries) {
      const col = toColumn(name, input);
      if (n === -1) {
        n = col.values.length;
        firstName = name;
      } else if (col.values.length !== n) {
        throw new RangeError(`Table: column '${name}' has ${col.values.length} rows but column '${firstName}' has ${n}`);
      }
      map.set(name, col);
    }
    return new Table(map, Math.max(n, 0));
  }

  /** Column names, in order. */
  get columnNames(): string[] {
    return [...this.cols.keys()];
  }

  /** Number of columns. */
  get numColumns(): number {
    return this.cols.size;
  }

  /** Whether the table has a column `name`. */
  has(name: string): boolean {
    return this.cols.has(name);
  }

  /** Column `name`; throws naming the available columns when there is none. */
  column(name: string): Column {
    const col = this.cols.get(name);
    if (col === undefined)
      throw new RangeError(`Table: no column '${name}'; columns are ${this.columnNames.map((c) => `'${c}'`).join(', ')}`);
    return col;
  }

  /** Column `name`, which must be a number column. */
  numbers(name: string): Float64Array {
    const col = this.column(name);
    if (col.kind !== 'number') throw new TypeError(`Table: column '${name}' is ${col.kind}, expected number`);
    return col.values;
  }

  /** Column `name`, which must be a string column. */
  strings(name: string): readonly (string | null)[] {
    const col = this.column(name);
    if (col.kind !== 'string') throw new TypeError(`Table: column '${name}' is ${col.kind}, expected string`);
    return col.values;
  }

  /** The kind of every column, by name. */
  get schema(): Record<string, ColumnKind> {
    return Object.fromEntries([...this.cols].map(([n, c]) => [n, c.kind]));
  }

  /** The listed columns, in the listed order. */
  select(names: readonly string[]): Table {
    return new Table(new Map(names.map((n) => [n, this.column(n)])), this.numRows, this.rowOrigin);
  }

  /** All columns but the listed ones (each must exist). */
  drop(names: readonly string[]): Table {
    for (const n of names) this.column(n);
    const gone = new Set(names);
    return new Table(new Map([...this.cols].filter(([n]) => !gone.has(n))), this.numRows, this.rowOrigin);
  }

  /** This table with column `name` added, or replaced in place when it exists. */
  withColumn(name: string, input: ColumnInput): Table {
    const col = toColumn(name, input);
    if (col.values.length !== this.numRows && this.cols.size > 0) {
      throw new RangeError(`Table.withColumn: column '${name}' has ${col.values.length} rows, the table has ${this.numRows}`);
    }
    const map = new Map(this.cols);
    map.set(name, col);
    return this.cols.size > 0 ? new Table(map, this.numRows, this.rowOrigin) : new Table(map, col.values.length);
  }

  /** Column `from` renamed to `to`, keeping its place. */
  rename(from: string, to: string): Table {
    this.column(from);
    if (from !== to && this.cols.has(to)) throw new RangeError(`Table.rename: a column '${to}' already exists`);
    return new Table(new Map([...this.cols].map(([n, c]) => [n === from ? to : n, c])), this.numRows, this.rowOrigin);
  }

  /** The rows at `indices`, in that order (repeats allowed, as for bootstrap samples). */
  take(indices: ArrayLike<number>): Table {
    const n = indices.length;
    for (let i = 0; i < n; i++) {
      const r = indices[i];
      if (!Number.isInteger(r) || r < 0 || r >= this.numRows) {
        throw new RangeError(`Table.take: index ${r} at position ${i} is out of range for ${this.numRows} rows`);
      }
    }
    const map = new Map<string, Column>();
    for (const [name, col] of this.cols) {
      if (col.kind === 'string') {
        const out = new Array<string | null>(n);
        for (let i = 0; i < n; i++) out[i] = col.values[indices[i]];
        map.set(name, { kind: 'string', values: out });
      } else {
        const out = new Float64Array(n);
        for (let i = 0; i < n; i++) out[i] = col.values[indices[i]];
        map.set(name, { kind: col.kind, values: out });
      }
    }
    return new Table(map, n, this.originOf(indices));
  }

  /** The rows where `keep(i)` is true. */
  filter(keep: (row: number) => boolean): Table {
    const idx: number[] = [];
    for (let i = 0; i < this.numRows; i++) if (keep(i)) idx.push(i);
    return this.take(idx);
  }

  /** Rows [start, end). */
  slice(start: number, end = this.numRows): Table {
    const s = Math.max(0, Math.min(start, this.numRows));
    const e = Math.max(s, Math.min(end, this.numRows));
    return this.take(Array.from({ length: e - s }, (_, i) => s + i));
  }

  /** The first `n` rows. */
  head(n = 5): Table {
    return this.slice(0, n);
  }

  /** This table's rows followed by `other`'s; both need the same column names and kinds. */
  concat(other: Table): Table {
    const a = this.columnNames.join(',');
    const b = other.columnNames.join(',');
    if (a !== b) throw new RangeError(`Table.concat: columns differ: [${a}] vs [${b}]`);
    const map = new Map<string, Column>();
    for (const [name, col] of this.cols) {
      const o = other.column(name);
      if (o.kind !== col.kind) throw new TypeError(`Table.concat: column '${name}' is ${col.kind} here and ${o.kind} in the other table`);
      if (col.kind === 'string') map.set(name, { kind: 'string', values: [...col.values, ...(o.values as (string | null)[])] });
      else {
        const out = new Float64Array(this.numRows + other.numRows);
        out.set(col.values);
        out.set(o.values as Float64Array, this.numRows);
        map.set(name, { kind: col.kind, values: out });
      }
    }
    const a0 = this.rowOrigin;
    const b0 = other.rowOrigin;
    let origin: RowOrigin | null = null;
    if (a0 !== null && b0 !== null && a0.file === b0.file) {
      const lines = a0.lines === null || b0.lines === null ? null : new Int32Array(this.numRows + other.numRows);
      lines?.set(a0.lines as Int32Array);
      lines?.set(b0.lines as Int32Array, this.numRows);
      origin = { file: a0.file, lines };
    }
    return new Table(map, this.numRows + other.numRows, origin);
  }

  /** Row `i` as an object (for display and small tables; bulk work should use columns). */
  row(i: number): Record<string, number | string | null> {
    if (!Number.isInteger(i) || i < 0 || i >= this.numRows)
      throw new RangeError(`Table.row: index ${i} is out of range for ${this.numRows} rows`);
    const out: Record<string, number | string | null> = {};
    for (const [name, col] of this.cols) {
      const v = col.values[i];
      out[name] = col.kind === 'string' ? (v as string | null) : Number.isNaN(v as number) ? null : (v as number);
    }
    return out;
  }

  /**
   * The listed number (or timestamp) columns as one float32 tensor (numRows, columns), row-major.
   * Throws naming the column for string columns (encode them first) and, unless `allowMissing`,
   * naming the first missing cell (impute or drop first): no silent NaN.
   */
  toTensor(names: readonly string[] = this.columnNames, options: { allowMissing?: boolean } = {}): Tensor {
    const cols = names.map((n) => {
      const c = this.column(n);
      if (c.kind === 'string')
        throw new TypeError(`Table.toTensor: column '${n}' holds strings; encode it first (OneHotEncoder, OrdinalEncoder)`);
      return c.values;
    });
    const c = cols.length;
    const data = new Float32Array(this.numRows * c);
    for (let j = 0; j < c; j++) {
      const v = cols[j];
      for (let i = 0; i < this.numRows; i++) {
        const x = v[i];
        if (Number.isNaN(x) && !options.allowMissing) {
          throw new RowError(
            (at) => `Table.toTensor: column '${names[j]}' is missing a value at ${at}; impute or drop missing values first`,
            i,
          ).relabel(this);
        }
        data[i * c + j] = x;
      }
    }
    return fromArray([this.numRows, c], data);
  }

  /** A fixed-width text rendering of the first `maxRows` rows. */
  toString(maxRows = 10): string {
    const names = this.columnNames;
    const shown = Math.min(maxRows, this.numRows);
    const cells = names.map((n) => {
      const col = this.column(n);
      const out: string[] = [];
      for (let i = 0; i < shown; i++) out.push(formatCell(col, i));
      return out;
    });
    const widths = names.map((n, j) => Math.max(n.length, ...cells[j].map((s) => s.length)));
    const line = (parts: string[]) => parts.map((p, j) => p.padStart(widths[j])).join('  ');
    const rows = [line(names), ...Array.from({ length: shown }, (_, i) => line(cells.map((c) => c[i])))];
    if (shown < this.numRows) rows.push(`... ${this.numRows - shown} more rows`);
    rows.push(`[${this.numRows} rows x ${names.length} columns]`);
    return rows.join('\n');
  }
}

function formatCell(col: Column, i: number): string {
  if (isMissing(col, i)) return 'null';
  if (col.kind === 'string') return col.values[i] as string;
  if (col.kind === 'timestamp') return new Date(col.values[i]).toISOString();
  const v = col.values[i];
  return Number.isInteger(v) ? String(v) : v.toPrecision(6).replace(/\.?0+$/, '');
}
