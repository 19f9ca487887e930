// DuckDB result chunks into Table columns, vector by vector, without one JavaScript object per row.
// Each result column gets a ColumnReader chosen once from its DuckDB type:
//   integers, floats, decimals, BOOLEAN (0/1)      -> number     (Float64Array, NaN = NULL)
//   DATE, TIMESTAMP[_S|_MS|_NS|TZ]                  -> timestamp  (ms since the epoch)
//   VARCHAR, ENUM                                   -> string     (null = NULL)
//   anything else (LIST, STRUCT, BLOB, TIME, ...)   -> an error naming the column, suggesting a cast
// The fast path views a vector's native memory as a typed array (through @duckdb/node-bindings,
// the package @duckdb/node-api itself is built on); the plain path reads values one by one through
// the public vector API. The plain path is the reference the fast path is tested against, and the
// path for strings and enums.

import type { DuckDBDataChunk, DuckDBResult, DuckDBType, DuckDBValue } from '@duckdb/node-api';
import type { ColumnKind } from '../table.js';
import { DataSourceError } from './errors.js';

/** The few functions of @duckdb/node-bindings the fast path uses. */
export interface RawBindings {
  data_chunk_get_vector(chunk: unknown, column: number): unknown;
  vector_get_data(vector: unknown, byteCount: number): Uint8Array;
  vector_get_validity(vector: unknown, byteCount: number): Uint8Array | null;
}

/** Where values go: a Float64Array for number and timestamp columns, an array for strings. */
export type ColumnOut = Float64Array | (string | null)[];

/** Rows [from, to) of a chunk whose row 0 is row `row0` of the whole result. */
export interface ChunkSlice {
  chunk: DuckDBDataChunk;
  from: number;
  to: number;
  row0: number;
}

/** Copies one result column into a Table column. */
export interface ColumnReader {
  readonly name: string;
  readonly kind: ColumnKind;
  /** The DuckDB type it reads (set by columnReaders). */
  duckType?: string;
  /** Writes the slice's rows of column `col` into `out` from index `at`. */
  read(slice: ChunkSlice, col: number, out: ColumnOut, at: number): void;
}

const MAX_SAFE = Number.MAX_SAFE_INTEGER;
const EXACT = 2 ** 53; // integers up to this magnitude are exact in a double
const TWO_64 = 2 ** 64;
const DAY_MS = 86_400_000;

/**
 * A reader per column of `result`; throws naming the first column whose type a Table cannot hold.
 * `raw` null selects the plain path everywhere.
 *
 * @example
 * const readers = columnReaders(result, raw, 'query'); // result: DuckDBResult of `SELECT 1 AS a`
 * readers[0].kind; // 'number'
 */
export function columnReaders(result: DuckDBResult, raw: RawBindings | null, op: string): ColumnReader[] {
  const names = result.deduplicatedColumnNames();
  return names.map((name, c) => {
    const type = result.columnType(c);
    return { ...readerFor(name, type, raw, op), duckType: type.toString() };
  });
}

function readerFor(name: string, type: DuckDBType, raw: RawBindings | null, op: string): ColumnReader {
  const t = type.toString();
  const fast = raw === null ? null : fastReader(name, t, raw, op);
  if (fast !== null) return fast;
  const kind = kindOf(t);
  if (kind === null) {
    throw new DataSourceError(
      `${op}: column '${name}' has DuckDB type ${t}, which a Table cannot hold; cast it in SQL, e.g. CAST("${name}" AS VARCHAR), or leave it out`,
      { column: name },
    );
  }
  return plainReader(name, kind, t, op);
}

/**
 * The Table kind of a DuckDB type name, or null when a Table cannot hold it.
 * @example kindOf('DECIMAL(18,3)') // 'number'; kindOf('INTEGER[]') // null
 */
export function kindOf(duckType: string): ColumnKind | null {
  if (
    /^(BOOLEAN|TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT|UHUGEINT|FLOAT|DOUBLE|"NULL"|NULL)$/.test(
      duckType,
    )
  )
    return 'number';
  if (/^DECIMAL\(\d+,\d+\)$/.test(duckType)) return 'number';
  if (/^(DATE|TIMESTAMP|TIMESTAMP_S|TIMESTAMP_MS|TIMESTAMP_NS|TIMESTAMP WITH TIME ZONE)$/.test(duckType)) return 'timestamp';
  if (duckType === 'VARCHAR' || duckType.startsWith('ENUM(')) return 'string';
  return null;
}

