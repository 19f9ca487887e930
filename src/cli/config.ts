// The training config read by `tessera train <config>` (JSON or YAML): its types, with defaults in
// the comments, and parseTrainConfig, which checks every field up front and reports every problem
// with its path (`config.optimizer.lr: expected a positive number, got "fast"`). Relative paths in
// a config are resolved against the current directory. The data is images (the built-in set,
// Fashion-MNIST, IDX files) or a table (CSV, Parquet, JSON, a SQL query) with a target column and a
// `preprocessing` section (preprocessing.ts).

import type { ValueType } from '../data/sources/typing.js';
import { zeros } from '../ops/creation.js';
import { Checker, describe } from './check.js';
import { BUILTIN_NAMES, type DataSource, type IdxPair } from './data.js';
import { isDeviceName } from './device.js';
import { ConfigError } from './errors.js';
import { type LayerSpec, type ModelConfig, parseModelConfig } from './model_config.js';
import {
  buildOptimizer,
  buildSchedule,
  type OptimizerConfig,
  parseOptimizerConfig,
  parseScheduleConfig,
  type ScheduleConfig,
} from './optim.js';
import { type PreprocessingConfig, parsePreprocessing } from './preprocessing.js';
import { TABLE_KINDS, type TableSource, tableSourceFromString } from './table_source.js';
import type { TabularConfig, Task } from './tabular.js';
import { BINARY_LOSSES, CLASSIFICATION_LOSSES, isMetric, LOSSES, METRICS } from './vocabulary.js';

/** The `data` section. */
export interface DataConfig {
  /** Where the data comes from: `builtin:fashion-mnist-small`, `fashion-mnist`, `idx`, or a table: `csv`, `parquet`, `json` (with `path`), `sql` (with `query`). Required. */
  source: DataSource;
  /**
   * Tables only: target (required), features [all other columns], drop [], task [from the loss], test or testSplit [none];
   * types [by the rule], onBadValue ['error'], nullValues [empty, NA, N/A, n/a, NaN, nan, null, NULL, None, ?] (README, "Column types").
   */
  tabular?: TabularConfig;
  /** Images as (N, H*W) rows instead of (N, 1, H, W). Default: true when the model starts with Linear or is the mlp preset. */
  flatten: boolean;
  /** Fraction of the training samples held out for validation (tables: seeded, stratified by class). Default 0. */
  validationSplit: number;
  /** Default 32. */
  batchSize: number;
  /** Shuffle the training samples every epoch. Default true. */
  shuffle: boolean;
  /** Seed of the shuffling and of the validation split. Default: the top-level seed. */
  seed: number;
  /** Class names by label. Default: the dataset's (none for IDX files). */
  classes?: string[];
}

/** The `callbacks` section: each callback is on when present. */
export interface CallbacksConfig {
  earlyStopping?: {
    /** Default 'val_loss' with validation data, else 'loss'. */
    monitor: string;
    /** Epochs without improvement before stopping. Default 5. */
    patience: number;
    /** Smallest change that counts as an improvement. Default 0. */
    minDelta: number;
    /** Default 'auto' (max for accuracy-like metrics, min otherwise). */
    mode: 'auto' | 'min' | 'max';
    /** Default true. */
    restoreBestWeights: boolean;
  };
  checkpoint?: {
    /** Required. */
    dir: string;
    /** Default as earlyStopping.monitor. */
    monitor: string;
    /** Default true. */
    saveBestOnly: boolean;
  };
  /** Append one row per epoch to this CSV file. */
  csvLogger?: string;
  /** Write the history as JSON to this file after every epoch. */
  jsonLogger?: string;
}

