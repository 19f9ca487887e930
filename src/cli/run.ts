// What one training run of a config needs, shared by `tessera train` and the folds of `tessera
// evaluate --cv`: the data as tensors (images as loaded; tables through a preprocessing pipeline
// fitted on the run's training rows only), the model, optimizer and schedule built and checked,
// class weights resolved to class indices, and a Trainer with the config's callbacks.

import type { Tensor } from '../core/tensor.js';
import type { Pipeline } from '../data/preprocess/pipeline.js';
import type { Table } from '../data/table.js';
import type { Module } from '../nn/module.js';
import type { LRScheduler } from '../optim/decay_lr.js';
import type { Optimizer } from '../optim/optimizer.js';
import type { ReduceLROnPlateau } from '../optim/reduce_lr_on_plateau.js';
import type { Callback, ClassWeight, FitOptions, Trainer } from '../train/index.js';
import { suggestion } from './check.js';
import type { TrainConfig } from './config.js';
import { ConfigError } from './errors.js';
import { buildModel, checkModelFits, type DataShape } from './model_config.js';
import { buildOptimizer, buildSchedule } from './optim.js';
import { classIndex, fitRows, type Split, type TabularData } from './tabular.js';
import { BINARY_LOSSES, CLASSIFICATION_LOSSES } from './vocabulary.js';

/** The tensors of a run and what they are. */
export interface RunData {
  train: Split;
  /** Held-out validation rows (tables; images use fit's validationSplit instead). */
  validation?: Split;
  /** Class names by index, when known. */
  classes: readonly string[] | null;
  /** One sample's shape and the number of outputs the model must have. */
  shape: DataShape;
  /** Tables: the pipeline fitted on the training rows. */
  pipeline?: Pipeline;
  /** Tables: the rows the pipeline and model were fitted on (validation rows left out), as indices into the run's rows. */
  fitIndex?: Int32Array;
}

/** The model, optimizer and schedule of a run. */
export interface RunParts {
  model: Module;
  optimizer: Optimizer;
  schedule?: LRScheduler | ReduceLROnPlateau;
}

/** Whether the model outputs one score per sample (N, 1) for the loss: binary losses and regression. */
export function singleOutput(config: TrainConfig): boolean {
  return config.data.tabular?.task === 'regression' || BINARY_LOSSES.includes(config.loss);
}

/**
 * A run on some rows of a table: `validationSplit` of them held out (seeded, stratified), the
 * preprocessing fitted on the rest only, both turned into tensors.
 */
export function tabularRun(config: TrainConfig, data: TabularData, rows: Table, seed: number): RunData {
  const binaryOutput = BINARY_LOSSES.includes(config.loss);
  if (binaryOutput && (data.classes?.length ?? 0) !== 2) {
    throw new ConfigError([
      `config.loss: ${config.loss} needs two classes, but "${data.target}" has ${data.classes?.length} (${data.classes?.join(', ')}); use crossEntropy`,
    ]);
  }
  const preprocessing = config.preprocessing ?? { kind: 'auto' };
  const fitted = fitRows(data, preprocessing, rows, { validationSplit: config.data.validationSplit, seed, binaryOutput });
  const outputs = singleOutput(config) ? 1 : (data.classes?.length ?? 1);
  return {
    train: fitted.train,
    ...(fitted.validation === undefined ? {} : { validation: fitted.validation }),
    classes: data.classes,
    shape: { sampleShape: [fitted.pipeline.numFeatures], numClasses: outputs },
    pipeline: fitted.pipeline,
    fitIndex: fitted.fitIndex,
  };
}

/** Builds the model (sized from the data for presets), checks it fits the data, then the optimizer and schedule. */
export function buildParts(config: TrainConfig, shape: DataShape, trainRows: number, model?: Module): RunParts {
  const m = model ?? buildModel(config.model, shape);
  const single = config.data.tabular !== undefined && shape.numClasses === 1;
  const out = checkModelFits(m, shape, !single && CLASSIFICATION_LOSSES.includes(config.loss));
  if (single && (out.length !== 2 || out[1] !== 1)) {
    const why =
      config.data.tabular?.task === 'regression' ? 'regression needs one value per row' : `${config.loss} needs one score per row`;
    throw new ConfigError([
      `config.model: the model outputs shape [N, ${out.slice(1).join(', ')}], but ${why}; the last layer should output 1 value`,
    ]);
  }
  const optimizer = buildOptimizer(config.optimizer, m.parameters());
  const images = config.data.tabular === undefined;
  const fitted = images ? Math.floor(trainRows * (1 - config.data.validationSplit)) : trainRows; // as fit splits
  const stepsPerEpoch = Math.ceil(fitted / config.data.batchSize);
  const schedule =
    config.schedule === undefined ? undefined : buildSchedule(config.schedule, optimizer, { epochs: config.epochs, stepsPerEpoch });
  return { model: m, optimizer, schedule };
}

