// Tabular data for training: the target and feature columns a config names, checked against the
// data (table_source.ts reads it); class labels encoded; the seeded (stratified) test and
// validation splits; and the rows of one training run turned into tensors by a preprocessing
// Pipeline fitted on those rows only.

import { fromArray } from '../core/exec.js';
import type { Tensor } from '../core/tensor.js';
import { LabelEncoder } from '../data/preprocess/label_encoder.js';
import type { Pipeline } from '../data/preprocess/pipeline.js';
import { type OnBadValue, type ValueType, valueTypesOf } from '../data/sources/typing.js';
import { type Column, type ColumnKind, isMissing, type Table } from '../data/table.js';
import { trainTestSplit } from '../eval/split.js';
import { suggestion } from './check.js';
import { ConfigError } from './errors.js';
import { buildPipeline, checkPreprocessingColumns, type PreprocessingConfig, preprocessingProblems } from './preprocessing.js';
import { conformRows, type ReadTableOptions, readTableSource, type TableSource, tableSourceToString } from './table_source.js';

/** Classification (labels, one score per class) or regression (one number per row). */
export type Task = 'classification' | 'regression';

/** The tabular part of the `data` section (see config.ts for the defaults). */
export interface TabularConfig {
  target: string;
  features?: string[];
  drop: string[];
  task: Task;
  test?: TableSource;
  testSplit: number;
  /** Column types instead of the rule's (README, "Column types"). */
  types?: Record<string, ValueType>;
  /** A value that does not fit its column: 'error' (default) or 'missing' (counted and reported). */
  onBadValue?: OnBadValue;
  /** Values that mean missing. Default MISSING_TOKENS. */
  nullValues?: string[];
}

/** A labelled table, checked against the config. */
export interface TabularData {
  /** Where the rows come from, for messages. */
  origin: string;
  /** The training rows (the test rows of testSplit taken out). */
  table: Table;
  /** The test rows (from config.data.test or testSplit), or null. */
  test: Table | null;
  /** The feature columns and their kinds, in order. */
  schema: Record<string, ColumnKind>;
  /** The type of each feature column as read (booleans apart from numbers), saved for predict. */
  types: Record<string, ValueType>;
  target: string;
  task: Task;
  /** Classification: the label of each class index. */
  labels: LabelEncoder | null;
  /** Classification: the class names (labels as text); null for regression. */
  classes: string[] | null;
}

/** Other parts of the config that name columns or classes, checked with the data section. */
export interface TabularChecks {
  preprocessing?: PreprocessingConfig;
  classWeight?: 'balanced' | Record<string, number>;
}

/**
 * Reads the training source (and the test source) and checks every column and class the config
 * names; the problems come back together as one ConfigError, each at its field. The testSplit is
 * drawn with `seed`, stratified by class.
 */