/** A whole training run. */
export interface TrainConfig {
  /** Seed of the weight initialisation (and of the data, unless data.seed is set). Default 0. */
  seed: number;
  data: DataConfig;
  model: ModelConfig;
  optimizer: OptimizerConfig;
  /** Learning-rate schedule, stepped once per epoch. Default: none (constant rate). */
  schedule?: ScheduleConfig;
  /** Default 'crossEntropy' ('mse' when data.task is regression). */
  loss: string;
  /** Default ['accuracy'] (none for losses that are not classification losses; ['mae'] for tabular regression). */
  metrics: string[];
  /** Tables only: how raw columns become the model's input. Default 'auto' (see preprocessing.ts). */
  preprocessing?: PreprocessingConfig;
  /** Classification only: loss weight per class name, or 'balanced' (n / (classes * count)). Default none. */
  classWeight?: 'balanced' | Record<string, number>;
  /** Default 10. */
  epochs: number;
  /** Default: none. */
  callbacks: CallbacksConfig;
  /** The directory the trained model is saved to. Default 'runs/<config file name>'. */
  output: string;
  /** Evaluate on the data's test split after training, when it has one. Default true. */
  test: boolean;
  /** The resumable training checkpoint `tessera train --resume` continues from; null (`checkpoint: false`) keeps none. */
  checkpoint: ResumeCheckpointConfig | null;
  /** Where the model trains: 'cpu', 'webgpu' or 'webgpu:N' (the Nth adapter). Default 'cpu'. */
  device: string;
}

/** The `checkpoint` section: the run's training checkpoint, kept up to date for `--resume`. */
export interface ResumeCheckpointConfig {
  /** The checkpoint's directory. Default '<output>/checkpoint'. */
  dir: string;
  /** Also save every this many optimizer steps inside an epoch (0: only at the end of each epoch). Default 500. */
  everySteps: number;
}

/** The default of checkpoint.everySteps. */
export const CHECKPOINT_EVERY_STEPS = 500;

/**
 * Fields that may differ between a checkpoint's config and the config it is resumed with: epochs
 * (to train longer), where the model and checkpoint go, whether to test, and the device (a run
 * checkpointed on a GPU resumes on the CPU and back). Any other change is refused.
 */
export const RESUMABLE_CHANGES = ['epochs', 'output', 'test', 'checkpoint', 'device'] as const;

const TOP_KEYS = [
  'seed',
  'data',
  'model',
  'optimizer',
  'schedule',
  'loss',
  'metrics',
  'epochs',
  'callbacks',
  'output',
  'test',
  'preprocessing',
  'classWeight',
  'checkpoint',
  'device',
];
const DATA_KEYS = [
  'source',
  'path',
  'query',
  'download',
  'train',
  'test',
  'target',
  'features',
  'drop',
  'task',
  'testSplit',
  'flatten',
  'validationSplit',
  'batchSize',
  'shuffle',
  'seed',
  'classes',
  'types',
  'onBadValue',
  'nullValues',
];
const IMAGE_SOURCES = [...BUILTIN_NAMES.map((n) => `builtin:${n}`), 'fashion-mnist', 'idx'];
const SOURCES = [...IMAGE_SOURCES, ...TABLE_KINDS];
const TABULAR_ONLY = ['target', 'features', 'drop', 'task', 'testSplit', 'types', 'onBadValue', 'nullValues'];

/** Command-line settings that replace the config's. */
export interface Overrides {
  epochs?: number;
  output?: string;
  seed?: number;
  /** --device: replaces config.device. */
  device?: string;
}

/**
 * Checks a parsed config file and fills in the defaults; throws a ConfigError listing every problem.
 * `name` (the config file's name without extension) sets the default output directory.
 * @example const config = parseTrainConfig(YAML.parse(text), { name: 'quickstart' });
 */
