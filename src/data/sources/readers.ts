// readCsv, readParquet, readJson (whole files into a Table) and scanCsv, scanParquet, scanJson
// (batches of rows, for files larger than memory), all through DuckDB's read_csv / read_parquet /
// read_json table functions. Paths and option values are bound as SQL parameters or quoted by
// DuckDB's own quoting; nothing a caller passes is pasted into SQL unescaped.

import type { ColumnKind, Table } from '../table.js';
import { diagnoseCsv, diagnoseJson } from './diagnose.js';
import { type Database, type SqlRequest, type SqlValue, sharedDatabase } from './duckdb.js';
import { DataSourceError } from './errors.js';
import { checkFile, describeColumns, quoteIdent, quoteString } from './sql.js';

/** Options every reader takes. */
export interface ReadOptions {
  /** Only these columns, in this order (each must exist). Default: all. */
  columns?: readonly string[];
  /** Force a column's kind: values that do not convert are an error naming the column and line. */
  types?: Readonly<Record<string, ColumnKind>>;
  /** At most this many rows. Default: all. */
  limit?: number;
  /** The database to read through. Default: the shared in-memory one. */
  database?: Database;
}

/** Options of `readCsv` and `scanCsv`. */
export interface CsvOptions extends ReadOptions {
  /** The field separator. Default ','. */
  delimiter?: string;
  /** Whether the first line (after `skipRows`) names the columns. Default true; else column0, column1, ... */
  header?: boolean;
  /** Strings that mean a missing value. Default [''] (an empty field). */
  nullValues?: readonly string[];
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

const DUCK_TYPE: Record<ColumnKind, string> = { number: 'DOUBLE', string: 'VARCHAR', timestamp: 'TIMESTAMP' };

/**
 * Reads a CSV file (or a glob such as `'logs/*.csv'`) into a Table. Column types are detected
 * from the data: numbers, booleans (as 0/1) and dates/timestamps; everything else is a string.
 *
 * @example
 * const t = await readCsv('iris.csv', { columns: ['sepal_length', 'species'], types: { sepal_length: 'number' } });
 * t.numRows; // 150
 */
export async function readCsv(path: string, options: CsvOptions = {}): Promise<Table> {
  const { req, db } = await csvRequest('readCsv', path, options);
  return db.execute(req);
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
  return db.execute(jsonRequest('readJson', path, options, db));
}

/**
 * Streams a CSV file as Tables of `batchSize` rows without loading it whole.
 *
 * @example
 * for await (const batch of scanCsv('huge.csv', { batchSize: 100_000 })) model.trainOn(batch.toTensor());
 */
export async function* scanCsv(path: string, options: CsvOptions & { batchSize?: number } = {}): AsyncGenerator<Table> {
  const { req, db } = await csvRequest('scanCsv', path, options);
  yield* db.stream(req, options.batchSize);
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
  yield* db.stream(jsonRequest('scanJson', path, options, db), options.batchSize);
}

/** Checks the path and options, and picks the database. */
async function prepare(op: string, path: string, options: ReadOptions): Promise<{ db: Database }> {
  if (typeof path !== 'string' || path === '') throw new TypeError(`${op}: path must be a non-empty string, got ${JSON.stringify(path)}`);
  if (options.limit !== undefined && !(Number.isInteger(options.limit) && options.limit >= 0)) {
    throw new RangeError(`${op}: limit must be a non-negative integer, got ${options.limit}`);
  }
  for (const [name, kind] of Object.entries(options.types ?? {})) {
    if (!Object.hasOwn(DUCK_TYPE, kind))
      throw new TypeError(`${op}: types.${name} must be 'number', 'string' or 'timestamp', got ${JSON.stringify(kind)}`);
  }
  await checkFile(op, path);
  return { db: options.database ?? (await sharedDatabase()) };
}

async function csvRequest(op: string, path: string, o: CsvOptions): Promise<{ req: SqlRequest; db: Database }> {
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
  if (o.skipRows !== undefined) {
    if (!(Number.isInteger(o.skipRows) && o.skipRows >= 0))
      throw new RangeError(`${op}: skipRows must be a non-negative integer, got ${o.skipRows}`);
    args.push(`skip = ${o.skipRows}`);
  }
  if (o.nullValues !== undefined) args.push(`nullstr = [${o.nullValues.map(quoteString).join(', ')}]`);
  const base = `read_csv($path, ${args.join(', ')}`;
  const types = Object.entries(o.types ?? {});
  const typed = types.length === 0 ? '' : `, types = {${types.map(([c, k]) => `${quoteString(c)}: '${DUCK_TYPE[k]}'`).join(', ')}}`;
  // types go to read_csv itself, so a value that does not convert is reported with its line
  const req = request(op, path, `${base}${typed})`, params, { ...o, types: undefined }, db, `${base})`);
  req.context = { file: path, types: o.types };
  const explainColumns = req.explain;
  req.explain = async (err) => {
    if (/Error when sniffing file/.test(String((err.cause as Error | undefined)?.message))) {
      return (
        (await diagnoseCsv(db, op, path, { delimiter, header: o.header ?? true, skipRows: o.skipRows ?? 0, quote: o.quote ?? '"' })) ?? err
      );
    }
    return explainColumns ? explainColumns(err) : err;
  };
  return { req, db };
}

function jsonRequest(op: string, path: string, o: JsonOptions, db: Database): SqlRequest {
  const formats: Record<string, string> = { auto: 'auto', lines: 'newline_delimited', array: 'array' };
  const format = Object.hasOwn(formats, o.format ?? 'auto') ? formats[o.format ?? 'auto'] : undefined;
  if (format === undefined) throw new TypeError(`${op}: format must be 'auto', 'lines' or 'array', got ${JSON.stringify(o.format)}`);
  const req = request(op, path, `read_json($path, format = '${format}')`, {}, o, db);
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
