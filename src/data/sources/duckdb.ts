// DuckDB as tessera's data engine (Node.js only): SQL over CSV, Parquet and JSON files into Tables.
// @duckdb/node-api is imported on first use, never at import time, so importing tessera in a browser
// never pulls it. A Database wraps one DuckDB instance and one connection (queries on it run one at
// a time); each streaming scan gets a connection of its own. The module-level functions share one
// lazily created in-memory Database.

import { isNode } from '../../io/node.js';
import type { Table } from '../table.js';
import { TableBuilder } from './builder.js';
import { columnReaders, type RawBindings } from './columns.js';
import { DataSourceError, type ErrorContext, translateDuckDBError } from './errors.js';

type Api = typeof import('@duckdb/node-api');
type Connection = import('@duckdb/node-api').DuckDBConnection;
type Instance = import('@duckdb/node-api').DuckDBInstance;
type DuckValue = import('@duckdb/node-api').DuckDBValue;

/** A value bound to a `?`, `$1` or `$name` parameter. Dates bind as TIMESTAMP. */
export type SqlValue = number | string | boolean | bigint | Date | null;
/** Positional (`?`, `$1`) or named (`$name`) parameters. */
export type QueryParams = readonly SqlValue[] | Readonly<Record<string, SqlValue>>;

/** Options of `query` and `Database.query`. */
export interface QueryOptions {
  /** Values for the SQL's parameters; always prefer these to pasting values into the SQL. */
  params?: QueryParams;
  /** The database to run on. Default: a shared in-memory database. (Module-level functions only.) */
  database?: Database;
}

/** Options of the streaming scans. */
export interface ScanOptions {
  /** Rows per Table yielded (the last may be shorter). Default 65536. */
  batchSize?: number;
}

/** One SQL statement to run and how to explain its failure (built by the file readers). */
export interface SqlRequest {
  op: string;
  sql: string;
  params?: QueryParams;
  context?: Omit<ErrorContext, 'op'>;
  /** Turns DuckDB's error into a more helpful one; runs after the connection is released. */
  explain?: (e: DataSourceError) => Promise<Error>;
}

interface Engine {
  api: Api;
  raw: RawBindings | null;
}

let engine: Promise<Engine> | null = null;

/**
 * Throws, outside Node.js, the error every DuckDB-backed function gives there (in a browser).
 * @example needsNode('readCsv'); // then read the file with DuckDB
 */
export function needsNode(op: string): void {
  if (!isNode()) {
    throw new Error(
      `${op} needs Node.js (DuckDB); in the browser, build a Table from arrays with Table.fromColumns({ name: [...], ... }) ` +
        '(fetch the file and parse it yourself)',
    );
  }
}

/** @duckdb/node-api, loaded on first use, with the native bindings the fast conversion path reads. */
async function loadEngine(op: string): Promise<Engine> {
  needsNode(op);
  engine ??= (async () => {
    let api: Api;
    try {
      api = await import('@duckdb/node-api');
    } catch (e) {
      engine = null;
      throw new Error(`${op}: cannot load @duckdb/node-api (${(e as Error).message}); install it: npm install @duckdb/node-api`);
    }
    return { api, raw: await loadRawBindings() };
  })();
  return engine;
}

/** @duckdb/node-bindings as @duckdb/node-api resolves it (the same native module), or null. */
async function loadRawBindings(): Promise<RawBindings | null> {
  try {
    const { createRequire } = await import('node:module');
    const apiMain = createRequire(import.meta.url).resolve('@duckdb/node-api');
    const raw = createRequire(apiMain)('@duckdb/node-bindings') as RawBindings;
    const littleEndian = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
    return littleEndian && typeof raw.vector_get_data === 'function' ? raw : null;
  } catch {
    return null; // the plain path reads everything through @duckdb/node-api
  }
}

/** Options of `openDatabase`. */
export interface DatabaseOptions {
  /** Open an existing file read-only (several processes may then share it). Default false. */
  readOnly?: boolean;
  /** Threads DuckDB may use. Default: all cores. */
  threads?: number;
}