export function parseTrainConfig(raw: unknown, options: { name?: string; file?: string; overrides?: Overrides } = {}): TrainConfig {
  const c = new Checker();
  const o = c.object('config', raw, TOP_KEYS, 'a config object with sections data, model, optimizer, ...') ?? {};
  const over = options.overrides ?? {};
  const seed = over.seed ?? c.number('config.seed', o.seed, { integer: true, min: 0 }) ?? 0;
  const epochs = over.epochs ?? c.number('config.epochs', o.epochs, { integer: true, min: 1 }) ?? 10;
  const model = parseModelConfig(c, o.model, 'config.model');
  const givenLoss = c.choice('config.loss', o.loss, LOSSES);
  const data = parseData(c, o.data, seed, model, givenLoss);
  const tabular = data?.tabular;
  const optimizer = parseOptimizerConfig(c, o.optimizer, 'config.optimizer');
  const schedule = parseScheduleConfig(c, o.schedule, 'config.schedule');
  const loss = givenLoss ?? (tabular?.task === 'regression' ? 'mse' : 'crossEntropy');
  const classification = (CLASSIFICATION_LOSSES as readonly string[]).includes(loss);
  const metric = (p: string, v: unknown) => (typeof v === 'string' && isMetric(v) ? v : c.choice(p, v, METRICS));
  const metrics =
    c.array('config.metrics', o.metrics, metric, `an array of metric names (${METRICS.join(', ')}, top<k>)`) ??
    (classification || tabular?.task === 'classification' ? ['accuracy'] : tabular !== undefined ? ['mae'] : []);
  const rawSource = (o.data as { source?: unknown } | undefined)?.source;
  const isTable = typeof rawSource === 'string' && (TABLE_KINDS as readonly string[]).includes(rawSource.toLowerCase());
  if (o.preprocessing !== undefined && data !== undefined && !isTable) onlyTables(c, 'config.preprocessing', o.data);
  const preprocessing = isTable ? parsePreprocessing(c, o.preprocessing) : undefined;
  const classWeight = parseClassWeight(c, o.classWeight, classification || tabular?.task === 'classification', loss);
  if ((loss === 'bce' || loss === 'nll') && model !== undefined && model.kind !== 'layers') {
    const [takes, use] = loss === 'bce' ? ['probabilities', 'bceWithLogits'] : ['log-probabilities', 'crossEntropy'];
    c.fail('config.loss', `${loss} takes ${takes}, but the ${model.kind} preset outputs scores; use ${use}`);
  }
  const output = over.output ?? c.string('config.output', o.output) ?? `runs/${options.name ?? 'model'}`;
  const test = c.boolean('config.test', o.test) ?? true;
  const checkpoint = parseCheckpoint(c, o.checkpoint, output);
  const device = over.device ?? parseDevice(c, o.device);
  const hasValidation = (data?.validationSplit ?? 0) > 0;
  const monitor = monitorCheck(c, hasValidation, metrics);
  const callbacks = parseCallbacks(c, o.callbacks, monitor);
  if (schedule?.type === 'plateau') schedule.options.monitor = monitor('config.schedule.monitor', schedule.options.monitor);
  if (optimizer !== undefined) checkBuilds(c, optimizer, schedule, epochs);
  if (!c.ok || data === undefined || model === undefined || optimizer === undefined) throw new ConfigError(c.problems, options.file);
  const config: TrainConfig = {
    seed,
    data,
    model,
    optimizer,
    schedule,
    loss,
    metrics,
    epochs,
    callbacks,
    output,
    test,
    checkpoint,
    device,
  };
  if (preprocessing !== undefined) config.preprocessing = preprocessing;
  if (classWeight !== undefined) config.classWeight = classWeight;
  return config;
}

/** config.device: 'cpu' (default), 'webgpu' or 'webgpu:N'. */
function parseDevice(c: Checker, raw: unknown): string {
  const name = c.string('config.device', raw);
  if (name === undefined) return 'cpu';
  if (!isDeviceName(name)) c.fail('config.device', `expected cpu or webgpu (webgpu:N for the Nth adapter), got ${describe(name)}`);
  return name;
}