// ---- the plain path: one value at a time through the public API ----

function plainReader(name: string, kind: ColumnKind, duckType: string, op: string): ColumnReader {
  return {
    name,
    kind,
    read({ chunk, from, to, row0 }, col, out, at) {
      const vec = chunk.getColumnVector(col);
      if (kind === 'string') {
        const o = out as (string | null)[];
        for (let i = from; i < to; i++) o[at + i - from] = vec.getItem(i) as string | null;
        return;
      }
      const o = out as Float64Array;
      for (let i = from; i < to; i++) {
        const v = vec.getItem(i);
        o[at + i - from] = v === null ? Number.NaN : plainNumber(v, duckType, () => overflow(op, name, duckType, String(v), row0 + i));
      }
    },
  };
}

/** A non-null DuckDB value as a number: ms since the epoch for dates and timestamps. */
function plainNumber(v: DuckDBValue, duckType: string, tooBig: () => never): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (typeof v === 'bigint') return v > BigInt(MAX_SAFE) || v < -BigInt(MAX_SAFE) ? tooBig() : Number(v);
  const o = v as unknown as Record<string, unknown>;
  if ('days' in o) return o.isFinite ? (o.days as number) * DAY_MS : Math.sign(o.days as number) * Number.POSITIVE_INFINITY;
  if ('micros' in o) return o.isFinite ? Number(o.micros as bigint) / 1000 : Math.sign(Number(o.micros)) * Number.POSITIVE_INFINITY;
  if ('millis' in o) return Number(o.millis as bigint);
  if ('seconds' in o) return Number(o.seconds as bigint) * 1000;
  if ('nanos' in o) return Number(o.nanos as bigint) / 1e6;
  if ('scale' in o && typeof (o as { toDouble?: unknown }).toDouble === 'function') return (o as { toDouble(): number }).toDouble();
  throw new TypeError(`columns: no number for a ${duckType} value`);
}

function overflow(op: string, name: string, duckType: string, value: string, row: number): never {
  throw new DataSourceError(
    `${op}: column '${name}' holds ${value} (${duckType}) at row ${row}, beyond ±(2^53-1) where numbers lose digits; ` +
      `cast it in SQL: CAST("${name}" AS DOUBLE) to accept rounding, or AS VARCHAR to keep every digit`,
    { column: name, row },
  );
}

// ---- the fast path: typed-array views of the vector's memory ----

type Typed = Int8Array | Uint8Array | Int16Array | Uint16Array | Int32Array | Uint32Array | Float32Array | Float64Array;
type TypedCtor = new (buffer: ArrayBufferLike, byteOffset: number, length: number) => Typed;

const DIRECT: Record<string, [TypedCtor, number]> = {
  BOOLEAN: [Uint8Array, 1],
  TINYINT: [Int8Array, 1],
  SMALLINT: [Int16Array, 2],
  INTEGER: [Int32Array, 4],
  UTINYINT: [Uint8Array, 1],
  USMALLINT: [Uint16Array, 2],
  UINTEGER: [Uint32Array, 4],
  FLOAT: [Float32Array, 4],
  DOUBLE: [Float64Array, 8],
};