export async function loadTabular(
  source: TableSource,
  tab: TabularConfig,
  seed: number,
  checks: TabularChecks = {},
  say: (note: string) => void = (note) => process.stderr.write(`tessera: note: ${note}\n`),
): Promise<TabularData> {
  const origin = tableSourceToString(source);
  const classification = tab.task === 'classification';
  const read = readOptions(tab, say);
  // a stray word in a column the model does not read (an id, a note) stops nothing
  const unused = (columns: string[]) =>
    columns.filter((c) => c !== tab.target && (tab.drop.includes(c) || (tab.features !== undefined && !tab.features.includes(c))));
  const all = await readTableSource(source, classification ? tab.target : undefined, { ...read, unused });
  if (all.numRows === 0) throw new Error(`${origin} has no data rows (only a header, or nothing); a model needs rows to learn from`);
  const readTypes = valueTypesOf(all);
  const problems: string[] = [];
  const schema = resolveColumns(all, tab, origin, problems);
  if (checks.preprocessing !== undefined) problems.push(...preprocessingProblems(checks.preprocessing, schema));
  const target = all.has(tab.target) ? all.column(tab.target) : null;
  if (target !== null && classification && typeof checks.classWeight === 'object') {
    const present = all.filter((i) => !isMissing(target, i)).column(tab.target);
    problems.push(...classWeightProblems(checks.classWeight, new LabelEncoder().fit(labelValues(present)).classes.map(String)));
  }
  if (target !== null && !classification && target.kind !== 'number') {
    problems.push(
      `config.data.target: column "${tab.target}" holds ${target.kind}s, but regression needs numbers (or set config.data.task: classification)`,
    );
  }
  if (problems.length > 0) throw new ConfigError(problems);

  const testOrigin = tab.test === undefined ? '' : tableSourceToString(tab.test);
  let test: Table | null = null;
  if (tab.test !== undefined) {
    const kinds = { ...schema, [tab.target]: (target as Column).kind };
    // the test rows are read with the training columns' types: a stray word there names its line too
    const trained = Object.fromEntries(Object.keys(schema).map((c) => [c, readTypes?.[c] ?? (schema[c] as ValueType)]));
    const testRead = { ...read, types: { ...trained, ...(tab.types ?? {}) }, typesFrom: 'the training data holds' };
    test = conformRows(await readTableSource(tab.test, classification ? tab.target : undefined, testRead), kinds, testOrigin);
    if (test.numRows === 0)
      throw new Error(
        `config.data.test: ${testOrigin} has no data rows (only a header, or nothing); give a test file with rows, or leave test out`,
      );
  }
  checkTargetPresent(all, tab.target, origin);
  if (test !== null) checkTargetPresent(test, tab.target, testOrigin);
  let labels: LabelEncoder | null = null;
  if (classification) {
    const column = (t: Table) => labelValues(t.column(tab.target));
    labels = new LabelEncoder().fit([...column(all), ...(test === null ? [] : column(test))]);
    if (labels.numClasses < 2) {
      throw new ConfigError([
        `config.data.target: column "${tab.target}" holds a single class (${labels.classes[0]}); classification needs two or more`,
      ]);
    }
  }
  const classes = labels?.classes.map(String) ?? null;
  const types = Object.fromEntries(Object.entries(schema).map(([c, k]) => [c, readTypes?.[c] ?? (k as ValueType)]));
  const data: TabularData = { origin, table: all, test, schema, types, target: tab.target, task: tab.task, labels, classes };
  if (tab.testSplit > 0) {
    const split = splitRows(all.numRows, tab.testSplit, seed, classification ? targetCodes(data, all) : undefined, 'config.data.testSplit');
    data.table = all.take(split.train);
    data.test = all.take(split.test);
  }
  return data;
}

/**
 * The reader options of a tabular config: types, onBadValue and nullValues, with coercions reported through `say`.
 * @example readOptions({ onBadValue: 'missing' }, console.error) // { onBadValue: 'missing', onBadValues: [Function] }
 */
export function readOptions(
  tab: Pick<TabularConfig, 'types' | 'onBadValue' | 'nullValues'>,
  say: (note: string) => void,
): ReadTableOptions {
  return {
    ...(tab.types === undefined ? {} : { types: tab.types }),
    ...(tab.onBadValue === undefined ? {} : { onBadValue: tab.onBadValue }),
    ...(tab.nullValues === undefined ? {} : { nullValues: tab.nullValues }),
    onBadValues: (bad) => say(`${bad.message} (onBadValue: missing)`),
  };
}