/** `checkpoint: false`, or { dir [<output>/checkpoint], everySteps [500] }. */
function parseCheckpoint(c: Checker, raw: unknown, output: string): ResumeCheckpointConfig | null {
  const p = 'config.checkpoint';
  const defaults = { dir: `${output.replace(/[\\/]+$/, '')}/checkpoint`, everySteps: CHECKPOINT_EVERY_STEPS };
  if (raw === false) return null;
  if (raw === undefined || raw === true) return defaults;
  const o = c.object(p, raw, ['dir', 'everySteps'], 'false, or { dir: <folder>, everySteps: <steps> }');
  if (o === undefined) return defaults;
  return {
    dir: c.string(`${p}.dir`, o.dir) ?? defaults.dir,
    everySteps: c.number(`${p}.everySteps`, o.everySteps, { integer: true, min: 0 }) ?? defaults.everySteps,
  };
}

/**
 * The config fields that differ between `saved` (a checkpoint's config) and `current`, as problems
 * naming each field path, leaving out RESUMABLE_CHANGES.
 * @example configChanges(saved, current) // ['config.optimizer.lr: 0.001 in the checkpoint, now 0.01']
 */
export function configChanges(saved: unknown, current: TrainConfig): string[] {
  const now = JSON.parse(JSON.stringify(current)) as Record<string, unknown>;
  const before = (saved !== null && typeof saved === 'object' ? saved : {}) as Record<string, unknown>;
  const problems: string[] = [];
  const show = (v: unknown) => (v === undefined ? 'absent' : JSON.stringify(v));
  const walk = (a: unknown, b: unknown, path: string) => {
    const objects = a !== null && b !== null && typeof a === 'object' && typeof b === 'object' && Array.isArray(a) === Array.isArray(b);
    if (!objects) {
      if (JSON.stringify(a) !== JSON.stringify(b)) problems.push(`${path}: ${show(a)} in the checkpoint, now ${show(b)}`);
      return;
    }
    const keys = new Set([...Object.keys(a as object), ...Object.keys(b as object)]);
    for (const k of keys) {
      const sub = Array.isArray(a) ? `${path}[${k}]` : `${path}.${k}`;
      walk((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], sub);
    }
  };
  for (const k of new Set([...Object.keys(before), ...Object.keys(now)])) {
    if (!(RESUMABLE_CHANGES as readonly string[]).includes(k)) walk(before[k], now[k], `config.${k}`);
  }
  return problems;
}

function onlyTables(c: Checker, path: string, data: unknown): undefined {
  const source = (data as { source?: unknown } | null)?.source;
  return c.fail(path, `only used with a tabular source (${TABLE_KINDS.join(', ')}); this config's source is ${describe(source)}`);
}

/** `balanced`, or { <class name>: weight >= 0 } (names are checked once the data is loaded). */
function parseClassWeight(c: Checker, raw: unknown, classification: boolean, loss: string): TrainConfig['classWeight'] {
  const p = 'config.classWeight';
  if (raw === undefined) return undefined;
  if (!classification) return c.fail(p, `only used for classification (the loss is ${describe(loss)})`);
  if (raw === 'balanced') return raw;
  const o = c.object(p, raw, null, "'balanced' or { <class>: <weight>, ... }");
  if (o === undefined) return undefined;
  const weights: Record<string, number> = {};
  for (const [k, v] of Object.entries(o)) {
    const w = c.number(`${p}.${k}`, v, { min: 0 });
    if (w !== undefined) weights[k] = w;
  }
  return weights;
}

/** Builds the optimizer and schedule on a stand-in parameter, so their own checks (nesterov needs momentum, ...) run now. */
function checkBuilds(c: Checker, optimizer: OptimizerConfig, schedule: ScheduleConfig | undefined, epochs: number): void {
  try {
    const opt = buildOptimizer(optimizer, [zeros([1], { requiresGrad: true })]);
    if (schedule !== undefined) buildSchedule(schedule, opt, { epochs, stepsPerEpoch: 1 });
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    c.problems.push(...err.problems);
  }
}

