// readCsv, readParquet, readJson (whole files into a Table) and scanCsv, scanParquet, scanJson
// (batches of rows, for files larger than memory), all through DuckDB's read_csv / read_parquet /
// read_json table functions. Paths and option values are bound as SQL parameters or quoted by
// DuckDB's own quoting; nothing a caller passes is pasted into SQL unescaped.
// CSV and JSON columns get their types by the strict rule of typing.ts (the whole column decides; a
// value that does not fit is an error naming the file, line, column and value), and a Table read from
// a CSV or JSON Lines file knows each row's line (Table.rowOrigin).

import type { Table } from '../table.js';
import { sourceTypesOf } from './builder.js';
import { diagnoseCsv, diagnoseJson } from './diagnose.js';
import { type Database, needsNode, type SqlRequest, type SqlValue, sharedDatabase } from './duckdb.js';
import { DataSourceError } from './errors.js';
import {
  atLine,
  type CsvLayout,
  checkCsvHeader,
  csvFileRowLines,
  csvRowLines,
  editorLines,
  jsonRecordLines,
  localFileBytes,
} from './lines.js';
import { decideTypes } from './profile.js';
import { mayHoldZeroPadded, sampledTypesHold } from './sampled.js';
import { checkFile, describeColumns, quoteIdent, quoteString } from './sql.js';
import { type BadValues, MISSING_TOKENS, type OnBadValue, registerTypes, typeColumns, type ValueType, valueTypesOf } from './typing.js';

/** Options every reader takes. */
export interface ReadOptions {
  /** Only these columns, in this order (each must exist). Default: all. */
  columns?: readonly string[];
  /**
   * A column's type, instead of the one the rule of typing.ts gives it: 'number', 'boolean' (a number
   * column of 0/1), 'timestamp' or 'string'. A value that does not convert is a bad value.
   */
  types?: Readonly<Record<string, ValueType>>;
  /**
   * A value that does not fit its column's type: 'error' (the default) names the file, line, column
   * and value; 'missing' reads it as missing and reports the count through `onBadValues`.
   */
  onBadValue?: OnBadValue;
  /** Who asked for `types`, for messages. Default 'types asks for' ("types asks for numbers in column 'age'"). */
  typesFrom?: string;
  /** Called once per column with values read as missing (onBadValue 'missing'). Default: console.warn of the message. */
  onBadValues?: (bad: BadValues) => void;
  /** At most this many rows. Default: all. */
  limit?: number;
  /**
   * CSV and JSON: values that mean missing, in every column. Default MISSING_TOKENS: '', NA, N/A,
   * n/a, NaN, nan, null, NULL, None, ?.
   */
  nullValues?: readonly string[];
  /** The database to read through. Default: the shared in-memory one. */
  database?: Database;
}

/** Options of `readCsv` and `scanCsv`. */
export interface CsvOptions extends ReadOptions {
  /** The field separator. Default ','. */
  delimiter?: string;
  /** Whether the first line (after `skipRows`) names the columns. Default true; else column0, column1, ... */
  header?: boolean;
  /** Lines to skip at the top of the file, before the header. Default 0. */
  skipRows?: number;
  /** The quote character (a quote inside a quoted value is doubled: ""). Default '"'. */
  quote?: string;
}

/** Options of `readJson` and `scanJson`. */
export interface JsonOptions extends ReadOptions {
  /** 'lines': one object per line (JSON Lines); 'array': one array of objects; 'auto' (default): either. */
  format?: 'auto' | 'lines' | 'array';
}

const DUCK_TYPE: Record<ValueType, string> = { number: 'DOUBLE', boolean: 'BOOLEAN', string: 'VARCHAR', timestamp: 'TIMESTAMP' };

/**
 * Reads a CSV file (or a glob such as `'logs/*.csv'`) into a Table. Column types come from the whole
 * column by the rule of typing.ts: numbers, booleans (as 0/1), dates/timestamps, or text; a value
 * that does not fit its column is an error naming the file, line, column and value (see onBadValue).
 *
 * @example
 * const t = await readCsv('iris.csv', { columns: ['sepal_length', 'species'], types: { sepal_length: 'number' } });
 * t.numRows; // 150
 */
