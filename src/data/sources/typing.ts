// Strict column types for text formats (CSV, JSON): a column's type comes from the whole column and
// the caller's `types`, by one rule, and a value that does not fit its column's type is an error
// naming the file, the line, the column and the value (or, with onBadValue: 'missing', a counted and
// reported missing value). A stray word never turns a number column into a text column.
//
// The rule (README, "Column types"):
//   1. Missing: a value equal to one of the missing tokens (MISSING_TOKENS by default: empty, NA, N/A,
//      n/a, NaN, nan, null, NULL, None, ?) is missing, in every column; `nullValues` replaces the list.
//   2. `types` decides a column's type when it names the column: number, boolean, timestamp, string.
//   3. Otherwise DuckDB reads the whole file (not a sample) and types each column (numbers, booleans,
//      dates); a column it reads as text is looked at value by value. Each present value is a number (decimal text such as 3, -1.5,
//      2e3, inf), a boolean (true, false), a timestamp (ISO 8601: 2024-05-06, 2024-05-06T07:08:09Z)
//      or other text. The column is
//        - text when a number has a leading zero (007, 01234: codes, zip codes, IDs keep their zeros);
//        - of type T (number, boolean, timestamp) when more than half of its present values are T:
//          the others are bad values;
//        - text otherwise (no present value, or non-numbers common: half or more of the values).
//   4. A bad value is an error naming file, line, column and value, or, with onBadValue: 'missing', a
//      missing value, counted and reported (BadValues) through the reader's onBadValues.

import type { Column, Table } from '../table.js';
import { DataSourceError } from './errors.js';

/** A column's type as read: booleans are number columns of 0 and 1. */
export type ValueType = 'number' | 'boolean' | 'timestamp' | 'string';

/** The values that mean "missing" unless a reader's `nullValues` option says otherwise. */
export const MISSING_TOKENS: readonly string[] = ['', 'NA', 'N/A', 'n/a', 'NaN', 'nan', 'null', 'NULL', 'None', '?'];

/** What to do with a value that does not fit its column's type. */
export type OnBadValue = 'error' | 'missing';

/** The values of one column read as missing because they did not fit (onBadValue: 'missing'). */
export interface BadValues {
  file: string;
  column: string;
  type: ValueType;
  /** How many values were read as missing. */
  count: number;
  /** The first few: where (a line, or a data row when lines are not known) and the value. */
  examples: { line?: number; row: number; value: string }[];
  /** One sentence for people: `data.csv: column 'age': 2 values that are not numbers read as missing (line 7: "thirty", ...)`. */
  message: string;
}

/** What typeColumns knows about the file it types. */
export interface TypingContext {
  op: string;
  file: string;
  /** The 1-based line of each row in the file, or null (rows are then named by number). */
  lines: Int32Array | null;
  /** 'line' for CSV and JSON Lines; 'record' where rows are records (a JSON array). */
  unit?: 'line' | 'record';
  /** Types asked for by the caller, by column. */
  types: Readonly<Record<string, ValueType>>;
  /** Values come from JSON (a column mixing strings and numbers holds JSON texts). */
  json?: boolean;
  /** Text values that mean missing, where the reader has not applied them (JSON). */
  missing?: ReadonlySet<string>;
  /** Columns in `types` whose type the rule gave (a streaming scan decides for the whole file first). */
  ruled?: ReadonlySet<string>;
  /** Who asked for `types`, for messages: default 'types asks for' ('... numbers in column age'). */
  typesFrom?: string;
  /** DuckDB's type of each column as read (BOOLEAN columns are 'boolean'). */
  sourceTypes: Readonly<Record<string, string>>;
  onBadValue: OnBadValue;
  /** Called once per column with bad values read as missing. */
  report: (bad: BadValues) => void;
}

const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$|^[+-]?(inf|infinity)$/i;
const LEADING_ZERO = /^[+-]?0\d/;
const BOOLEAN = /^(true|false)$/i;
const ISO = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/;

/**
 * The value of `text` as `type`, or NaN when it is not one (boolean: 1/0; timestamp: ms since the epoch).
 * @example parseValue(' 2.5 ', 'number') // 2.5; parseValue('thirty', 'number') // NaN
 */
export function parseValue(text: string, type: Exclude<ValueType, 'string'>): number {
  const t = text.trim();
  if (type === 'number') return NUMBER.test(t) ? (/inf/i.test(t) ? (t.startsWith('-') ? -Infinity : Infinity) : Number(t)) : Number.NaN;
  if (type === 'boolean') return /^(true|1)$/i.test(t) ? 1 : /^(false|0)$/i.test(t) ? 0 : Number.NaN;
  const m = ISO.exec(t);
  if (m === null) return Number.NaN;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const leap = (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
  const days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][mo - 1];
  if (days === undefined || d < 1 || d > days) return Number.NaN;
  const time = m[4] === undefined ? '' : `T${m[4]}:${m[5]}:${m[6] ?? '00'}${m[7] ?? ''}${m[8] ?? 'Z'}`;
  return Date.parse(`${m[1]}-${m[2]}-${m[3]}${time === '' ? 'T00:00:00Z' : time}`);
}

