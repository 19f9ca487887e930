// TableBuilder: fills Table columns from DuckDB result chunks, growing its arrays as rows arrive
// (or sized once when the row count is known), and hands out full batches for streaming reads.

import type { DuckDBDataChunk } from '@duckdb/node-api';
import { type Column, Table } from '../table.js';

const SOURCE_TYPES = new WeakMap<Table, Record<string, string>>();

/**
 * The DuckDB type of each column of a Table read through DuckDB (e.g. BOOLEAN for a number column
 * of 0 and 1), by name; {} for other tables.
 * @example sourceTypesOf(await query('SELECT true AS b')) // { b: 'BOOLEAN' }
 */
export function sourceTypesOf(table: Table): Record<string, string> {
  return SOURCE_TYPES.get(table) ?? {};
}

import type { ColumnOut, ColumnReader } from './columns.js';

/**
 * Rows appended chunk by chunk into one column array per reader; `toTable` hands them out.
 *
 * @example
 * const b = new TableBuilder(readers, 4096);
 * for await (const chunk of result) b.append(chunk, 0, chunk.rowCount);
 * const table = b.toTable(); // numRows = rows appended
 */
export class TableBuilder {
  private cols: ColumnOut[];
  private capacity: number;
  /** Rows appended so far. */
  length = 0;
  /** Rows of the whole result before this builder's first row (for error messages). */
  private rowsBefore: number;

  constructor(
    private readonly readers: readonly ColumnReader[],
    capacity: number,
    rowsBefore = 0,
  ) {
    this.capacity = Math.max(1, capacity);
    this.rowsBefore = rowsBefore;
    this.cols = readers.map((r) => alloc(r, this.capacity));
  }

  /** Appends rows [from, to) of `chunk`, whose row 0 is row `chunkRow0` of the whole result. */
  append(chunk: DuckDBDataChunk, from: number, to: number, chunkRow0 = this.rowsBefore + this.length - from): void {
    const n = to - from;
    if (this.length + n > this.capacity) this.grow(Math.max(this.length + n, this.capacity * 2));
    const slice = { chunk, from, to, row0: chunkRow0 };
    for (let c = 0; c < this.readers.length; c++) this.readers[c].read(slice, c, this.cols[c], this.length);
    this.length += n;
  }

  /** The rows appended so far as a Table; arrays are trimmed by a copy only when over 1/8 is unused. */
  toTable(): Table {
    const n = this.length;
    const columns = new Map<string, Column>();
    this.readers.forEach((r, c) => {
      const v = this.cols[c];
      if (r.kind === 'string') {
        const s = v as (string | null)[];
        s.length = n;
        columns.set(r.name, { kind: 'string', values: s });
      } else {
        const f = v as Float64Array;
        columns.set(r.name, { kind: r.kind, values: f.length > n * 1.125 ? f.slice(0, n) : f.subarray(0, n) });
      }
    });
    const table = Table.fromColumns(columns);
    SOURCE_TYPES.set(table, Object.fromEntries(this.readers.map((r) => [r.name, r.duckType ?? ''])));
    return table;
  }

  private grow(capacity: number): void {
    this.cols = this.cols.map((v, c) => {
      if (this.readers[c].kind === 'string') return v;
      const out = new Float64Array(capacity);
      out.set((v as Float64Array).subarray(0, this.length));
      return out;
    });
    this.capacity = capacity;
  }
}

function alloc(r: ColumnReader, n: number): ColumnOut {
  return r.kind === 'string' ? new Array<string | null>(n).fill(null) : new Float64Array(n);
}