/**
 * A DuckDB database: in memory (the default) or a file that persists tables between runs.
 *
 * @example
 * const db = await openDatabase('shop.duckdb');
 * await db.query("CREATE TABLE IF NOT EXISTS sales AS SELECT * FROM read_csv('sales.csv')");
 * const t = await db.query('SELECT region, sum(amount) AS total FROM sales WHERE year = ? GROUP BY region', { params: [2024] });
 * db.close();
 */
export class Database {
  private lock: Promise<unknown> = Promise.resolve();
  private closed = false;

  private constructor(
    /** The file, or ':memory:'. */
    readonly path: string,
    private readonly engine: Engine,
    private readonly instance: Instance,
    private readonly conn: Connection,
  ) {}

  /** Opens (or creates) the database at `path`; see `openDatabase`. */
  static async open(path = ':memory:', options: DatabaseOptions = {}): Promise<Database> {
    const eng = await loadEngine('openDatabase');
    const config: Record<string, string> = {};
    if (options.readOnly) config.access_mode = 'READ_ONLY';
    if (options.threads !== undefined) config.threads = String(options.threads);
    try {
      const instance = await eng.api.DuckDBInstance.create(path, config);
      return new Database(path, eng, instance, await instance.connect());
    } catch (e) {
      throw translateDuckDBError(e, { op: 'openDatabase', file: path });
    }
  }

  /**
   * Runs `sql` (statements separated by `;` run in order; the last one's rows are returned).
   *
   * @example
   * await db.query('SELECT * FROM read_csv(?) WHERE price > ?', { params: ['items.csv', 10] }); // Table
   */
  query(sql: string, options: Omit<QueryOptions, 'database'> = {}): Promise<Table> {
    checkSql('query', sql);
    return this.execute({ op: 'query', sql, params: options.params });
  }

  /**
   * Streams the rows of `sql` as Tables of `batchSize` rows, pulling DuckDB's result chunk by chunk,
   * so results larger than memory can be processed. Runs on a connection of its own: it sees this
   * database's tables, but not TEMP tables created through `query`.
   *
   * @example
   * for await (const batch of db.scan('SELECT * FROM big', { batchSize: 10_000 })) train(batch.toTensor());
   */
  scan(sql: string, options: ScanOptions & Pick<QueryOptions, 'params'> = {}): AsyncIterable<Table> {
    checkSql('scan', sql);
    return this.stream({ op: 'scan', sql, params: options.params }, options.batchSize);
  }

  /** Closes the connection and the database; later calls throw. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.conn.closeSync();
    this.instance.closeSync();
  }

  /** Runs a request on the main connection and converts its whole result. @internal (used by the file readers) */
  async execute(req: SqlRequest): Promise<Table> {
    this.assertOpen(req.op);
    try {
      return await this.exclusive(async () => {
        // streamed, not materialized: DuckDB then holds a few chunks, not a second copy of the result
        const result = await this.conn.stream(req.sql, this.bind(req.params));
        const builder = new TableBuilder(columnReaders(result, this.engine.raw, req.op), 65536);
        for (let chunk = await result.fetchChunk(); chunk !== null && chunk.rowCount > 0; chunk = await result.fetchChunk()) {
          builder.append(chunk, 0, chunk.rowCount);
        }
        return builder.toTable();
      });
    } catch (e) {
      throw await this.explain(e, req);
    }
  }

  /** Streams a request's result in batches on a connection of its own. @internal (used by the file readers) */
  async *stream(req: SqlRequest, batchSize = 65536): AsyncGenerator<Table> {
    if (!Number.isInteger(batchSize) || batchSize < 1)
      throw new RangeError(`${req.op}: batchSize must be a positive integer, got ${batchSize}`);
    this.assertOpen(req.op);
    const conn = await this.instance.connect();
    try {
      const result = await conn.stream(req.sql, this.bind(req.params));
      const readers = columnReaders(result, this.engine.raw, req.op);
      let done = 0; // rows yielded so far
      let batch = new TableBuilder(readers, batchSize);
      for (let chunk = await result.fetchChunk(); chunk !== null && chunk.rowCount > 0; chunk = await result.fetchChunk()) {
        const row0 = done + batch.length;
        for (let from = 0; from < chunk.rowCount; ) {
          const to = Math.min(chunk.rowCount, from + batchSize - batch.length);
          batch.append(chunk, from, to, row0);
          from = to;
          if (batch.length === batchSize) {
            yield batch.toTable();
            done += batchSize;
            batch = new TableBuilder(readers, batchSize, done);
          }
        }
      }
      if (batch.length > 0) yield batch.toTable();
    } catch (e) {
      throw await this.explain(e, req);
    } finally {
      conn.closeSync();
    }
  }

