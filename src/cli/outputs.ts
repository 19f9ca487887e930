// From a saved model's outputs to what people read: class probabilities (softmax of scores, or as
// the last layer left them), and, for models trained on tables, raw rows read from a file or a SQL
// query, checked against the columns the model was trained on and run through its saved pipeline.

import { stat } from 'node:fs/promises';
import { ColumnTransformer } from '../data/preprocess/column_transformer.js';
import { OneHotEncoder } from '../data/preprocess/one_hot_encoder.js';
import { OrdinalEncoder } from '../data/preprocess/ordinal_encoder.js';
import { Pipeline } from '../data/preprocess/pipeline.js';
import type { Transformer } from '../data/preprocess/transformer.js';
import type { Table } from '../data/table.js';
import type { Module } from '../nn/module.js';
import { UsageError } from './errors.js';
import type { SavedModel } from './saved.js';
import { conformRows, readTableSource, tableSourceFromString, tableSourceToString } from './table_source.js';
import { readOptions, rowName, type Task } from './tabular.js';

/** The class name of the model's last leaf layer ('' when none), which tells what its outputs are. */
export function lastLayer(model: Module): string {
  return (
    model
      .modules()
      .filter((m) => m.children().length === 0)
      .at(-1)?.constructor.name ?? ''
  );
}

/** Probabilities from one output row: softmax of scores; kept when the model ends in Softmax, exp'd after LogSoftmax. */
export function probabilities(row: Float32Array, lastLayerName: string): number[] {
  if (row.length === 1) {
    const p = lastLayerName === 'Sigmoid' ? row[0] : 1 / (1 + Math.exp(-row[0]));
    return [1 - p, p];
  }
  if (lastLayerName === 'Softmax') return [...row];
  if (lastLayerName === 'LogSoftmax') return [...row].map(Math.exp);
  const max = Math.max(...row);
  const exps = [...row].map((v) => Math.exp(v - max));
  const total = exps.reduce((a, b) => a + b, 0);
  return exps.map((e) => e / total);
}

/** Class probabilities (N, K) row-major from outputs (N, width): K = width, or 2 for one binary score. */
export function classProbabilities(
  values: Float32Array,
  width: number,
  lastLayerName: string,
): { proba: Float64Array; numClasses: number } {
  const n = values.length / width;
  const k = width === 1 ? 2 : width;
  const proba = new Float64Array(n * k);
  for (let i = 0; i < n; i++) proba.set(probabilities(values.subarray(i * width, (i + 1) * width), lastLayerName), i * k);
  return { proba, numClasses: k };
}

/** A tabular model's task: from its metadata, else from its outputs (one value per row: regression). */
export function taskOf(saved: SavedModel, width: number): Task {
  return saved.tabular?.task ?? (width > 1 ? 'classification' : 'regression');
}

/**
 * Raw rows for a tabular model: `input` is a .csv/.tsv/.parquet/.json/.jsonl file or `sql:<query>`.
 * The columns the model was trained on must be there (an error names any that is not); others are
 * kept (ids, the target) and ignored by the pipeline.
 */
export async function readModelRows(saved: SavedModel, input: string, command: string): Promise<{ table: Table; origin: string }> {
  const source = tableSourceFromString(input);
  if (source === undefined) {
    throw new UsageError(
      `${saved.dir} was trained on a table; expected rows as a .csv, .tsv, .parquet, .json or .jsonl file or sql:<query>, got ${JSON.stringify(input)}`,
      command,
    );
  }
  if (source.kind !== 'sql' && !/[*?[]/.test(source.path) && (await stat(source.path).catch(() => null)) === null) {
    throw new UsageError(`input file not found: ${source.path}`, command);
  }
  const origin = tableSourceToString(source);
  const labels = saved.tabular?.task !== 'regression' ? (saved.tabular?.target ?? undefined) : undefined;
  // the columns are read with the types they had at training: a value that does not fit is an error
  // naming its line (or, where the training config said onBadValue: missing, a reported missing value)
  const tab = saved.tabular;
  const say = (note: string) => process.stderr.write(`tessera ${command}: note: ${note}\n`);
  const options =
    tab === null
      ? {}
      : {
          ...readOptions({ ...tab.read, ...(tab.inputTypes === null ? {} : { types: tab.inputTypes }) }, say),
          typesFrom: 'the model was trained on',
        };
  // columns the model does not read (ids, notes) are read as text: a stray word there stops nothing
  const inputs = tab === null ? null : Object.keys(tab.inputColumns);
  const unused = (columns: string[]) => (inputs === null ? [] : columns.filter((c) => !inputs.includes(c) && c !== tab?.target));
  const table = await readTableSource(source, labels, { ...options, unused });
  if (table.numRows === 0)
    throw new UsageError(
      `${origin} has no data rows (only a header, or nothing); give rows to ${command === 'predict' ? 'predict' : 'evaluate on'}`,
      command,
    );
  const rows = conformRows(table, saved.tabular?.inputColumns ?? {}, origin);
  if (saved.preprocessing !== null) for (const note of unseenCategories(saved.preprocessing, rows, origin)) say(note);
  return { table: rows, origin };
}

/**
 * Notes on the values of `rows` that an encoder of `pipeline` never saw in training and encodes as
 * unknown without an error (OneHotEncoder handleUnknown ignore or infrequent, OrdinalEncoder
 * useEncodedValue): numbers in a text column, a new city. One note per column, with the count and
 * the first line.
 *
 * @example unseenCategories(saved.preprocessing, rows, 'new.csv') // ["new.csv: column 'city': 1 value not seen in training ..."]
 */
export function unseenCategories(pipeline: Transformer, rows: Table, origin: string): string[] {
  const notes: string[] = [];
  const visit = (t: Transformer | string) => {
    if (typeof t === 'string') return;
    if (t instanceof Pipeline) for (const s of t.steps) visit(s.transformer);
    else if (t instanceof ColumnTransformer) for (const e of t.entries) visit(e.transformer);
    else if ((t instanceof OneHotEncoder || t instanceof OrdinalEncoder) && t.isFitted && t.handleUnknown !== 'error') {
      const policy = t instanceof OneHotEncoder ? `OneHotEncoder handleUnknown: ${t.handleUnknown}` : 'OrdinalEncoder unknownValue';
      t.columns.forEach((name, j) => {
        if (!rows.has(name)) return;
        const col = rows.column(name);
        const known = new Set(t.categories[j]);
        const unseen: number[] = [];
        for (let i = 0; i < rows.numRows; i++) {
          const v = col.values[i];
          if (v === null || (typeof v === 'number' && Number.isNaN(v))) continue;
          if (!known.has(v)) unseen.push(i);
        }
        if (unseen.length === 0) return;
        const n = unseen.length;
        notes.push(
          `${origin}: column '${name}': ${n} value${n === 1 ? '' : 's'} not seen in training, encoded as unknown (${policy}; first: ${rowName(rows, unseen[0])}: ${JSON.stringify(col.values[unseen[0]])})`,
        );
      });
    }
  };
  visit(pipeline);
  return notes;
}

/** The model's outputs (N, width) for raw rows, through its saved pipeline. */
export async function tableOutputs(saved: SavedModel, table: Table): Promise<{ values: Float32Array; width: number }> {
  const { predictTable } = await import('../train/model_saving.js');
  const out = predictTable({ model: saved.model, preprocessing: saved.preprocessing }, table); // (N, width)
  if (out.ndim !== 2) throw new Error(`expected the model to output (N, values), got shape [${out.shape.join(', ')}]`);
  return { values: (await out.to('float32').data()) as Float32Array, width: out.shape[1] };
}
