// `tessera evaluate <config> --cv <k>`: k-fold cross-validation of a training config. Every fold
// trains a fresh model (seeded with seed + fold) on its training rows, with the preprocessing fitted
// on those rows only, so no statistic of a fold's test rows leaks into its model; the fold's test
// rows are then predicted. The folds split the config's training rows: the rows of
// config.data.test or testSplit stay untouched. Reports each fold's metrics, their mean ± std, and
// the metrics of the out-of-fold predictions (with bootstrap intervals and charts when asked).

import { fromArray } from '../core/exec.js';
import { manualSeed } from '../core/random.js';
import { Tensor } from '../core/tensor.js';
import type { Pipeline } from '../data/preprocess/pipeline.js';
import { type CrossValidateResult, crossValidate } from '../eval/cross_validate.js';
import type { Predictions } from '../eval/predictions.js';
import { takeRows } from '../eval/split.js';
import { GroupKFold } from '../eval/splitters/group_kfold.js';
import { KFold } from '../eval/splitters/kfold.js';
import type { Splitter } from '../eval/splitters/splitter.js';
import { StratifiedKFold } from '../eval/splitters/stratified_kfold.js';
import type { History } from '../train/index.js';
import { suggestion } from './check.js';
import { parseTrainConfig, type TrainConfig } from './config.js';
import { loadData, sourceToString } from './data.js';
import { openDevice } from './device.js';
import { ConfigError, inFile, UsageError } from './errors.js';
import { print, table } from './format.js';
import { readConfigFile } from './load.js';
import { classProbabilities, lastLayer } from './outputs.js';
import { type EvaluationOptions, evaluatePredictions, evaluationJson, renderEvaluation } from './report.js';
import { buildParts, fitOptions, makeTrainer, type RunData, resolveClassWeight, tabularRun } from './run.js';
import { formatValue, metricFn, metricNames, type Scored } from './scores.js';
import { isTableSource } from './table_source.js';
import { loadTabular, type TabularData, targetCodes, targetNumbers } from './tabular.js';

/** The options of `evaluate --cv`. */
export interface CrossValidationOptions extends EvaluationOptions {
  folds: number;
  stratified: boolean;
  groupColumn?: string;
  epochs?: number;
  /** --seed: replaces config.seed (which seeds the folds, the models and the splitter). */
  configSeed?: number;
  /** --device: replaces config.device. */
  device?: string;
  json: boolean;
  quiet: boolean;
}

/** What one fold's run saw and produced; given to `onFold` (tests check that nothing leaks). */
export interface FoldRun {
  fold: number;
  trainIndex: Int32Array;
  testIndex: Int32Array;
  /** Tables: the pipeline, fitted on this fold's training rows. */
  pipeline?: Pipeline;
  /** Tables: the rows the pipeline and model were fitted on (trainIndex less the validation rows). */
  fitIndex?: Int32Array;
  history: History;
}

/** The data of a cross-validation: a table, or image tensors. */
export type CvData =
  | { kind: 'table'; data: TabularData }
  | { kind: 'images'; x: Tensor; y: Tensor; classes: readonly string[] | null; numClasses: number };