/** The features' kinds: config.data.features, else every column but the target and config.data.drop. */
function resolveColumns(table: Table, tab: TabularConfig, origin: string, problems: string[]): Record<string, ColumnKind> {
  const names = table.columnNames;
  const before = problems.length;
  const exists = (name: string, path: string) => {
    if (table.has(name)) return true;
    problems.push(`${path}: no column "${name}" in ${origin}${suggestion(name, names)} (columns: ${names.join(', ')})`);
    return false;
  };
  exists(tab.target, 'config.data.target');
  tab.drop.forEach((d, i) => {
    if (exists(d, `config.data.drop[${i}]`) && d === tab.target) problems.push(`config.data.drop[${i}]: "${d}" is the target`);
  });
  tab.features?.forEach((f, i) => {
    const p = `config.data.features[${i}]`;
    if (!exists(f, p)) return;
    if (f === tab.target) problems.push(`${p}: "${f}" is the target; a model cannot take its own label as input`);
    if (tab.drop.includes(f)) problems.push(`${p}: "${f}" is also in config.data.drop`);
  });
  for (const c of Object.keys(tab.types ?? {})) exists(c, `config.data.types.${c}`);
  const features = (tab.features ?? names.filter((n) => n !== tab.target && !tab.drop.includes(n))).filter((f) => table.has(f));
  if (problems.length === before && features.length === 0)
    problems.push(`config.data: no feature columns are left in ${origin} (columns: ${names.join(', ')})`);
  return Object.fromEntries(features.map((f) => [f, table.column(f).kind]));
}

/**
 * The index of class `key` for classWeight: a class name, or an index below `numClasses`; -1 if neither.
 * @example classIndex('yes', ['no', 'yes'], 2) // 1
 */
export function classIndex(key: string, classes: readonly string[] | null, numClasses: number): number {
  const named = classes?.indexOf(key) ?? -1;
  return named >= 0 ? named : /^\d+$/.test(key) && Number(key) < numClasses ? Number(key) : -1;
}

/** The keys of a classWeight map that name no class, as problems at their field. */
export function classWeightProblems(weights: Record<string, number>, classes: readonly string[]): string[] {
  return Object.keys(weights)
    .filter((k) => classIndex(k, classes, classes.length) < 0)
    .map((k) => `config.classWeight.${k}: no class "${k}"${suggestion(k, classes)} (classes: ${classes.join(', ')})`);
}

function checkTargetPresent(table: Table, target: string, origin: string): void {
  const col = table.column(target);
  let missing = 0;
  let first = -1;
  for (let i = 0; i < table.numRows; i++) {
    if (isMissing(col, i)) {
      missing++;
      if (first < 0) first = i;
    }
  }
  if (missing > 0) {
    throw new Error(
      `${origin}: the target column "${target}" is missing in ${missing} row${missing === 1 ? '' : 's'} (first: ${rowName(table, first)}); remove them, e.g. with a sql source: SELECT * FROM read_csv('...') WHERE ${target} IS NOT NULL`,
    );
  }
}

/**
 * Row i of `table` for messages: its file's line when known ('line 7'), else its 1-based data row.
 * @example rowName(await readCsv('a.csv'), 0) // 'line 2'
 */
export function rowName(table: Table, i: number): string {
  const o = table.rowOrigin;
  if (o?.lines != null) return `line ${o.lines[i]}`;
  return `data row ${i + 1}`;
}

/** Class labels: numbers, or text (as numbers when every label is one, so that classes 2 and 10 sort as numbers). */
function labelValues(col: Column): (string | number)[] {
  if (col.kind !== 'string') return Array.from(col.values);
  const text = col.values as string[];
  const numbers = text.map((v) => (v.trim() === '' ? Number.NaN : Number(v)));
  return numbers.every(Number.isFinite) ? numbers : text;
}

/** What the target helpers need to know: the column, the task, the class names and where rows come from. */
export type TargetInfo = Pick<TabularData, 'target' | 'task' | 'classes' | 'origin'>;

/** Class indices (classification) of the target column of `rows`; labels never seen are an error naming the row. */
export function targetCodes(data: TargetInfo, rows: Table, origin = data.origin): Int32Array {
  const classes = data.classes as string[];
  const lookup = new Map(classes.map((c, k) => [c, k]));
  const col = rows.column(data.target);
  const out = new Int32Array(rows.numRows);
  for (let i = 0; i < rows.numRows; i++) {
    const v = isMissing(col, i) ? null : String(col.values[i]);
    const k = v === null ? undefined : (lookup.get(v) ?? lookup.get(String(Number(v)))); // '1.0' is class 1
    if (k === undefined)
      throw new Error(
        `${origin}: ${rowName(rows, i)} has ${v === null ? 'no label' : `label "${v}"`} in column "${data.target}"; the model knows ${classes.join(', ')}`,
      );
    out[i] = k;
  }
  return out;
}