function parseData(
  c: Checker,
  raw: unknown,
  seed: number,
  model: ModelConfig | undefined,
  loss: string | undefined,
): DataConfig | undefined {
  const p = 'config.data';
  const o = c.object(p, raw, DATA_KEYS, `a data section, e.g. { source: builtin:fashion-mnist-small }`);
  if (o === undefined) return undefined;
  const kind = c.choice(`${p}.source`, o.source, SOURCES, true);
  const table = (TABLE_KINDS as readonly string[]).includes(kind ?? '');
  const only = (key: string, ...sources: string[]) => {
    if (o[key] !== undefined && kind !== undefined && !sources.includes(kind))
      c.fail(`${p}.${key}`, `only used with source ${sources.join(', ')} (this config's source is ${describe(o.source)})`);
  };
  only('path', 'fashion-mnist', 'csv', 'parquet', 'json');
  only('download', 'fashion-mnist');
  only('train', 'idx');
  only('query', 'sql');
  only('test', 'idx', ...TABLE_KINDS);
  only('flatten', ...IMAGE_SOURCES);
  only('types', 'csv', 'json', 'parquet');
  only('onBadValue', 'csv', 'json');
  only('nullValues', 'csv', 'json');
  if (!table && kind !== undefined) for (const key of TABULAR_ONLY) if (o[key] !== undefined) onlyTables(c, `${p}.${key}`, o);
  let source: DataSource | undefined;
  let tabular: TabularConfig | undefined;
  if (kind === 'fashion-mnist') source = { kind, path: c.string(`${p}.path`, o.path), download: c.boolean(`${p}.download`, o.download) };
  else if (kind === 'idx') {
    const train = idxPair(c, o.train, `${p}.train`, true);
    source = { kind, train, test: idxPair(c, o.test, `${p}.test`, false) };
  } else if (table) {
    source = tableSource(c, o, p, kind as TableSource['kind']);
    tabular = parseTabular(c, o, p, loss);
  } else if (kind !== undefined) source = { kind: 'builtin', name: kind.slice('builtin:'.length) as (typeof BUILTIN_NAMES)[number] };
  const firstLinear = model?.kind === 'mlp' || (model?.kind === 'layers' && firstLayerType(model.layers) === 'Linear');
  const classes = c.array(`${p}.classes`, o.classes, (q, v) => c.string(q, v), 'an array of class names');
  if (table && classes !== undefined)
    c.fail(`${p}.classes`, 'not used with a tabular source: the class names are the values of the target column');
  const data = {
    flatten: c.boolean(`${p}.flatten`, o.flatten) ?? firstLinear,
    validationSplit: c.number(`${p}.validationSplit`, o.validationSplit, { min: 0, max: 1, maxExclusive: true }) ?? 0,
    batchSize: c.number(`${p}.batchSize`, o.batchSize, { integer: true, min: 1 }) ?? 32,
    shuffle: c.boolean(`${p}.shuffle`, o.shuffle) ?? true,
    seed: c.number(`${p}.seed`, o.seed, { integer: true, min: 0 }) ?? seed,
    classes,
  };
  if (source === undefined || (table && tabular === undefined)) return undefined;
  return tabular === undefined ? { source, ...data } : { source, tabular, ...data };
}

/** A table source: `{ source: csv, path }` (path for csv, parquet, json; query for sql) in `o`. */
function tableSource(c: Checker, o: Record<string, unknown>, p: string, kind: TableSource['kind']): TableSource | undefined {
  if (kind === 'sql') {
    const query = c.string(`${p}.query`, o.query, "a SQL query, e.g. SELECT * FROM read_csv('a.csv') JOIN read_csv('b.csv') USING (id)");
    return query === undefined ? undefined : { kind, query };
  }
  const path = c.string(`${p}.path`, o.path, `the path of the ${kind === 'csv' ? 'CSV' : kind === 'json' ? 'JSON' : 'Parquet'} file`);
  return path === undefined ? undefined : { kind, path };
}