/** Runs `tessera evaluate <config> --cv <k>`; returns the exit code. */
export async function crossValidateCommand(file: string, options: CrossValidationOptions): Promise<number> {
  const config = await readConfig(file, options);
  const say = (text: string) => options.quiet || process.stderr.write(`${text}\n`);
  let data: CvData;
  try {
    data = await loadCvData(config);
  } catch (err) {
    throw inFile(err, file);
  }
  const n = data.kind === 'table' ? data.data.table.numRows : data.x.shape[0];
  const splitter = makeSplitter(options, config.seed);
  const how = `${options.folds}-fold${options.groupColumn ? ` grouped by ${options.groupColumn}` : options.stratified ? ' stratified' : ''}, seed ${config.seed}`;
  say(`Cross-validating ${file}: ${how}, on ${n} rows of ${data.kind === 'table' ? data.data.origin : sourceToString(config.data.source)}`);
  const histories: History[] = [];
  const result = await crossValidateConfig(config, data, splitter, {
    groups: options.groupColumn === undefined ? undefined : groupsOf(data, options.groupColumn),
    threshold: options.threshold,
    onFold: (run) => {
      histories.push(run.history);
    },
    onFoldDone: (fold, metrics, k) => {
      const shown = Object.entries(metrics).slice(0, 3);
      say(`fold ${fold + 1}/${k}: ${shown.map(([m, v]) => `${m} ${formatValue(v)}`).join('  ')}`);
    },
  });
  const scored = await outOfFold(data, result, options.threshold);
  const classes =
    data.kind === 'table' ? (data.data.classes ?? []) : (data.classes ?? Array.from({ length: data.numClasses }, (_, k) => String(k)));
  const evaluation = await evaluatePredictions(scored, classes, options, {
    title: `out-of-fold, ${options.folds} folds`,
    history: meanHistory(histories),
    historyTitle: `Training curves: mean over ${options.folds} folds`,
  });
  if (options.json) {
    const folds = result.folds.map((f, i) => ({ ...f, epochs: histories[i]?.epoch.length ?? 0 }));
    return print(
      JSON.stringify(
        {
          config: file,
          folds: options.folds,
          splitter: how,
          rows: n,
          perFold: folds,
          mean: result.mean,
          std: result.std,
          outOfFold: evaluationJson(evaluation, options),
        },
        null,
        2,
      ),
    );
  }
  const names = Object.keys(result.mean);
  const foldRows = names.map((m) => [
    m,
    ...result.folds.map((f) => formatValue(f.metrics[m])),
    `${formatValue(result.mean[m])} ± ${formatValue(result.std[m])}`,
  ]);
  const sizes = result.folds.map((f) => `${f.trainSize}/${f.testSize}`).join(', ');
  const lines = [
    `Cross-validation of ${file}: ${how} (train/test rows per fold: ${sizes})`,
    table([['metric', ...result.folds.map((f) => `fold ${f.fold + 1}`), 'mean ± std'], ...foldRows]),
    '',
    `Out-of-fold predictions (${n} rows, each predicted by the model that did not train on it):`,
    renderEvaluation(evaluation, classes, options, 'out-of-fold'),
  ];
  return print(lines.join('\n'));
}

async function readConfig(file: string, options: CrossValidationOptions): Promise<TrainConfig> {
  const loaded = await readConfigFile(file, 'evaluate');
  return parseTrainConfig(loaded.raw, {
    name: loaded.name,
    file: loaded.file,
    overrides: { epochs: options.epochs, seed: options.configSeed, device: options.device },
  });
}

/** The rows the folds split: the training rows of a table (its test rows set aside), or the training images. */
export async function loadCvData(config: TrainConfig): Promise<CvData> {
  const source = config.data.source;
  if (config.data.tabular !== undefined && isTableSource(source)) {
    const checks = { preprocessing: config.preprocessing, classWeight: config.classWeight };
    return { kind: 'table', data: await loadTabular(source, config.data.tabular, config.data.seed, checks) };
  }
  const loaded = await loadData(source, { flatten: config.data.flatten, classes: config.data.classes });
  if (loaded.train === undefined) throw new ConfigError([`config.data: ${sourceToString(source)} has no training split`]);
  return { kind: 'images', x: loaded.train.x, y: loaded.train.y, classes: loaded.classes, numClasses: loaded.numClasses };
}

function makeSplitter(o: CrossValidationOptions, seed: number): Splitter {
  if (o.groupColumn !== undefined && o.stratified)
    throw new UsageError('--stratified and --group-column cannot be combined; choose one', 'evaluate');
  if (o.groupColumn !== undefined) return new GroupKFold({ nSplits: o.folds });
  if (o.stratified) return new StratifiedKFold({ nSplits: o.folds, shuffle: true, seed });
  return new KFold({ nSplits: o.folds, shuffle: true, seed });
}

function groupsOf(data: CvData, column: string): (string | number | null)[] {
  if (data.kind !== 'table') throw new UsageError('--group-column needs a tabular data source', 'evaluate');
  const t = data.data.table;
  if (!t.has(column)) {
    throw new UsageError(
      `--group-column: no column "${column}"${suggestion(column, t.columnNames)} (columns: ${t.columnNames.join(', ')})`,
      'evaluate',
    );
  }
  return Array.from(t.column(column).values as ArrayLike<string | number | null>);
}

/**
 * Cross-validates `config` on `data` with `splitter`: per fold, a fresh model (seed + fold) trained
 * on the fold's training rows (tables: preprocessing fitted on them only) predicts its test rows.
 * Returns crossValidate's result with the out-of-fold predictions.
 */