/** Regression targets of `rows` as numbers; missing values are an error naming the row. */
export function targetNumbers(data: TargetInfo, rows: Table, origin = data.origin): Float64Array {
  const values = rows.numbers(data.target);
  const bad = values.findIndex((v) => Number.isNaN(v));
  if (bad >= 0) throw new Error(`${origin}: ${rowName(rows, bad)} has no value in the target column "${data.target}"`);
  return values;
}

/**
 * What the loss compares the model's outputs with: class indices int32 (N), 0/1 float32 (N, 1) for
 * the binary losses (bce, bceWithLogits), or values float32 (N, 1) for regression.
 */
export function targetTensor(data: TargetInfo, rows: Table, binaryOutput: boolean): Tensor {
  const n = rows.numRows;
  if (data.task === 'regression') return fromArray([n, 1], Float32Array.from(targetNumbers(data, rows)), 'float32');
  const codes = targetCodes(data, rows);
  return binaryOutput ? fromArray([n, 1], Float32Array.from(codes), 'float32') : fromArray([n], codes, 'int32');
}

/**
 * A seeded split of n rows: `fraction` of them (rounded up) in test, stratified by `labels` when
 * given. A split that cannot be made (a class with one row) is a ConfigError at `field`.
 */
export function splitRows(
  n: number,
  fraction: number,
  seed: number,
  labels: Int32Array | undefined,
  field: string,
): { train: Int32Array; test: Int32Array } {
  try {
    const split = trainTestSplit(n, { testSize: fraction, seed, ...(labels === undefined ? {} : { stratify: labels }) });
    return { train: split.train, test: split.test };
  } catch (err) {
    throw new ConfigError([`${field}: cannot split ${n} rows: ${(err as Error).message.replace(/^trainTestSplit: /, '')}`]);
  }
}

/** Inputs (N, F) and targets of some rows. */
export interface Split {
  x: Tensor;
  y: Tensor;
}

/** A pipeline fitted on a run's training rows, and those rows (and its validation rows) as tensors. */
export interface FittedRows {
  pipeline: Pipeline;
  train: Split;
  /** Rows held out of `rows` for validation (validationSplit > 0), transformed by the same pipeline. */
  validation?: Split;
  /** The rows the pipeline and the model were fitted on, as indices into the rows given. */
  fitIndex: Int32Array;
}

/**
 * Holds out `validationSplit` of `rows` (seeded, stratified), fits the preprocessing on the rest
 * only, and turns both into tensors. Errors of the pipeline come back as ConfigErrors at
 * config.preprocessing.
 */
export function fitRows(
  data: TabularData,
  preprocessing: PreprocessingConfig,
  rows: Table,
  options: { validationSplit: number; seed: number; binaryOutput: boolean },
): FittedRows {
  let fit = rows;
  let fitIndex: Int32Array = Int32Array.from({ length: rows.numRows }, (_, i) => i);
  let held: Table | null = null;
  if (options.validationSplit > 0) {
    const split = splitRows(
      rows.numRows,
      options.validationSplit,
      options.seed,
      data.task === 'classification' ? targetCodes(data, rows) : undefined,
      'config.data.validationSplit',
    );
    fit = rows.take(split.train);
    held = rows.take(split.test);
    fitIndex = split.train;
  }
  checkPreprocessingColumns(preprocessing, data.schema);
  const pipeline = buildPipeline(preprocessing, data.schema);
  let x: Tensor;
  try {
    x = pipeline.fit(fit.select(Object.keys(data.schema))).toTensor(fit); // (N, F)
  } catch (err) {
    throw new ConfigError([`config.preprocessing: ${(err as Error).message}`]);
  }
  const y = (t: Table) => targetTensor(data, t, options.binaryOutput);
  const train = { x, y: y(fit) };
  return { pipeline, train, fitIndex, ...(held === null ? {} : { validation: { x: pipeline.toTensor(held), y: y(held) } }) };
}
