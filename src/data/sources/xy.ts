// loadXY: a file straight to the (features, target) tensors a model trains on, keeping the Table
// for inspection. The format follows the file's extension.

import type { Tensor } from '../../core/tensor.js';
import type { Table } from '../table.js';
import { DataSourceError } from './errors.js';
import { type CsvOptions, type JsonOptions, readCsv, readJson, readParquet } from './readers.js';

/** Options of `loadXY`: the reader's options plus which columns are the target and the features. */
export interface LoadXYOptions extends CsvOptions, JsonOptions {
  /** The target column (or columns). */
  target: string | readonly string[];
  /** The feature columns, in order. Default: every column but the target. */
  features?: readonly string[];
}

/** What `loadXY` returns. */
export interface XY {
  /** Features, float32 (N, F). */
  x: Tensor;
  /** Target, float32 (N, T): T = 1 for one target column. */
  y: Tensor;
  /** The rows read, every column. */
  table: Table;
}

/**
 * Reads a CSV, Parquet or JSON file (by extension) and splits it into feature and target tensors.
 * Every feature and the target must be number (or timestamp) columns without missing values:
 * encode strings and impute or drop missing values first, or select the columns you need.
 *
 * @example
 * const { x, y } = await loadXY('housing.csv', { target: 'price' });
 * x.shape; // [N, F]
 * y.shape; // [N, 1]
 */
export async function loadXY(path: string, options: LoadXYOptions): Promise<XY> {
  const { target, features, ...readOptions } = options;
  const targets = typeof target === 'string' ? [target] : [...(target ?? [])];
  if (targets.length === 0) throw new TypeError("loadXY: options.target must name the target column, e.g. { target: 'label' }");
  const table = await readByExtension(path, readOptions);
  for (const t of targets) table.column(t); // throws naming the available columns
  const xNames = features ?? table.columnNames.filter((c) => !targets.includes(c));
  return { x: table.toTensor(xNames), y: table.toTensor(targets), table };
}

function readByExtension(path: string, options: CsvOptions & JsonOptions): Promise<Table> {
  const ext = /\.([a-z0-9]+)(\.(gz|zst))?$/i.exec(path)?.[1]?.toLowerCase();
  if (ext === 'csv' || ext === 'txt') return readCsv(path, options);
  if (ext === 'tsv') return readCsv(path, { delimiter: '\t', ...options });
  if (ext === 'parquet') return readParquet(path, options);
  if (ext === 'json' || ext === 'jsonl' || ext === 'ndjson') return readJson(path, options);
  throw new DataSourceError(`loadXY: cannot tell the format of '${path}'; expected .csv, .tsv, .parquet, .json, .jsonl or .ndjson`, {
    file: path,
  });
}