export async function crossValidateConfig(
  config: TrainConfig,
  data: CvData,
  splitter: Splitter,
  hooks: {
    groups?: (string | number | null)[];
    threshold?: number;
    onFold?: (run: FoldRun) => void;
    onFoldDone?: (fold: number, metrics: Record<string, number>, folds: number) => void;
  } = {},
): Promise<CrossValidateResult> {
  const device = await openDevice(config.device, 'config.device');
  const task = data.kind === 'table' ? data.data.task : 'classification';
  const numClasses = data.kind === 'table' ? (data.data.classes?.length ?? 0) : data.numClasses;
  const yTrue =
    data.kind === 'images'
      ? Float64Array.from((await data.y.data()) as Int32Array)
      : task === 'regression'
        ? Float64Array.from(targetNumbers(data.data, data.data.table))
        : Float64Array.from(targetCodes(data.data, data.data.table));
  const labels = task === 'classification' ? Int32Array.from(yTrue) : undefined;
  const metrics = Object.fromEntries(
    metricNames(task, numClasses).map((m) => {
      const fn = metricFn({ task, threshold: hooks.threshold }, m);
      // a fold's (N, K) probabilities come as a tensor: read asynchronously, then scored as the flat values
      return [m, async (y: Float64Array, pred: Predictions) => fn(y, pred instanceof Tensor ? Float64Array.from(await pred.data()) : pred)];
    }),
  );
  return crossValidate({
    splitter,
    n: yTrue.length,
    yTrue,
    ...(labels === undefined ? {} : { y: labels }),
    ...(hooks.groups === undefined ? {} : { groups: hooks.groups }),
    metrics,
    returnPredictions: true,
    onFold: (r, k) => hooks.onFoldDone?.(r.fold, r.metrics, k),
    fitPredict: async ({ trainIndex, testIndex, fold }): Promise<Predictions> => {
      manualSeed(config.seed + fold);
      let run: RunData;
      let xTest: Tensor;
      if (data.kind === 'table') {
        run = tabularRun(config, data.data, data.data.table.take(trainIndex), config.data.seed);
        xTest = (run.pipeline as Pipeline).toTensor(data.data.table.take(testIndex));
      } else {
        run = {
          train: { x: takeRows(data.x, trainIndex), y: takeRows(data.y, trainIndex) },
          classes: data.classes,
          shape: { sampleShape: data.x.shape.slice(1), numClasses: data.numClasses },
        };
        xTest = takeRows(data.x, testIndex);
      }
      const parts = buildParts(config, run.shape, run.train.x.shape[0]);
      parts.model.to(device);
      const { trainer, callbacks } = await makeTrainer(config, parts, { quiet: true, files: false });
      const classWeight = await resolveClassWeight(config, run.classes, numClasses, run.train.y);
      const history = await trainer.fit(run.train.x, run.train.y, fitOptions(config, run, callbacks, 0, classWeight));
      const fitted = run.fitIndex === undefined ? {} : { fitIndex: Int32Array.from(run.fitIndex, (i) => trainIndex[i]) };
      hooks.onFold?.({
        fold,
        trainIndex,
        testIndex,
        ...(run.pipeline === undefined ? {} : { pipeline: run.pipeline }),
        ...fitted,
        history,
      });
      const out = trainer.predict(xTest, { batchSize: 256 }); // (N, width)
      const values = (await out.to('float32').data()) as Float32Array;
      const width = out.shape[1] ?? 1;
      if (task === 'regression') return Float64Array.from({ length: testIndex.length }, (_, i) => values[i * width]);
      const { proba, numClasses: k } = classProbabilities(values, width, lastLayer(parts.model));
      return fromArray([testIndex.length, k], proba, 'float32'); // (N, K)
    },
  });
}

/** The out-of-fold predictions as Scored. */
async function outOfFold(data: CvData, result: CrossValidateResult, threshold?: number): Promise<Scored> {
  const pred = result.predictions;
  if (pred === undefined) throw new Error('crossValidate returned no out-of-fold predictions');
  if (data.kind === 'table' && data.data.task === 'regression') {
    return { task: 'regression', yTrue: targetNumbers(data.data, data.data.table), pred: pred as Float64Array };
  }
  const t = pred as Tensor; // (N, K)
  const yTrue = data.kind === 'table' ? targetCodes(data.data, data.data.table) : Int32Array.from((await data.y.data()) as Int32Array);
  const proba = Float64Array.from((await t.data()) as Float32Array);
  return { task: 'classification', yTrue, proba, numClasses: t.shape[1], ...(threshold === undefined ? {} : { threshold }) };
}

/** Per-epoch logs averaged over the folds (folds that stopped early leave the later epochs' means). */
function meanHistory(histories: History[]): Record<string, number>[] | undefined {
  const epochs = Math.max(0, ...histories.map((h) => h.epoch.length));
  if (epochs === 0) return undefined;
  const keys = Object.keys(histories[0].history).filter((k) => k !== 'learning_rate');
  return Array.from({ length: epochs }, (_, e) =>
    Object.fromEntries(
      keys.map((k) => {
        const v = histories.map((h) => h.history[k]?.[e]).filter((x): x is number => x !== undefined && Number.isFinite(x));
        return [k, v.length === 0 ? Number.NaN : v.reduce((a, b) => a + b, 0) / v.length];
      }),
    ),
  );
}