/** The counts behind the rule for one text column. */
export interface TextProfile {
  present: number;
  number: number;
  boolean: number;
  timestamp: number;
  /** Numbers written with a leading zero (007). */
  codes: number;
}

/**
 * Counts what the present values of a text column look like.
 * @example profileText(['1', '2', 'x', null]) // { present: 3, number: 2, boolean: 0, timestamp: 0, codes: 0 }
 */
export function profileText(values: readonly (string | null)[]): TextProfile {
  const p: TextProfile = { present: 0, number: 0, boolean: 0, timestamp: 0, codes: 0 };
  for (const v of values) {
    if (v === null) continue;
    p.present++;
    const t = v.trim();
    if (NUMBER.test(t)) {
      p.number++;
      if (LEADING_ZERO.test(t)) p.codes++;
    } else if (BOOLEAN.test(t)) p.boolean++;
    else if (!Number.isNaN(parseValue(t, 'timestamp'))) p.timestamp++;
  }
  return p;
}

/**
 * The type the rule gives a text column (see the top of this file).
 * @example inferTextType({ present: 100, number: 99, boolean: 0, timestamp: 0, codes: 0 }) // 'number'
 */
export function inferTextType(p: TextProfile): ValueType {
  if (p.codes > 0) return 'string';
  for (const type of ['number', 'boolean', 'timestamp'] as const) if (p[type] * 2 > p.present) return type;
  return 'string';
}

const NOUN: Record<ValueType, string> = {
  number: 'a number',
  boolean: 'a boolean (true or false)',
  timestamp: 'a date or time (ISO 8601)',
  string: 'text',
};
const PLURAL: Record<ValueType, string> = { number: 'numbers', boolean: 'booleans', timestamp: 'dates or times', string: 'text' };

/**
 * `table` with every column given its type by the rule: text columns that hold numbers, booleans or
 * timestamps (by `types` or by the rule) converted, bad values reported or thrown. Returns the table
 * and each column's type.
 *
 * @example
 * const { table, types } = typeColumns(raw, { op: 'readCsv', file: 'a.csv', lines, types: {}, sourceTypes, onBadValue: 'error', report });
 */
export function typeColumns(table: Table, ctx: TypingContext): { table: Table; types: Record<string, ValueType> } {
  const types: Record<string, ValueType> = {};
  let out = table;
  let first: BadValueFound | null = null;
  for (const name of table.columnNames) {
    const col = table.column(name);
    const asked = Object.hasOwn(ctx.types, name) ? ctx.types[name] : undefined;
    const source = ctx.sourceTypes[name] ?? '';
    if (col.kind !== 'string') {
      // DuckDB typed it from the whole column: numbers, BOOLEAN (0/1), dates and timestamps
      types[name] = source === 'BOOLEAN' ? 'boolean' : col.kind;
      if (asked !== undefined && asked !== types[name] && !(asked === 'number' && types[name] === 'boolean'))
        out = out.withColumn(name, convertTyped(col, asked));
      if (asked !== undefined) types[name] = asked;
      continue;
    }
    // DuckDB gives a JSON column that mixes strings with numbers as JSON texts: "two" -> two, 3 -> 3
    let values = ctx.json === true && mixedJson(col.values) ? col.values.map(fromJsonText) : col.values;
    const missing = ctx.missing;
    if (missing !== undefined && values.some((v) => v !== null && missing.has(v)))
      values = values.map((v) => (v !== null && missing.has(v) ? null : v));
    if (values !== col.values) out = out.withColumn(name, { kind: 'string', values });
    let type: ValueType;
    let profile: TextProfile | null = null;
    if (asked !== undefined) type = asked;
    else {
      profile = profileText(values);
      type = inferTextType(profile);
    }
    types[name] = type;
    if (type === 'string') continue;
    try {
      out = out.withColumn(name, convertText(name, values, type, profile, asked !== undefined && !ctx.ruled?.has(name), ctx));
    } catch (e) {
      if (!(e instanceof BadValueFound)) throw e;
      if (first === null || e.row < first.row) first = e; // the first bad value of the file, not of the first column
    }
  }
  if (first !== null) throw first.error;
  VALUE_TYPES.set(out, types);
  return { table: out, types };
}

const VALUE_TYPES = new WeakMap<Table, Record<string, ValueType>>();

/**
 * The type of each column of a Table as a CSV or JSON reader typed it (booleans apart from numbers),
 * or null for a table that no reader typed (or one derived from it).
 * @example valueTypesOf(await readCsv('a.csv')) // { age: 'number', member: 'boolean', city: 'string' }
 */
export function valueTypesOf(table: Table): Record<string, ValueType> | null {
  return VALUE_TYPES.get(table) ?? null;
}

/** `table`, recorded as having columns of `types` (for valueTypesOf). @example registerTypes(t, { a: 'number' }) */
export function registerTypes(table: Table, types: Record<string, ValueType>): Table {
  VALUE_TYPES.set(table, types);
  return table;
}