export async function readCsv(path: string, options: CsvOptions = {}): Promise<Table> {
  const { req, db, layout } = await csvRequest('readCsv', path, options);
  await checkCsvHeader('readCsv', path, layout);
  const bytes = await localFileBytes(path);
  const rowLines = () => (bytes === null ? null : csvRowLines(bytes, layout));
  // DuckDB's sampled types, where they are the whole file's (sampled.ts); else the whole-file sniff
  let raw = bytes === null || mayHoldZeroPadded(bytes, layout.delimiter) ? null : await sampledRead(path, options);
  if (raw === null) {
    try {
      raw = await db.execute(req);
    } catch (e) {
      throw await atLine(e, path, rowLines());
    }
  }
  const lines = raw.numRows === 0 ? null : fitLines(rowLines(), raw.numRows, options.limit);
  await refuseRoundedIntegers('readCsv', path, raw, async () => lines, options);
  return typed('readCsv', path, raw, lines, 'line', options);
}

/** The table DuckDB reads with its default type sample, or null where that may differ from the whole file's (sampled.ts). */
async function sampledRead(path: string, options: CsvOptions): Promise<Table | null> {
  const { req, db } = await csvRequest('readCsv', path, options, false);
  try {
    const raw = await db.execute(req);
    return sampledTypesHold(sourceTypesOf(raw), raw.numRows) ? raw : null;
  } catch {
    return null; // a value that does not fit a sampled type: the whole-file read decides and names its line
  }
}

/**
 * DuckDB reads an integer too large for BIGINT (12345678901234567890) as a DOUBLE, rounded. Where a
 * DOUBLE column holds an integer beyond 2^53, its text is read again: an integer written with more
 * digits than a double keeps is an error naming the line, as for BIGINT columns.
 */
async function refuseRoundedIntegers(
  op: string,
  path: string,
  raw: Table,
  lines: () => Promise<Int32Array | null>,
  o: CsvOptions,
  row0 = 0,
): Promise<void> {
  const types = sourceTypesOf(raw);
  const suspects = Object.keys(types).filter(
    (c) =>
      types[c] === 'DOUBLE' &&
      !Object.hasOwn(o.types ?? {}, c) &&
      raw.numbers(c).some((v) => Number.isInteger(v) && Math.abs(v) >= 2 ** 53),
  );
  if (suspects.length === 0) return;
  const asText = Object.fromEntries(suspects.map((c) => [c, 'string' as const]));
  const { req, db } = await csvRequest(op, path, { ...o, columns: suspects, types: asText });
  const text = await db.execute(req);
  for (const c of suspects) {
    const values = text.strings(c).slice(row0, row0 + raw.numRows);
    const k = values.findIndex((v) => v !== null && /^[+-]?\d+$/.test(v.trim()) && !Number.isSafeInteger(Number(v.trim())));
    if (k < 0) continue;
    const i = row0 + k;
    const all = await lines();
    const line = all !== null && i < all.length ? all[i] : undefined;
    throw new DataSourceError(
      `${op}: ${path} ${line === undefined ? `data row ${i + 1}` : `line ${line}`}: column '${c}' holds ${(values[k] as string).trim()}, ` +
        `beyond ±(2^53-1) where numbers lose digits; pass types: { '${c}': 'number' } to accept rounding, or 'string' to keep every digit`,
      { file: path, line, column: c },
    );
  }
}

/**
 * Reads a Parquet file (or glob) into a Table.
 *
 * @example
 * const t = await readParquet('features.parquet', { columns: ['x1', 'x2', 'label'], limit: 1000 });
 */
export async function readParquet(path: string, options: ReadOptions = {}): Promise<Table> {
  const { db } = await prepare('readParquet', path, options);
  return db.execute(request('readParquet', path, 'read_parquet($path)', {}, options, db));
}

/**
 * Reads JSON Lines (one object per line) or a JSON array of objects into a Table.
 *
 * @example
 * const t = await readJson('events.jsonl', { types: { at: 'timestamp' } });
 */
export async function readJson(path: string, options: JsonOptions = {}): Promise<Table> {
  const { db } = await prepare('readJson', path, options);
  const raw = await db.execute(jsonRequest('readJson', path, options, db));
  const lines = fitLines(await jsonRecordLines(path), raw.numRows, options.limit);
  return typed('readJson', path, raw, lines, 'line', options);
}

/** `lines` when it has a line for each of `rows` rows (the first `rows` under a limit), else null. */
function fitLines(lines: Int32Array | null, rows: number, limit: number | undefined): Int32Array | null {
  if (lines === null) return null;
  if (lines.length === rows) return lines;
  return limit !== undefined && lines.length > rows ? lines.slice(0, rows) : null;
}

