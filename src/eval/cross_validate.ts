// crossValidate: train a fresh model per fold of a splitter and score it on the held-out rows.
// The generic form takes `fitPredict` (any model: fit on the train rows, return predictions for
// the test rows); the Keras-style form takes tensors x, y and a `factory` returning a compiled
// Trainer, and slices, fits and predicts for you. Both report each fold's metrics and their mean
// and standard deviation (sample std, ddof 1, by default; ddof 0 is np.std's, what sklearn users
// usually report), and optionally the out-of-fold predictions.

import { fromArray } from '../core/exec.js';
import { manualSeed } from '../core/random.js';
import { Tensor } from '../core/tensor.js';
import type { Module } from '../nn/module.js';
import { sigmoid } from '../ops/elementwise.js';
import { softmax } from '../ops/nn.js';
import type { FitOptions, Trainer } from '../train/trainer.js';
import { type AsyncMetricFn, type FitPredict, gatherRows, type Predictions, predictionRows, targetValues } from './predictions.js';
import { takeRows } from './split.js';
import type { Labels } from './splitters/labels.js';
import type { Splitter } from './splitters/splitter.js';

/** What happened in one fold. */
export interface FoldResult {
  fold: number;
  trainSize: number;
  testSize: number;
  /** Each metric on this fold's test rows. */
  metrics: Record<string, number>;
  /** Milliseconds spent in fitPredict (training and predicting). */
  fitTimeMs: number;
}

/** Per-fold results, and each metric's mean and standard deviation over the folds. */
export interface CrossValidateResult {
  folds: FoldResult[];
  mean: Record<string, number>;
  /** Standard deviation over folds with the `ddof` asked for (default 1, the sample std). */
  std: Record<string, number>;
  /** With returnPredictions: the out-of-fold prediction of every row (NaN for rows never tested). */
  predictions?: Predictions;
}

interface CommonOptions {
  /** How to split the rows. */
  splitter: Splitter;
  /** Group ids, for group splitters. */
  groups?: Labels;
  /** Metrics by name, each (yTrue of the test rows, predictions for them) => number, or a Promise of one (to read tensor predictions with `await yPred.data()`). */
  metrics: Record<string, AsyncMetricFn>;
  /** Also return the out-of-fold predictions (each row must be in at most one test fold). Default false. */
  returnPredictions?: boolean;
  /** Called after each fold, e.g. for progress. */
  onFold?: (result: FoldResult, nFolds: number) => void | Promise<void>;
  /** Delta degrees of freedom of `std`: 1 sample std (default), 0 population std (np.std). */
  ddof?: 0 | 1;
}

/** The generic form: any model behind `fitPredict`. */
export interface CrossValidateOptions extends CommonOptions {
  /** Fits a fresh model on the fold's train rows and returns predictions for its test rows. */
  fitPredict: FitPredict;
  /** Targets the metrics compare with, one per row. Default: `y`. */
  yTrue?: ArrayLike<number> | Tensor;
  /** Class labels, for stratified splitters (and the default yTrue when numeric). */
  y?: Labels;
  /** Number of rows. Default: the length of yTrue, y or groups. */
  n?: number;
}

/** The Keras-style form: tensors and a factory of compiled Trainers. */
export interface ModelCrossValidateOptions extends CommonOptions {
  /** Inputs (N, ...). */
  x: Tensor;
  /** Targets (N) or (N, ...); when 1-D they are also the labels that stratified splitters use. */
  y: Tensor;
  /** Returns a Trainer (compile(...)) around a freshly built model; called once per fold. */
  factory: (fold: number) => Trainer | Promise<Trainer>;
  /** Options for each fold's fit (verbose defaults to 0). */
  fit?: FitOptions;
  /**
   * What the metrics see: 'raw' model outputs (default); 'proba', probabilities from the loss
   * (softmax after crossEntropy, sigmoid after bceWithLogits, exp after nll, as is after bce); or a function of the outputs.
   */
  predict?: 'raw' | 'proba' | ((outputs: Tensor) => Predictions);
  /** Batch size of predict. Default 256. */
  predictBatchSize?: number;
  /** Reseed the global generator with seed + fold before each fold, so initialisation and shuffling repeat. Default: no reseeding. */
  seed?: number;
}