/**
 * config.classWeight as weights by class index: 'balanced' gives class k the weight
 * n / (K * count_k) over the training targets `y` (read asynchronously); a map's keys are class
 * names (or indices).
 */
export async function resolveClassWeight(
  config: TrainConfig,
  classes: readonly string[] | null,
  numClasses: number,
  y: Tensor,
): Promise<ClassWeight | undefined> {
  const cw = config.classWeight;
  if (cw === undefined) return undefined;
  if (cw === 'balanced') {
    const labels = Array.from((await y.data()) as ArrayLike<number>, (v) => Math.round(v));
    const counts = new Array<number>(Math.max(numClasses, 2)).fill(0);
    for (const l of labels) if (l >= 0 && l < counts.length) counts[l]++;
    return counts.map((c) => (c === 0 ? 1 : labels.length / (counts.length * c)));
  }
  const problems: string[] = [];
  const out: Record<number, number> = {};
  for (const [key, w] of Object.entries(cw)) {
    const index = classIndex(key, classes, numClasses);
    if (index < 0) {
      const known = classes ?? Array.from({ length: numClasses }, (_, k) => String(k));
      problems.push(`config.classWeight.${key}: no class "${key}"${suggestion(key, known)} (classes: ${known.join(', ')})`);
    } else out[index] = w;
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return out;
}

/**
 * A Trainer for the run with the config's callbacks: the schedule and early stopping always; the
 * checkpoint and loggers only when `files` (cross-validation folds would overwrite each other's),
 * appending to the logs of the run when `resume`.
 */
export async function makeTrainer(
  config: TrainConfig,
  parts: RunParts,
  options: { quiet: boolean; files: boolean; resume?: boolean },
): Promise<{ trainer: Trainer; callbacks: Callback[] }> {
  const train = await import('../train/index.js');
  const callbacks: Callback[] = [];
  const cb = config.callbacks;
  if (parts.schedule !== undefined) {
    const interval = config.schedule?.type === 'onecycle' ? 'batch' : 'epoch';
    callbacks.push(
      new train.LearningRateScheduler(parts.schedule, { interval, monitor: config.schedule?.options.monitor as string | undefined }),
    );
  }
  if (cb.earlyStopping !== undefined) callbacks.push(new train.EarlyStopping({ ...cb.earlyStopping, verbose: options.quiet ? 0 : 1 }));
  if (options.files) {
    if (cb.checkpoint !== undefined)
      callbacks.push(
        new train.ModelCheckpoint(cb.checkpoint.dir, { monitor: cb.checkpoint.monitor, saveBestOnly: cb.checkpoint.saveBestOnly }),
      );
    const append = options.resume === true; // a resumed run keeps the rows of the epochs before the checkpoint
    if (cb.csvLogger !== undefined) callbacks.push(new train.CSVLogger(cb.csvLogger, { append }));
    if (cb.jsonLogger !== undefined) callbacks.push(new train.JSONLogger(cb.jsonLogger, { append }));
  }
  const trainer = new train.Trainer(parts.model, {
    optimizer: parts.optimizer,
    loss: config.loss,
    metrics: config.metrics,
    clipGradNorm: config.optimizer.clipGradNorm,
  });
  return { trainer, callbacks };
}

/** The options of fit for the run: validation from the run's held-out rows (tables) or fit's split (images). */
export function fitOptions(
  config: TrainConfig,
  run: RunData,
  callbacks: Callback[],
  verbose: 0 | 1 | 2,
  classWeight?: ClassWeight,
): FitOptions {
  const images = config.data.tabular === undefined;
  return {
    epochs: config.epochs,
    batchSize: config.data.batchSize,
    shuffle: config.data.shuffle,
    seed: config.data.seed,
    ...(images && config.data.validationSplit > 0 ? { validationSplit: config.data.validationSplit } : {}),
    ...(run.validation === undefined ? {} : { validationData: [run.validation.x, run.validation.y] as [Tensor, Tensor] }),
    ...(classWeight === undefined ? {} : { classWeight }),
    callbacks,
    verbose,
  };
}