/** The fast reader for `duckType`, or null when only the plain path handles it. */
function fastReader(name: string, duckType: string, raw: RawBindings, op: string): ColumnReader | null {
  const direct = DIRECT[duckType];
  if (direct) return directReader(name, 'number', raw, direct[0], direct[1], 1);
  if (duckType === 'DATE') return directReader(name, 'timestamp', raw, Int32Array, 4, 1);
  if (duckType === 'BIGINT' || duckType === 'UBIGINT') return int64Reader(name, 'integer', raw, duckType === 'BIGINT', 1, 1, op, duckType);
  // timestamps as ms: value * mul / div, as the plain path computes them
  const ts: Record<string, [number, number]> = {
    TIMESTAMP: [1, 1000],
    'TIMESTAMP WITH TIME ZONE': [1, 1000],
    TIMESTAMP_S: [1000, 1],
    TIMESTAMP_MS: [1, 1],
    TIMESTAMP_NS: [1, 1e6],
  };
  if (duckType in ts) return int64Reader(name, 'timestamp', raw, true, ts[duckType][0], ts[duckType][1], op, duckType);
  const dec = /^DECIMAL\((\d+),(\d+)\)$/.exec(duckType);
  if (dec) {
    const width = Number(dec[1]);
    const div = 10 ** Number(dec[2]); // DuckDB's DECIMAL -> DOUBLE cast divides the scaled integer so
    if (width <= 4) return directReader(name, 'number', raw, Int16Array, 2, div);
    if (width <= 9) return directReader(name, 'number', raw, Int32Array, 4, div);
    if (width <= 18) return int64Reader(name, 'decimal', raw, true, 1, div, op, duckType);
    return int128Reader(name, 'decimal', raw, true, div, op, duckType);
  }
  if (duckType === 'HUGEINT' || duckType === 'UHUGEINT') return int128Reader(name, 'integer', raw, duckType === 'HUGEINT', 1, op, duckType);
  return null;
}

/** The vector of column `col` as bytes, and its validity bytes (null: all valid). */
function vectorBytes(raw: RawBindings, chunk: DuckDBDataChunk, col: number, width: number): [Uint8Array, Uint8Array | null] {
  const n = chunk.rowCount;
  const vec = raw.data_chunk_get_vector(chunk.chunk, col);
  let data = raw.vector_get_data(vec, n * width);
  if (data.byteOffset % width !== 0) data = data.slice(); // typed views need aligned offsets
  return [data, raw.vector_get_validity(vec, Math.ceil(n / 64) * 8)];
}

/** Fixed-width values divided by `div` (a decimal's scale); DATE (days) when `kind` is timestamp. */
function directReader(name: string, kind: ColumnKind, raw: RawBindings, Ctor: TypedCtor, width: number, div: number): ColumnReader {
  return {
    name,
    kind,
    read({ chunk, from, to }, col, out, at) {
      const o = out as Float64Array;
      const [data, valid] = vectorBytes(raw, chunk, col, width);
      const src = new Ctor(data.buffer, data.byteOffset, chunk.rowCount);
      if (Ctor === Float64Array) o.set(src.subarray(from, to), at);
      else if (kind === 'timestamp') for (let i = from; i < to; i++) o[at + i - from] = dateMs(src[i]);
      else if (div === 1) for (let i = from; i < to; i++) o[at + i - from] = src[i];
      else for (let i = from; i < to; i++) o[at + i - from] = src[i] / div;
      if (valid !== null) markMissing(valid, from, to, o, at);
    },
  };
}

function dateMs(days: number): number {
  // DuckDB stores infinity dates as ±(2^31 - 1) days
  return days === 2147483647 ? Number.POSITIVE_INFINITY : days === -2147483647 ? Number.NEGATIVE_INFINITY : days * DAY_MS;
}

/**
 * 64-bit integers read as two 32-bit halves (no BigInt per value), as value * mul / div:
 * BIGINT and UBIGINT ('integer', checked against 2^53), timestamps, DECIMAL(<=18).
 */