/**
 * K-fold (or any splitter's) cross-validation of a model trained afresh on every fold.
 *
 * @example
 * // any model
 * const cv = await crossValidate({ splitter: new KFold({ nSplits: 5 }), yTrue: y, fitPredict: ({ trainIndex, testIndex }) => fitAndPredict(trainIndex, testIndex), metrics: { mse } });
 * cv.mean.mse; cv.std.mse;
 * // a tessera model: x (N, 4), y int32 (N)
 * const res = await crossValidate({
 *   x, y, splitter: new StratifiedKFold({ nSplits: 5, shuffle: true, seed: 0 }), seed: 0,
 *   factory: () => { const m = new Sequential(new Linear(4, 16), new ReLU(), new Linear(16, 3)); return compile(m, { optimizer: new Adam(m.parameters()), loss: 'crossEntropy' }); },
 *   fit: { epochs: 20, batchSize: 16 }, predict: 'proba', metrics: { accuracy },
 * });
 */
export async function crossValidate(options: CrossValidateOptions | ModelCrossValidateOptions): Promise<CrossValidateResult> {
  if (options === null || typeof options !== 'object') throw new TypeError('crossValidate: expected an options object');
  if ('factory' in options && options.factory !== undefined) return runFolds(modelForm(options));
  if (typeof (options as CrossValidateOptions).fitPredict !== 'function') {
    throw new TypeError('crossValidate: give fitPredict ({ trainIndex, testIndex, fold }) => predictions, or x, y and factory');
  }
  return runFolds(options as CrossValidateOptions);
}

async function runFolds(options: CrossValidateOptions): Promise<CrossValidateResult> {
  const { splitter, fitPredict, metrics, returnPredictions = false, onFold, ddof = 1, groups } = options;
  // labels given as a tensor (N) or (N, 1) are read once, asynchronously, for the splitter
  const y =
    options.y instanceof Tensor && (options.y.ndim === 1 || (options.y.ndim === 2 && options.y.shape[1] === 1))
      ? Array.from(await options.y.data())
      : options.y;
  if (splitter === null || typeof splitter !== 'object' || typeof splitter.split !== 'function') {
    throw new TypeError('crossValidate: splitter must be a Splitter such as new KFold({ nSplits: 5 })');
  }
  const names = Object.keys(metrics ?? {});
  if (names.length === 0) throw new TypeError('crossValidate: give at least one metric, e.g. metrics: { accuracy }');
  for (const k of names)
    if (typeof metrics[k] !== 'function') throw new TypeError(`crossValidate: metric '${k}' must be a function (yTrue, yPred) => number`);
  if (ddof !== 0 && ddof !== 1) throw new RangeError(`crossValidate: ddof must be 0 or 1, got ${ddof}`);
  const yTrueInput =
    options.yTrue ?? (options.y !== undefined && !isStringArray(options.y) ? (options.y as ArrayLike<number> | Tensor) : undefined);
  if (yTrueInput === undefined) throw new TypeError('crossValidate: give yTrue, the numeric targets the metrics compare with');
  // (N) targets, or (N, ...) ones given to the metrics as flattened rows
  // tensors are read asynchronously (the read every device supports), here and for the predictions
  const yValues = yTrueInput instanceof Tensor ? await yTrueInput.data() : undefined;
  const yTrue =
    yTrueInput instanceof Tensor && yTrueInput.ndim > 1
      ? predictionRows('crossValidate', yTrueInput, yTrueInput.shape[0], yValues)
      : { data: targetValues('crossValidate', 'yTrue', yTrueInput, yValues), cols: 1 };
  const n = options.n ?? yTrue.data.length / yTrue.cols;
  if (yTrue.data.length !== n * yTrue.cols)
    throw new RangeError(`crossValidate: yTrue has ${yTrue.data.length / yTrue.cols} rows but n=${n}`);

  const folds: FoldResult[] = [];
  const nFolds = splitter.getNSplits({ n, y, groups });
  let oof: { data: Float64Array; cols: number; rowShape: readonly number[]; tested: Uint8Array } | null = null;
  let fold = 0;
  for (const { train, test } of splitter.split({ n, y, groups })) {
    const start = performance.now();
    const pred = await fitPredict({ trainIndex: train, testIndex: test, fold });
    const fitTimeMs = performance.now() - start;
    const rows = predictionRows('crossValidate', pred, test.length, pred instanceof Tensor ? await pred.data() : undefined);
    const forMetric = pred instanceof Tensor ? pred : rows.data;
    const yTest = gatherRows(yTrue.data, test, yTrue.cols);
    const scores: Record<string, number> = {};
    for (const k of names) {
      try {
        scores[k] = await metrics[k](yTest, forMetric);
      } catch (e) {
        throw new Error(`crossValidate: metric '${k}' failed on fold ${fold}: ${(e as Error).message}`, { cause: e });
      }
    }
    if (returnPredictions) {
      oof ??= {
        data: new Float64Array(n * rows.cols).fill(Number.NaN),
        cols: rows.cols,
        rowShape: rows.rowShape,
        tested: new Uint8Array(n),
      };
      storeOutOfFold(oof, rows.data, rows.cols, test, fold);
    }
    const result: FoldResult = { fold, trainSize: train.length, testSize: test.length, metrics: scores, fitTimeMs };
    folds.push(result);
    await onFold?.(result, nFolds);
    fold++;
  }
  const mean: Record<string, number> = {};
  const std: Record<string, number> = {};
  for (const k of names) {
    const v = folds.map((f) => f.metrics[k]);
    mean[k] = v.reduce((a, b) => a + b, 0) / v.length;
    std[k] = Math.sqrt(v.reduce((a, b) => a + (b - mean[k]) ** 2, 0) / (v.length - ddof));
  }
  const out: CrossValidateResult = { folds, mean, std };
  if (oof !== null) {
    out.predictions = oof.cols === 1 && oof.rowShape.length === 0 ? oof.data : fromArray([n, ...oof.rowShape], oof.data, 'float32');
  }
  return out;
}