/** target, features, drop, task, test / testSplit of a tabular data section. */
function parseTabular(c: Checker, o: Record<string, unknown>, p: string, loss: string | undefined): TabularConfig | undefined {
  const target = c.string(`${p}.target`, o.target, 'the name of the label (or value) column');
  const names = (key: string) => c.array(`${p}.${key}`, o[key], (q, v) => c.string(q, v, 'a column name'), 'an array of column names');
  const features = names('features');
  if (features?.length === 0) c.fail(`${p}.features`, 'expected at least one column, got an empty array (leave it out for every column)');
  const drop = names('drop') ?? [];
  const lossTask: Task | undefined =
    loss === undefined ? undefined : [...CLASSIFICATION_LOSSES, ...BINARY_LOSSES].includes(loss) ? 'classification' : 'regression';
  const task = c.choice(`${p}.task`, o.task, ['classification', 'regression'] as const) ?? lossTask ?? 'classification';
  if (lossTask !== undefined && task !== lossTask) {
    c.fail('config.loss', `${describe(loss)} is a ${lossTask} loss, but config.data.task is ${task}`);
  }
  const testSplit = c.number(`${p}.testSplit`, o.testSplit, { min: 0, max: 1, minExclusive: true, maxExclusive: true }) ?? 0;
  let test: TableSource | undefined;
  if (o.test !== undefined) {
    if (o.testSplit !== undefined) c.fail(`${p}.testSplit`, 'give test (labelled rows to test on) or testSplit, not both');
    if (typeof o.test === 'string') {
      test = tableSourceFromString(o.test);
      if (test === undefined)
        c.fail(`${p}.test`, `expected a .csv, .parquet, .json or .jsonl file, or { source, path | query }, got ${describe(o.test)}`);
    } else {
      const t = c.object(`${p}.test`, o.test, ['source', 'path', 'query'], '{ source: csv, path: <file> }');
      const kind = t === undefined ? undefined : c.choice(`${p}.test.source`, t.source, TABLE_KINDS, true);
      if (t !== undefined && kind !== undefined) {
        if (kind === 'sql' && t.path !== undefined) c.fail(`${p}.test.path`, 'only used with source csv, parquet, json');
        if (kind !== 'sql' && t.query !== undefined) c.fail(`${p}.test.query`, 'only used with source sql');
        test = tableSource(c, t, `${p}.test`, kind);
      }
    }
  }
  const read = parseReadOptions(c, o, p);
  if (target === undefined) return undefined;
  return {
    target,
    ...(features === undefined ? {} : { features }),
    drop,
    task,
    ...(test === undefined ? {} : { test }),
    testSplit,
    ...read,
  };
}

/** types, onBadValue and nullValues of a tabular data section: how text becomes typed columns (README, "Column types"). */
function parseReadOptions(c: Checker, o: Record<string, unknown>, p: string): Pick<TabularConfig, 'types' | 'onBadValue' | 'nullValues'> {
  const out: Pick<TabularConfig, 'types' | 'onBadValue' | 'nullValues'> = {};
  if (o.types !== undefined) {
    const t = c.object(`${p}.types`, o.types, null, '{ <column>: number | boolean | timestamp | string }');
    if (t !== undefined) {
      const types: Record<string, ValueType> = {};
      for (const [k, v] of Object.entries(t)) {
        const type = c.choice(`${p}.types.${k}`, v, ['number', 'boolean', 'timestamp', 'string'] as const);
        if (type !== undefined) types[k] = type;
      }
      out.types = types;
    }
  }
  const bad = c.choice(`${p}.onBadValue`, o.onBadValue, ['error', 'missing'] as const);
  if (bad !== undefined) out.onBadValue = bad;
  const nulls = c.array(
    `${p}.nullValues`,
    o.nullValues,
    (q, v) => (typeof v === 'string' ? v : c.fail(q, `expected a string, got ${describe(v)}`)),
    'an array of strings that mean missing',
  );
  if (nulls !== undefined) out.nullValues = nulls;
  return out;
}