  private async explain(e: unknown, req: SqlRequest): Promise<Error> {
    const err = translateDuckDBError(e, { op: req.op, ...req.context });
    return req.explain ? req.explain(err) : err;
  }

  private bind(params: QueryParams | undefined): DuckValue[] | Record<string, DuckValue> | undefined {
    if (params === undefined) return undefined;
    const { timestampValue } = this.engine.api;
    const one = (v: SqlValue): DuckValue => (v instanceof Date ? timestampValue(BigInt(v.getTime()) * 1000n) : v);
    if (Array.isArray(params)) return params.map(one);
    return Object.fromEntries(Object.entries(params).map(([k, v]) => [k, one(v)]));
  }

  private exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.lock.then(fn, fn);
    this.lock = run.catch(() => undefined);
    return run;
  }

  private assertOpen(op: string): void {
    if (this.closed) throw new DataSourceError(`${op}: the database ${this.path} is closed; open it again with openDatabase`);
  }
}

function checkSql(op: string, sql: unknown): void {
  if (typeof sql !== 'string' || sql.trim() === '') {
    throw new TypeError(`${op}: sql must be a SQL statement, such as "SELECT * FROM read_csv('data.csv')", got ${JSON.stringify(sql)}`);
  }
}

/**
 * Opens a DuckDB database: `':memory:'` (the default) or a file, created when missing.
 *
 * @example
 * const db = await openDatabase();               // in memory
 * const t = await db.query('SELECT 42 AS answer'); // Table { answer: [42] }
 */
export function openDatabase(path = ':memory:', options: DatabaseOptions = {}): Promise<Database> {
  return Database.open(path, options);
}

let shared: Promise<Database> | null = null;

/**
 * The in-memory Database the module-level functions share, created on first use.
 * @example const db = await sharedDatabase(); await db.query('CREATE TABLE t AS SELECT 1 AS a');
 */
export function sharedDatabase(): Promise<Database> {
  shared ??= Database.open().catch((e) => {
    shared = null;
    throw e;
  });
  return shared;
}

/**
 * Runs SQL on the shared in-memory database (or `options.database`) and returns the rows as a Table.
 * SQL can read files directly: `read_csv('a.csv')`, `read_parquet('b/*.parquet')`, `read_json('c.jsonl')`.
 *
 * @example
 * const t = await query(
 *   "SELECT u.country, avg(o.amount) AS mean FROM read_csv('orders.csv') o JOIN read_csv('users.csv') u USING (user_id) WHERE o.year = $year GROUP BY 1",
 *   { params: { year: 2024 } },
 * ); // Table with columns country (string), mean (number)
 */
export async function query(sql: string, options: QueryOptions = {}): Promise<Table> {
  needsNode('query');
  const db = options.database ?? (await sharedDatabase());
  return db.query(sql, { params: options.params });
}

/**
 * Streams the rows of SQL as Tables of `batchSize` rows (see `Database.scan`).
 *
 * @example
 * for await (const batch of scanQuery("SELECT * FROM read_parquet('big/*.parquet')", { batchSize: 50_000 })) {
 *   const x = batch.toTensor(); // (<=50000, columns)
 * }
 */
export async function* scanQuery(sql: string, options: ScanOptions & QueryOptions = {}): AsyncGenerator<Table> {
  needsNode('scanQuery');
  const db = options.database ?? (await sharedDatabase());
  yield* db.scan(sql, options);
}
