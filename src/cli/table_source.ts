// Tables as the CLI reads them: CSV, Parquet and JSON files and SQL queries through DuckDB (loaded
// on first use), named in configs as { source, path | query } and on the command line as a file
// name or `sql:<query>`; and raw rows checked and converted to the columns a model was trained on.

import type { BadValues, OnBadValue, ValueType } from '../data/sources/typing.js';
import type { Column, ColumnKind, Table } from '../data/table.js';
import { suggestion } from './check.js';

export const TABLE_KINDS = ['csv', 'parquet', 'json', 'sql'] as const;

/** A file read by DuckDB (by its format), or the rows of a SQL query (which may read files: read_csv('a.csv')). */
export type TableSource = { kind: 'csv' | 'parquet' | 'json'; path: string } | { kind: 'sql'; query: string };

/** Whether `source` is a tabular one. */
export function isTableSource(source: { kind: string }): source is TableSource {
  return (TABLE_KINDS as readonly string[]).includes(source.kind);
}

/** The path, or `sql:<query>`, for messages (and as `--data` reads it back). */
export function tableSourceToString(source: TableSource): string {
  return source.kind === 'sql' ? `sql:${source.query}` : source.path;
}

/**
 * The source a file name stands for, by its extension (.csv, .tsv, .parquet, .json, .jsonl,
 * .ndjson, optionally .gz), or `sql:<query>`; undefined otherwise.
 * @example tableSourceFromString('rows.parquet') // { kind: 'parquet', path: 'rows.parquet' }
 */
export function tableSourceFromString(text: string): TableSource | undefined {
  if (text.startsWith('sql:')) return { kind: 'sql', query: text.slice(4) };
  const ext = /\.([a-z]+)(\.gz)?$/i.exec(text)?.[1]?.toLowerCase();
  if (ext === 'csv' || ext === 'tsv') return { kind: 'csv', path: text };
  if (ext === 'parquet') return { kind: 'parquet', path: text };
  if (ext === 'json' || ext === 'jsonl' || ext === 'ndjson') return { kind: 'json', path: text };
  return undefined;
}

/**
 * Reads a source into a Table (DuckDB is loaded on first use). With `labels`, that column (when
 * present) is read as text, so that class labels keep their names: DuckDB would read a CSV
 * column of yes/no as booleans (0/1).
 */
export async function readTableSource(source: TableSource, labels?: string, options: ReadTableOptions = {}): Promise<Table> {
  const read = async (types?: Record<string, ValueType>, limit?: number) => {
    const sources = await import('../data/sources/readers.js');
    if (source.kind === 'sql') return (await import('../data/sources/duckdb.js')).query(source.query);
    const o = { ...options, types, ...(limit === undefined ? {} : { limit }) };
    if (source.kind === 'parquet') return sources.readParquet(source.path, o);
    if (source.kind === 'json') return sources.readJson(source.path, o);
    return sources.readCsv(source.path, { ...o, ...(/\.tsv(\.gz)?$/i.test(source.path) ? { delimiter: '\t' } : {}) });
  };
  if (source.kind === 'sql') return read();
  // the columns first (no rows, so no bad values): types that name columns the source lacks are left to
  // the callers' checks, which name the config field; class labels are read as text
  const columns = await read(undefined, 0);
  const asked: Record<string, ValueType> = {};
  for (const c of options.unused?.(columns.columnNames) ?? []) asked[c] = 'string'; // no type rule for columns no model reads
  for (const [c, t] of Object.entries(options.types ?? {})) if (columns.has(c)) asked[c] = t;
  if (labels !== undefined && columns.has(labels)) asked[labels] = 'string';
  return read(asked);
}

/** How a source's text becomes typed columns (see data/sources/typing.ts). */
export interface ReadTableOptions {
  types?: Readonly<Record<string, ValueType>>;
  onBadValue?: OnBadValue;
  nullValues?: readonly string[];
  onBadValues?: (bad: BadValues) => void;
  typesFrom?: string;
  /** The columns no model reads (dropped, or not among the features), given the source's columns: read as text, never refused. */
  unused?: (columns: string[]) => string[];
}

/**
 * `table` with the columns and kinds a model was trained on: each column of `kinds` must exist (an
 * error names the missing ones); a number column read as strings (e.g. all empty) or the reverse is
 * converted, and values that do not convert are an error naming the column and row.
 */
export function conformRows(table: Table, kinds: Readonly<Record<string, ColumnKind>>, origin: string): Table {
  const missing = Object.keys(kinds).filter((c) => !table.has(c));
  if (missing.length > 0) {
    const list = missing.map((c) => `"${c}"`).join(', ');
    throw new Error(
      `${origin} has no column${missing.length === 1 ? '' : 's'} ${list}${missing.length === 1 ? suggestion(missing[0], table.columnNames) : ''}, which the model needs (its input columns: ${Object.keys(kinds).join(', ')}; ${origin} has: ${table.columnNames.join(', ')})`,
    );
  }
  let out = table;
  for (const [name, kind] of Object.entries(kinds)) {
    const col = table.column(name);
    if (col.kind !== kind) out = out.withColumn(name, convertColumn(col, kind, name, origin, table));
  }
  return out;
}

function convertColumn(col: Column, kind: ColumnKind, name: string, origin: string, table: Table): Column {
  const n = col.values.length;
  const rowOf = (i: number) => (table.rowOrigin?.lines != null ? `line ${table.rowOrigin.lines[i]}` : `data row ${i + 1}`);
  if (kind === 'string') {
    if (col.kind === 'timestamp') throw new Error(`${origin}: column "${name}" holds timestamps, but the model was trained on text there`);
    return { kind: 'string', values: Array.from(col.values as Float64Array, (v) => (Number.isNaN(v) ? null : String(v))) };
  }
  if (col.kind !== 'string') throw new Error(`${origin}: column "${name}" holds ${col.kind}s, but the model was trained on ${kind}s there`);
  const values = new Float64Array(n);
  col.values.forEach((v, i) => {
    const text = v?.trim() ?? '';
    const x = text === '' ? Number.NaN : kind === 'number' ? Number(text) : Date.parse(text);
    if (text !== '' && !Number.isFinite(x))
      throw new Error(`${origin}: column "${name}" holds ${JSON.stringify(v)} at ${rowOf(i)}, but the model was trained on ${kind}s there`);
    values[i] = x;
  });
  return { kind, values };
}