/** The type of the first layer, looking inside nested Sequential entries. */
function firstLayerType(layers: readonly LayerSpec[]): string | undefined {
  const first = layers[0];
  return first?.type === 'Sequential' && Array.isArray(first.layers) ? firstLayerType(first.layers as unknown as LayerSpec[]) : first?.type;
}

function idxPair(c: Checker, raw: unknown, path: string, required: boolean): IdxPair | undefined {
  const o = c.object(path, raw, ['images', 'labels'], required ? '{ images: <file>, labels: <file> }' : undefined);
  if (o === undefined) return undefined;
  const images = c.string(`${path}.images`, o.images, 'the path of an IDX images file');
  const labels = c.string(`${path}.labels`, o.labels, 'the path of an IDX labels file');
  return images === undefined || labels === undefined ? undefined : { images, labels };
}

type MonitorCheck = (path: string, value: unknown) => string;

/** Checks a `monitor` field: 'loss' or a metric, with 'val_' only when there is validation data. Default val_loss or loss. */
function monitorCheck(c: Checker, hasValidation: boolean, metrics: string[]): MonitorCheck {
  const monitors = ['loss', ...metrics].flatMap((m) => (hasValidation ? [m, `val_${m}`] : [m]));
  const fallback = hasValidation ? 'val_loss' : 'loss';
  return (path: string, v: unknown): string => {
    if (v === undefined) return fallback;
    if (typeof v === 'string' && v.startsWith('val_') && !hasValidation && monitors.includes(v.slice(4))) {
      return (
        c.fail(
          path,
          `${describe(v)} needs validation data; set config.data.validationSplit (e.g. 0.1) or monitor ${describe(v.slice(4))}`,
        ) ?? fallback
      );
    }
    return c.choice(path, v, monitors) ?? fallback;
  };
}

function parseCallbacks(c: Checker, raw: unknown, monitor: MonitorCheck): CallbacksConfig {
  const p = 'config.callbacks';
  const o = c.object(p, raw, ['earlyStopping', 'checkpoint', 'csvLogger', 'jsonLogger']);
  if (o === undefined) return {};
  const out: CallbacksConfig = {};
  const es = c.object(`${p}.earlyStopping`, o.earlyStopping, ['monitor', 'patience', 'minDelta', 'mode', 'restoreBestWeights']);
  if (es !== undefined) {
    out.earlyStopping = {
      monitor: monitor(`${p}.earlyStopping.monitor`, es.monitor),
      patience: c.number(`${p}.earlyStopping.patience`, es.patience, { integer: true, min: 0 }) ?? 5,
      minDelta: c.number(`${p}.earlyStopping.minDelta`, es.minDelta, { min: 0 }) ?? 0,
      mode: c.choice(`${p}.earlyStopping.mode`, es.mode, ['auto', 'min', 'max'] as const) ?? 'auto',
      restoreBestWeights: c.boolean(`${p}.earlyStopping.restoreBestWeights`, es.restoreBestWeights) ?? true,
    };
  }
  const ck = c.object(`${p}.checkpoint`, o.checkpoint, ['dir', 'monitor', 'saveBestOnly']);
  if (ck !== undefined) {
    const dir = c.string(`${p}.checkpoint.dir`, ck.dir, 'a directory for the checkpoints') ?? '';
    out.checkpoint = {
      dir,
      monitor: monitor(`${p}.checkpoint.monitor`, ck.monitor),
      saveBestOnly: c.boolean(`${p}.checkpoint.saveBestOnly`, ck.saveBestOnly) ?? true,
    };
  }
  out.csvLogger = c.string(`${p}.csvLogger`, o.csvLogger);
  out.jsonLogger = c.string(`${p}.jsonLogger`, o.jsonLogger);
  return out;
}
