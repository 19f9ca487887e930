// The training config read by `tessera train <config>` (JSON or YAML): its types, with defaults in
// the comments, and parseTrainConfig, which checks every field up front and reports every problem
// with its path (`config.optimizer.lr: expected a positive number, got "fast"`). Relative paths in
// a config are resolved against the current directory.

import { zeros } from '../ops/creation.js';
import { Checker, describe } from './check.js';
import { BUILTIN_NAMES, type DataSource, type IdxPair } from './data.js';
import { ConfigError } from './errors.js';
import { type LayerSpec, type ModelConfig, parseModelConfig } from './model.js';
import {
  buildOptimizer,
  buildSchedule,
  type OptimizerConfig,
  parseOptimizerConfig,
  parseScheduleConfig,
  type ScheduleConfig,
} from './optim.js';
import { CLASSIFICATION_LOSSES, isMetric, LOSSES, METRICS } from './vocabulary.js';

/** The `data` section. */
export interface DataConfig {
  /** Where the data comes from: `builtin:fashion-mnist-small`, `fashion-mnist` or `idx`. Required. */
  source: DataSource;
  /** Images as (N, H*W) rows instead of (N, 1, H, W). Default: true when the model starts with Linear or is the mlp preset. */
  flatten: boolean;
  /** Fraction of the training samples held out for validation. Default 0. */
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
  /** Default 'crossEntropy'. */
  loss: string;
  /** Default ['accuracy'] (none for losses that are not classification losses). */
  metrics: string[];
  /** Default 10. */
  epochs: number;
  /** Default: none. */
  callbacks: CallbacksConfig;
  /** The directory the trained model is saved to. Default 'runs/<config file name>'. */
  output: string;
  /** Evaluate on the data's test split after training, when it has one. Default true. */
  test: boolean;
}

const TOP_KEYS = ['seed', 'data', 'model', 'optimizer', 'schedule', 'loss', 'metrics', 'epochs', 'callbacks', 'output', 'test'];
const DATA_KEYS = ['source', 'path', 'download', 'train', 'test', 'flatten', 'validationSplit', 'batchSize', 'shuffle', 'seed', 'classes'];
const SOURCES = [...BUILTIN_NAMES.map((n) => `builtin:${n}`), 'fashion-mnist', 'idx'];

/** Command-line settings that replace the config's. */
export interface Overrides {
  epochs?: number;
  output?: string;
  seed?: number;
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
  const data = parseData(c, o.data, seed, model);
  const optimizer = parseOptimizerConfig(c, o.optimizer, 'config.optimizer');
  const schedule = parseScheduleConfig(c, o.schedule, 'config.schedule');
  const loss = c.choice('config.loss', o.loss, LOSSES) ?? 'crossEntropy';
  const classification = (CLASSIFICATION_LOSSES as readonly string[]).includes(loss);
  const metric = (p: string, v: unknown) => (typeof v === 'string' && isMetric(v) ? v : c.choice(p, v, METRICS));
  const metrics =
    c.array('config.metrics', o.metrics, metric, `an array of metric names (${METRICS.join(', ')}, top<k>)`) ??
    (classification ? ['accuracy'] : []);
  const output = over.output ?? c.string('config.output', o.output) ?? `runs/${options.name ?? 'model'}`;
  const test = c.boolean('config.test', o.test) ?? true;
  const hasValidation = (data?.validationSplit ?? 0) > 0;
  const monitor = monitorCheck(c, hasValidation, metrics);
  const callbacks = parseCallbacks(c, o.callbacks, monitor);
  if (schedule?.type === 'plateau') schedule.options.monitor = monitor('config.schedule.monitor', schedule.options.monitor);
  if (optimizer !== undefined) checkBuilds(c, optimizer, schedule, epochs);
  if (!c.ok || data === undefined || model === undefined || optimizer === undefined) throw new ConfigError(c.problems, options.file);
  return { seed, data, model, optimizer, schedule, loss, metrics, epochs, callbacks, output, test };
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

function parseData(c: Checker, raw: unknown, seed: number, model: ModelConfig | undefined): DataConfig | undefined {
  const p = 'config.data';
  const o = c.object(p, raw, DATA_KEYS, `a data section, e.g. { source: builtin:fashion-mnist-small }`);
  if (o === undefined) return undefined;
  const kind = c.choice(`${p}.source`, o.source, SOURCES, true);
  const only = (key: string, source: string) => {
    if (o[key] !== undefined && kind !== source)
      c.fail(`${p}.${key}`, `only used with source ${source} (this config's source is ${describe(o.source)})`);
  };
  only('path', 'fashion-mnist');
  only('download', 'fashion-mnist');
  only('train', 'idx');
  if (kind !== 'idx' && o.test !== undefined) only('test', 'idx');
  let source: DataSource | undefined;
  if (kind === 'fashion-mnist') source = { kind, path: c.string(`${p}.path`, o.path), download: c.boolean(`${p}.download`, o.download) };
  else if (kind === 'idx') {
    const train = idxPair(c, o.train, `${p}.train`, true);
    source = { kind, train, test: idxPair(c, o.test, `${p}.test`, false) };
  } else if (kind !== undefined) source = { kind: 'builtin', name: kind.slice('builtin:'.length) as (typeof BUILTIN_NAMES)[number] };
  const firstLinear = model?.kind === 'mlp' || (model?.kind === 'layers' && firstLayerType(model.layers) === 'Linear');
  const classes = c.array(`${p}.classes`, o.classes, (q, v) => c.string(q, v), 'an array of class names');
  const data = {
    flatten: c.boolean(`${p}.flatten`, o.flatten) ?? firstLinear,
    validationSplit: c.number(`${p}.validationSplit`, o.validationSplit, { min: 0, max: 1, maxExclusive: true }) ?? 0,
    batchSize: c.number(`${p}.batchSize`, o.batchSize, { integer: true, min: 1 }) ?? 32,
    shuffle: c.boolean(`${p}.shuffle`, o.shuffle) ?? true,
    seed: c.number(`${p}.seed`, o.seed, { integer: true, min: 0 }) ?? seed,
    classes,
  };
  return source === undefined ? undefined : { source, ...data };
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