/** Whether some values are JSON strings ("...") and others are not (numbers, booleans). */
function mixedJson(values: readonly (string | null)[]): boolean {
  let quoted = false;
  let bare = false;
  for (const v of values) {
    if (v === null) continue;
    if (v.length >= 2 && v.startsWith('"') && v.endsWith('"')) quoted = true;
    else bare = true;
    if (quoted && bare) return true;
  }
  return false;
}

function fromJsonText(v: string | null): string | null {
  if (v === null || !v.startsWith('"')) return v === 'null' ? null : v;
  try {
    return String(JSON.parse(v));
  } catch {
    return v;
  }
}

/** The first bad value of a column (onBadValue 'error'): its row, and the error naming it. */
class BadValueFound {
  constructor(
    readonly error: DataSourceError,
    readonly row: number,
  ) {}
}

/** A column DuckDB typed (number or timestamp) as another type the caller asked for. */
function convertTyped(col: Column, type: ValueType): Column {
  if (type === 'string') {
    const show = col.kind === 'timestamp' ? (v: number) => new Date(v).toISOString() : String;
    return { kind: 'string', values: Array.from(col.values as Float64Array, (v) => (Number.isNaN(v) ? null : show(v))) };
  }
  return { kind: type === 'timestamp' ? 'timestamp' : 'number', values: col.values as Float64Array };
}

function convertText(
  name: string,
  values: readonly (string | null)[],
  type: Exclude<ValueType, 'string'>,
  profile: TextProfile | null,
  asked: boolean,
  ctx: TypingContext,
): Column {
  const out = new Float64Array(values.length);
  const bad: number[] = [];
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v === null) {
      out[i] = Number.NaN;
      continue;
    }
    const x = parseValue(v, type);
    if (Number.isNaN(x)) bad.push(i);
    else if (!asked && type === 'number' && !Number.isSafeInteger(x) && /^[+-]?\d+$/.test(v.trim())) {
      // an integer with more digits than a double keeps: refused, not rounded (types: number accepts rounding)
      const at = ctx.lines !== null && i < ctx.lines.length ? `line ${ctx.lines[i]}` : `data row ${i + 1}`;
      throw new DataSourceError(
        `${ctx.op}: ${ctx.file} ${at}: column '${name}' holds ${v.trim()}, beyond ±(2^53-1) where numbers lose digits; ` +
          `pass types: { '${name}': 'number' } to accept rounding, or 'string' to keep every digit`,
        { file: ctx.file, line: ctx.lines?.[i], column: name },
      );
    }
    out[i] = x;
  }
  const column: Column = { kind: type === 'timestamp' ? 'timestamp' : 'number', values: out };
  if (bad.length === 0) return column;
  const where = (i: number) => (ctx.lines !== null && i < ctx.lines.length ? `${ctx.unit ?? 'line'} ${ctx.lines[i]}` : `data row ${i + 1}`);
  const show = (i: number) => JSON.stringify(clip(values[i] as string));
  const others =
    bad.length === 1
      ? ''
      : ` (${bad.length} such values; also at ${bad.slice(1, 4).map(where).join(', ')}${bad.length > 4 ? ', ...' : ''})`;
  if (ctx.onBadValue === 'error') {
    const present = profile?.present ?? values.filter((v) => v !== null).length;
    const why = asked
      ? `${ctx.typesFrom ?? 'types asks for'} ${PLURAL[type]} in column '${name}'`
      : ctx.ruled?.has(name)
        ? `column '${name}' holds ${PLURAL[type]} (more than half of its values in the whole file)`
        : `column '${name}' holds ${PLURAL[type]} (${present - bad.length} of its ${present} values)`;
    const fixes = asked
      ? "fix the value, or set onBadValue: 'missing' to read such values as missing"
      : `fix the value, set onBadValue: 'missing' to read such values as missing, or types: { '${name}': 'string' } to read the column as text`;
    const error = new DataSourceError(
      `${ctx.op}: ${ctx.file} ${where(bad[0])}: column '${name}': ${show(bad[0])} is not ${NOUN[type]}; ${why}; ${fixes}${others}`,
      {
        file: ctx.file,
        line: ctx.lines?.[bad[0]],
        column: name,
      },
    );
    throw new BadValueFound(error, bad[0]);
  }
  const examples = bad
    .slice(0, 3)
    .map((i) => ({ ...(ctx.lines !== null ? { line: ctx.lines[i] } : {}), row: i, value: values[i] as string }));
  const n = bad.length;
  ctx.report({
    file: ctx.file,
    column: name,
    type,
    count: n,
    examples,
    message: `${ctx.file}: column '${name}': ${n === 1 ? `1 value that is not ${NOUN[type]}` : `${n} values that are not ${PLURAL[type]}`} read as missing (${bad
      .slice(0, 3)
      .map((i) => `${where(i)}: ${show(i)}`)
      .join(', ')}${n > 3 ? ', ...' : ''})`,
  });
  return column;
}

function clip(s: string, max = 60): string {
  return s.length > max ? `${s.slice(0, max)}...` : s;
}