/** The raw table typed by the rule, with its rows' origin. */
function typed(
  op: string,
  path: string,
  raw: Table,
  lines: Int32Array | null,
  unit: 'line' | 'record',
  o: ReadOptions,
  ruled: ReadonlySet<string> = new Set(),
): Table {
  const { table } = typeColumns(raw, {
    op,
    file: path,
    lines,
    unit,
    json: op.endsWith('Json'),
    ...(op.endsWith('Json') ? { missing: new Set(o.nullValues ?? MISSING_TOKENS) } : {}),
    types: o.types ?? {},
    ...(o.typesFrom === undefined ? {} : { typesFrom: o.typesFrom }),
    ruled,
    sourceTypes: sourceTypesOf(raw),
    onBadValue: o.onBadValue ?? 'error',
    report: o.onBadValues ?? ((bad) => console.warn(`${op}: note: ${bad.message}`)),
  });
  if (/[*?[{]/.test(path)) return table;
  const out = table.withRowOrigin(path, lines);
  const types = valueTypesOf(table);
  return types === null ? out : registerTypes(out, types);
}

/**
 * Streams a CSV file as Tables of `batchSize` rows without loading it whole.
 *
 * @example
 * for await (const batch of scanCsv('huge.csv', { batchSize: 100_000 })) model.trainOn(batch.toTensor());
 */
export async function* scanCsv(path: string, options: CsvOptions & { batchSize?: number } = {}): AsyncGenerator<Table> {
  // the whole column decides its type: text columns are profiled in SQL first, then typed batch by batch
  const first = await csvRequest('scanCsv', path, options);
  await checkCsvHeader('scanCsv', path, first.layout);
  const types = await decideTypes(
    first.db,
    first.source,
    first.params,
    first.textColumns,
    options.types ?? {},
    options.columns,
    options.nullValues ?? MISSING_TOKENS,
  );
  const ruled = new Set(Object.keys(types).filter((c) => !Object.hasOwn(options.types ?? {}, c)));
  const { req, db, layout } = await csvRequest('scanCsv', path, { ...options, types });
  let lines: Int32Array | null | undefined; // the file's row lines, read on the first bad value
  let done = 0;
  const stream = db.stream(req, options.batchSize);
  for (;;) {
    let next: IteratorResult<Table>;
    try {
      next = await stream.next();
    } catch (e) {
      lines ??= await csvFileRowLines(path, layout);
      throw await atLine(e, path, lines);
    }
    if (next.done) break;
    const raw = next.value;
    const o = { ...options, types };
    let table: Table | undefined;
    let bad = false;
    try {
      table = typed('scanCsv', path, raw, null, 'line', { ...o, onBadValues: () => (bad = true) }, ruled);
    } catch (e) {
      if (!(e instanceof DataSourceError)) throw e;
      bad = true;
    }
    const fileLines = async () => {
      lines ??= await csvFileRowLines(path, layout);
      return lines;
    };
    await refuseRoundedIntegers('scanCsv', path, raw, fileLines, options, done);
    if (bad) {
      lines ??= await csvFileRowLines(path, layout);
      table = typed('scanCsv', path, raw, lines === null ? null : lines.slice(done, done + raw.numRows), 'line', o, ruled);
    }
    done += raw.numRows;
    yield table as Table;
  }
}

/**
 * Streams a Parquet file (or glob) as Tables of `batchSize` rows.
 *
 * @example
 * for await (const batch of scanParquet('shards/*.parquet', { batchSize: 50_000 })) console.log(batch.numRows);
 */
export async function* scanParquet(path: string, options: ReadOptions & { batchSize?: number } = {}): AsyncGenerator<Table> {
  const { db } = await prepare('scanParquet', path, options);
  yield* db.stream(request('scanParquet', path, 'read_parquet($path)', {}, options, db), options.batchSize);
}

/**
 * Streams a JSON Lines file as Tables of `batchSize` rows.
 *
 * @example
 * for await (const batch of scanJson('events.jsonl', { batchSize: 10_000 })) console.log(batch.numRows);
 */
export async function* scanJson(path: string, options: JsonOptions & { batchSize?: number } = {}): AsyncGenerator<Table> {
  const { db } = await prepare('scanJson', path, options);
  // the whole column decides its type: text columns are profiled in SQL first, then typed batch by batch
  const source = `read_json($path, format = '${jsonFormat('scanJson', options)}', sample_size = -1)`;
  const textColumns = async () => {
    const d = await db.execute({ op: 'scanJson', sql: `DESCRIBE SELECT * FROM ${source}`, params: { path }, context: { file: path } });
    const names = d.strings('column_name');
    return d.strings('column_type').flatMap((t, i) => (t === 'VARCHAR' || t === 'JSON' ? [names[i] as string] : []));
  };
  const types = await decideTypes(
    db,
    source,
    { path },
    textColumns,
    options.types ?? {},
    options.columns,
    options.nullValues ?? MISSING_TOKENS,
  );
  const ruled = new Set(Object.keys(types).filter((c) => !Object.hasOwn(options.types ?? {}, c)));
  const lines = await jsonRecordLines(path);
  let done = 0;
  const o = { ...options, types };
  for await (const raw of db.stream(jsonRequest('scanJson', path, o, db), options.batchSize)) {
    const part = lines !== null && lines.length >= done + raw.numRows ? lines.slice(done, done + raw.numRows) : null;
    done += raw.numRows;
    yield typed('scanJson', path, raw, part, 'line', o, ruled);
  }
}

/** Checks the path and options, and picks the database. */
async function prepare(op: string, path: string, options: ReadOptions): Promise<{ db: Database }> {
  needsNode(op);
  if (typeof path !== 'string' || path === '') throw new TypeError(`${op}: path must be a non-empty string, got ${JSON.stringify(path)}`);
  if (options.limit !== undefined && !(Number.isInteger(options.limit) && options.limit >= 0)) {
    throw new RangeError(`${op}: limit must be a non-negative integer, got ${options.limit}`);
  }
  for (const [name, kind] of Object.entries(options.types ?? {})) {
    if (!Object.hasOwn(DUCK_TYPE, kind))
      throw new TypeError(`${op}: types.${name} must be 'number', 'boolean', 'timestamp' or 'string', got ${JSON.stringify(kind)}`);
  }
  if (options.onBadValue !== undefined && options.onBadValue !== 'error' && options.onBadValue !== 'missing')
    throw new TypeError(`${op}: onBadValue must be 'error' or 'missing', got ${JSON.stringify(options.onBadValue)}`);
  await checkFile(op, path);
  return { db: options.database ?? (await sharedDatabase()) };
}

interface CsvRequest {
  req: SqlRequest;
  db: Database;
  layout: CsvLayout;
  /** read_csv(...) with every option, and its parameters. */
  source: string;
  params: Record<string, SqlValue>;
  /** The columns DuckDB reads as text (VARCHAR). */
  textColumns: () => Promise<string[]>;
}

/** `wholeFile`: DuckDB types each column from every row (the rule's default) rather than from its sample. */
async function csvRequest(op: string, path: string, o: CsvOptions, wholeFile = true): Promise<CsvRequest> {
  const { db } = await prepare(op, path, o);
  const args: string[] = [];
  const params: Record<string, SqlValue> = {};
  const delimiter = o.delimiter ?? ',';
  args.push('delim = $delim');
  params.delim = delimiter;
  if (o.header !== undefined && typeof o.header !== 'boolean')
    throw new TypeError(`${op}: header must be true or false, got ${JSON.stringify(o.header)}`);
  args.push(`header = ${o.header !== false}`);
  args.push('quote = $quote'); // RFC 4180 quoting by default, so an unclosed quote is an error, not text
  params.quote = o.quote ?? '"';
  if (o.skipRows !== undefined && !(Number.isInteger(o.skipRows) && o.skipRows >= 0))
    throw new RangeError(`${op}: skipRows must be a non-negative integer, got ${o.skipRows}`);
  // always given: DuckDB's sniffer would otherwise skip lines on its own, and a ragged last line
  // became the header of an empty table
  args.push(`skip = ${o.skipRows ?? 0}`);
  const nulls = o.nullValues ?? MISSING_TOKENS;
  if (!Array.isArray(nulls) || nulls.some((v) => typeof v !== 'string'))
    throw new TypeError(`${op}: nullValues must be an array of strings, got ${JSON.stringify(nulls)}`);
  if (nulls.length > 0) args.push(`nullstr = [${nulls.map(quoteString).join(', ')}]`);
  // the whole column decides its type, not the first rows; or, for readCsv's sampled read
  // (sampled.ts), numbers are DOUBLE, which a later fraction cannot be rounded into, and every
  // other column text, typed from all its values by typing.ts
  args.push(wholeFile ? 'sample_size = -1' : "auto_type_candidates = ['DOUBLE', 'VARCHAR']");
  const base = `read_csv($path, ${args.join(', ')}`;
  // asked-for columns are read as text and converted by typing.ts, which names the line of a bad value
  const types = Object.keys(o.types ?? {});
  const typed = types.length === 0 ? '' : `, types = {${types.map((c) => `${quoteString(c)}: 'VARCHAR'`).join(', ')}}`;
  const req = request(op, path, `${base}${typed})`, params, { ...o, types: undefined }, db, `${base})`);
  req.context = { file: path, types: o.types };
  const explainColumns = req.explain;
  const layout = { delimiter, quote: o.quote ?? '"', skipRows: o.skipRows ?? 0, header: o.header ?? true };
  req.explain = async (err) => {
    if (/Error when sniffing file/.test(String((err.cause as Error | undefined)?.message))) {
      const found = await diagnoseCsv(db, op, path, {
        delimiter,
        header: o.header ?? true,
        skipRows: o.skipRows ?? 0,
        quote: o.quote ?? '"',
      });
      return found === null ? err : editorLines(found, path, layout);
    }
    if (err.line !== undefined) return editorLines(err, path, layout);
    return explainColumns ? explainColumns(err) : err;
  };
  const source = `${base}${typed})`;
  const textColumns = async () => {
    let d: Table;
    try {
      d = await db.execute({ op, sql: `DESCRIBE SELECT * FROM ${source}`, params: { path, ...params }, context: { file: path } });
    } catch (e) {
      throw e instanceof DataSourceError && req.explain ? await req.explain(e) : e;
    }
    const names = d.strings('column_name');
    return d.strings('column_type').flatMap((t, i) => (t === 'VARCHAR' ? [names[i] as string] : []));
  };
  return { req, db, layout, source, params: { path, ...params }, textColumns };
}

/** DuckDB's name of the JSON format option. */
function jsonFormat(op: string, o: JsonOptions): string {
  const formats: Record<string, string> = { auto: 'auto', lines: 'newline_delimited', array: 'array' };
  const format = Object.hasOwn(formats, o.format ?? 'auto') ? formats[o.format ?? 'auto'] : undefined;
  if (format === undefined) throw new TypeError(`${op}: format must be 'auto', 'lines' or 'array', got ${JSON.stringify(o.format)}`);
  return format;
}

function jsonRequest(op: string, path: string, o: JsonOptions, db: Database): SqlRequest {
  const format = jsonFormat(op, o);
  // asked-for columns are read as text and converted by typing.ts, which names the line of a bad value
  const asText = Object.fromEntries(Object.keys(o.types ?? {}).map((c) => [c, 'string' as const]));
  const req = request(op, path, `read_json($path, format = '${format}', sample_size = -1)`, {}, { ...o, types: asText }, db);
  const explainColumns = req.explain;
  req.explain = async (err) =>
    /malformed JSON/i.test(err.message) ? diagnoseJson(op, path, err) : explainColumns ? explainColumns(err) : err;
  return req;
}

/**
 * SELECT <columns, with casts for `types`> FROM <source> LIMIT <limit>; an unknown column is explained
 * with the columns of `plainSource` (the source without options that name columns).
 */
function request(
  op: string,
  path: string,
  source: string,
  params: Record<string, SqlValue>,
  o: ReadOptions,
  db: Database,
  plainSource = source,
): SqlRequest {
  const types = o.types ?? {};
  for (const name of Object.keys(types)) {
    if (o.columns && !o.columns.includes(name)) {
      throw new RangeError(`${op}: types names '${name}', which is not among the columns asked for (${o.columns.join(', ')})`);
    }
  }
  const cast = (c: string) =>
    Object.hasOwn(types, c) ? `CAST(${quoteIdent(c)} AS ${DUCK_TYPE[types[c]]}) AS ${quoteIdent(c)}` : quoteIdent(c);
  let select = '*';
  if (o.columns) {
    if (o.columns.length === 0) throw new RangeError(`${op}: columns is empty; leave it out to read every column`);
    select = o.columns.map(cast).join(', ');
  } else if (Object.keys(types).length > 0) {
    select = `* REPLACE (${Object.keys(types).map(cast).join(', ')})`;
  }
  const limit = o.limit === undefined ? '' : ` LIMIT ${o.limit}`;
  return {
    op,
    sql: `SELECT ${select} FROM ${source}${limit}`,
    params: { path, ...params },
    context: { file: path, types: o.types },
    explain: async (err) => {
      const cause = String((err.cause as Error | undefined)?.message);
      const unknown = err.column ?? /COLUMN_TYPES error: Columns with names: "(.*?)"/.exec(cause)?.[1];
      if (unknown === undefined || !/not found|do not exist/.test(cause)) return err;
      const available = await describeColumns(db, `SELECT * FROM ${plainSource}`, { path, ...params });
      return new DataSourceError(
        `${op}: ${path} has no column '${unknown}'; its columns are ${available.map((c) => `'${c}'`).join(', ')}`,
        { file: path, column: unknown },
        { cause: err.cause },
      );
    },
  };
}