function storeOutOfFold(
  oof: { data: Float64Array; cols: number; tested: Uint8Array },
  data: Float64Array,
  cols: number,
  test: Int32Array,
  fold: number,
): void {
  if (cols !== oof.cols) throw new RangeError(`crossValidate: fold ${fold} predicted ${cols} values per row, earlier folds ${oof.cols}`);
  test.forEach((r, i) => {
    if (oof.tested[r]) {
      throw new RangeError(
        `crossValidate: returnPredictions needs every row in at most one test fold, but row ${r} is tested again in fold ${fold}; use a k-fold splitter`,
      );
    }
    oof.tested[r] = 1;
    oof.data.set(data.subarray(i * cols, (i + 1) * cols), r * cols);
  });
}

/** The Keras-style options as a generic fitPredict over row indices. */
function modelForm(options: ModelCrossValidateOptions): CrossValidateOptions {
  const { x, y, factory, fit = {}, predict = 'raw', predictBatchSize = 256, seed } = options;
  if (!(x instanceof Tensor) || !(y instanceof Tensor))
    throw new TypeError('crossValidate: x and y must be Tensors (use fitPredict for other data)');
  if (x.ndim === 0 || y.ndim === 0 || x.shape[0] !== y.shape[0]) {
    throw new RangeError(`crossValidate: x and y need the same number of rows along dim 0; got shapes [${x.shape}] and [${y.shape}]`);
  }
  if (typeof factory !== 'function')
    throw new TypeError('crossValidate: factory must be a function (fold) => Trainer, e.g. () => compile(newModel(), {...})');
  const n = x.shape[0];
  const seen = new WeakSet<Module>();
  const fitPredict: FitPredict = async ({ trainIndex, testIndex, fold }) => {
    if (seed !== undefined) manualSeed(seed + fold);
    const trainer = await factory(fold);
    if (trainer === null || typeof trainer !== 'object' || typeof trainer.fit !== 'function' || typeof trainer.predict !== 'function') {
      throw new TypeError(
        `crossValidate: factory must return a Trainer (compile(model, {...})), got ${trainer === null ? 'null' : typeof trainer} for fold ${fold}`,
      );
    }
    if (seen.has(trainer.model)) {
      throw new Error(
        `crossValidate: factory returned the model of an earlier fold for fold ${fold}; build a new model inside factory so every fold starts from fresh weights`,
      );
    }
    seen.add(trainer.model);
    await trainer.fit(takeRows(x, trainIndex), takeRows(y, trainIndex), { verbose: 0, ...fit });
    const outputs = trainer.predict(takeRows(x, testIndex), { batchSize: predictBatchSize });
    if (typeof predict === 'function') return predict(outputs);
    if (predict === 'raw') return outputs;
    if (predict === 'proba') return probabilities(outputs, trainer.loss.name);
    throw new RangeError(`crossValidate: predict must be 'raw', 'proba' or a function, got ${String(predict)}`);
  };
  const labels = y.ndim === 1 || (y.ndim === 2 && y.shape[1] === 1) ? y : undefined;
  return { ...options, n, y: labels, yTrue: y, fitPredict };
}

/** Probabilities from a model's outputs, given the loss it was trained with. */
function probabilities(outputs: Tensor, loss: string): Tensor {
  switch (loss) {
    case 'crossEntropy':
    case 'cross_entropy':
      return softmax(outputs, -1);
    case 'bceWithLogits':
      return sigmoid(outputs);
    case 'nll':
      return outputs.exp();
    case 'bce':
      return outputs;
    default:
      throw new TypeError(
        `crossValidate: predict: 'proba' needs a classification loss (crossEntropy, bceWithLogits, nll, bce), not '${loss}'; use 'raw' or a function`,
      );
  }
}

function isStringArray(y: Labels): boolean {
  return Array.isArray(y) && y.some((v) => typeof v === 'string');
}