function int64Reader(
  name: string,
  mode: 'integer' | 'timestamp' | 'decimal',
  raw: RawBindings,
  signed: boolean,
  mul: number,
  div: number,
  op: string,
  duckType: string,
): ColumnReader {
  return {
    name,
    kind: mode === 'timestamp' ? 'timestamp' : 'number',
    read({ chunk, from, to, row0 }, col, out, at) {
      const o = out as Float64Array;
      const [data, valid] = vectorBytes(raw, chunk, col, 8);
      const w = new Int32Array(data.buffer, data.byteOffset, chunk.rowCount * 2);
      for (let i = from; i < to; i++) {
        if (valid !== null && isNull(valid, i)) {
          o[at + i - from] = Number.NaN;
          continue;
        }
        const lo = w[2 * i] >>> 0;
        const hi = signed ? w[2 * i + 1] : w[2 * i + 1] >>> 0;
        const v = hi * 4294967296 + lo;
        if (mode === 'integer' && (v > MAX_SAFE || v < -MAX_SAFE)) {
          const exact = (BigInt(hi) << 32n) | BigInt(lo);
          overflow(op, name, duckType, String(signed ? BigInt.asIntN(64, exact) : BigInt.asUintN(64, exact)), row0 + i);
        }
        if (mode === 'timestamp' && hi === 2147483647 && lo === 4294967295) o[at + i - from] = Number.POSITIVE_INFINITY;
        else if (mode === 'timestamp' && hi === -2147483648 && lo === 1) o[at + i - from] = Number.NEGATIVE_INFINITY;
        else if (mode === 'decimal' && Math.abs(v) > EXACT)
          o[at + i - from] = bigDecimal(BigInt.asIntN(64, (BigInt(hi) << 32n) | BigInt(lo)), div);
        else o[at + i - from] = (v * mul) / div;
      }
    },
  };
}

/**
 * 128-bit integers from four 32-bit words, converted as DuckDB's own cast does (lower + upper * 2^64,
 * with its special case for upper = -1) and divided by `div`: HUGEINT and UHUGEINT ('integer',
 * checked against 2^53) and DECIMAL(>18), which DuckDB's decimal arithmetic produces.
 */
function int128Reader(
  name: string,
  mode: 'integer' | 'decimal',
  raw: RawBindings,
  signed: boolean,
  div: number,
  op: string,
  duckType: string,
): ColumnReader {
  return {
    name,
    kind: 'number',
    read({ chunk, from, to, row0 }, col, out, at) {
      const o = out as Float64Array;
      const [data, valid] = vectorBytes(raw, chunk, col, 16);
      const w = new Int32Array(data.buffer, data.byteOffset, chunk.rowCount * 4);
      for (let i = from; i < to; i++) {
        if (valid !== null && isNull(valid, i)) {
          o[at + i - from] = Number.NaN;
          continue;
        }
        const w0 = w[4 * i] >>> 0;
        const w1 = w[4 * i + 1] >>> 0;
        const w2 = w[4 * i + 2] >>> 0;
        const w3 = signed ? w[4 * i + 3] : w[4 * i + 3] >>> 0;
        let v: number;
        if (signed && w3 === -1 && w2 === 4294967295) v = -((~w1 >>> 0) * 4294967296 + (~w0 >>> 0)) - 1;
        else v = w1 * 4294967296 + w0 + (w3 * 4294967296 + w2) * TWO_64;
        if (mode === 'integer' && (v > MAX_SAFE || v < -MAX_SAFE))
          overflow(op, name, duckType, String(int128(w0, w1, w2, w3, signed)), row0 + i);
        o[at + i - from] = div === 1 || Math.abs(v) <= EXACT ? v / div : bigDecimal(int128(w0, w1, w2, w3, signed), div);
      }
    },
  };
}

function int128(w0: number, w1: number, w2: number, w3: number, signed: boolean): bigint {
  const exact = [w3, w2, w1, w0].reduce((a, x) => (a << 32n) | BigInt(x >>> 0), 0n);
  return signed ? BigInt.asIntN(128, exact) : exact;
}

/**
 * A decimal's scaled integer `x` over `div` = 10^scale, when `x` is too large for a double to hold
 * exactly: integer part plus fraction, each rounded once, as DuckDB's DECIMAL -> DOUBLE cast does.
 */
function bigDecimal(x: bigint, div: number): number {
  const p = BigInt(div);
  return Number(x / p) + Number(x % p) / div;
}

/** Whether DuckDB's validity bitmask (bit i of byte i/8, little-endian words) marks row i NULL. */
function isNull(valid: Uint8Array, i: number): boolean {
  return ((valid[i >> 3] >> (i & 7)) & 1) === 0;
}

/** Sets NaN where the validity bitmask marks NULL. */
function markMissing(valid: Uint8Array, from: number, to: number, out: Float64Array, at: number): void {
  for (let i = from; i < to; i++) if (isNull(valid, i)) out[at + i - from] = Number.NaN;
}
