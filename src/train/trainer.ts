// Keras-style training: compile a model with an optimizer, a loss and metrics, then fit, evaluate
// and predict. One optimizer step per batch. Batches are moved to the model's device (data on the
// CPU, model on a GPU). On a device read synchronously (the CPU), per batch one asynchronous
// read-back (`await data()`) of the loss and of the metrics' small device-side counts, issued
// together; on one that is not (a GPU), the loss and the counts are summed on the device and read
// once at the end of the epoch, so a training step reads nothing back (batch logs then hold what
// was read last: nothing within the first epoch). Nothing in fit, evaluate or predict reads a
// tensor synchronously. Callbacks may be async and are awaited only when they return a Promise.
// The loop is the ordinary PyTorch loop shown in the Trainer's documentation.

import type { Device } from '../backend/device.js';
import { noGrad } from '../core/autograd.js';
import { readsOnHost } from '../core/exec.js';
import { Tensor } from '../core/tensor.js';
import type { DataLoader } from '../data/dataloader.js';
import type { Module, StateDict } from '../nn/module.js';
import { mul } from '../ops/elementwise.js';
import { concat, narrow } from '../ops/movement.js';
import { clipGradNorm } from '../optim/clip_grad.js';
import type { LRScheduler } from '../optim/decay_lr.js';
import { Optimizer } from '../optim/optimizer.js';
import type { ReduceLROnPlateau } from '../optim/reduce_lr_on_plateau.js';
import { CallbackList, type Logs, type TrainingParams } from './callbacks/callback.js';
import { History } from './callbacks/history.js';
import { LearningRateScheduler } from './callbacks/learning_rate_scheduler.js';
import { Bar, ProgressBar } from './callbacks/progress_bar.js';
import {
  type Batches,
  checkXY,
  type DataSource,
  EventLoopPause,
  evaluationBatches,
  positiveInt,
  TensorBatches,
  trainingData,
  unpackBatch,
} from './fit_data.js';
import { type ClassWeight, classWeightTable, type ResolvedLoss, resolveLoss } from './losses.js';
import { resolveMetric } from './metric_names.js';
import { Mean, type Metric } from './metrics.js';
import type { CompileOptions, EpochProgress, EvaluateOptions, FitOptions, ResumeState } from './options.js';

export type { CallbackState, CompileOptions, EpochProgress, EvaluateOptions, FitOptions, ResumeState } from './options.js';

/**
 * Trains, evaluates and runs a model, Keras-style. Each training step is the PyTorch loop:
 *
 * ```ts
 * const loader = new DataLoader(new TensorDataset(x, y), { batchSize: 32, shuffle: true });
 * for (let epoch = 0; epoch < 10; epoch++) {
 *   model.train();
 *   for (const [xb, yb] of loader) {
 *     opt.zeroGrad();
 *     const loss = crossEntropy(model.forward(xb), yb);
 *     loss.backward();
 *     opt.step();
 *   }
 * }
 * ```
 *
 * plus metrics, validation, callbacks and a progress bar. On a GPU, move the model
 * (`model.to('webgpu')`) and keep the data where it is: each batch is moved to the model's device,
 * and the loss and metrics are read once per epoch (batch logs are then empty within an epoch).
 *
 * @example
 * const model = new Sequential(new Linear(784, 64), new ReLU(), new Linear(64, 10));
 * const trainer = new Trainer(model, { optimizer: new Adam(model.parameters(), { lr: 1e-3 }), loss: 'crossEntropy', metrics: ['accuracy'] });
 * const history = await trainer.fit(images, labels, { epochs: 5, validationSplit: 0.1 }); // images (N, 784), labels int32 (N)
 * await trainer.evaluate(testImages, testLabels); // { loss: 0.41, accuracy: 0.85 }
 * trainer.predict(testImages).argmax(1);          // (N) predicted classes
 */
export class Trainer {
  readonly model: Module;
  readonly optimizer: Optimizer;
  readonly scheduler: LRScheduler | ReduceLROnPlateau | null;
  readonly schedulerInterval: 'epoch' | 'batch';
  readonly loss: ResolvedLoss;
  readonly metrics: readonly Metric[];
  readonly clipGradNorm: number | undefined;
  /** Set to true (by a callback) to end fit after the current batch. */
  stopTraining = false;
  /** Optimizer steps taken, over all fit calls. */
  step = 0;
  /** Epochs completed: the epoch index after the last one finished. */
  epoch = 0;
  /** The History of the last fit. */
  history: History | null = null;
  /** The logs of the epoch that ended last (callbacks see them before History records them). */
  epochLogs: Logs | null = null;
  /** The training loader of the last fit (its position goes into checkpoints). */
  trainLoader: DataLoader<unknown, unknown> | null = null;
  /** Set by resumeTraining; consumed by the next fit. */
  resumeState: ResumeState | null = null;
  /**
   * The epoch (counted from 0, as `History.epoch`) whose end-of-epoch weights the model holds: the
   * epoch that ended last, or the one a callback put back with `restoreWeights`; -1 before any.
   */
  weightsEpoch = -1;
  /** The callbacks of the current (or last) fit, whose states go into checkpoints. */
  callbackList: CallbackList | null = null;
  /** The running loss of the current epoch. */
  private readonly epochLoss = new Mean('loss');
  /** Batches of the current epoch trained so far; null between epochs. */
  private batchesDone: number | null = null;
  /** The running logs of the current epoch as last read (what batch logs show on a GPU). */
  private lastLogs: Logs = {};

  constructor(model: Module, options: CompileOptions) {
    if (model === null || typeof model !== 'object' || typeof model.forward !== 'function') {
      throw new TypeError('Trainer: model must be a Module');
    }
    if (options === null || typeof options !== 'object') throw new TypeError('Trainer: expected options { optimizer, loss, metrics? }');
    if (!(options.optimizer instanceof Optimizer))
      throw new TypeError('Trainer: optimizer must be an Optimizer, e.g. new Adam(model.parameters())');
    this.model = model;
    this.optimizer = options.optimizer;
    this.scheduler = options.scheduler ?? null;
    this.schedulerInterval = options.schedulerInterval ?? 'epoch';
    this.loss = resolveLoss(options.loss);
    this.metrics = (options.metrics ?? []).map((m) => resolveMetric(m, this.loss.binaryThreshold));
    const names = this.metrics.map((m) => m.name);
    const dup = names.find((n, i) => n === 'loss' || n === 'learning_rate' || names.indexOf(n) !== i);
    if (dup !== undefined) throw new RangeError(`Trainer: metric name '${dup}' is used twice or is reserved; name the metric differently`);
    this.clipGradNorm = options.clipGradNorm;
    if (this.clipGradNorm !== undefined && !(this.clipGradNorm > 0)) {
      throw new RangeError(`Trainer: clipGradNorm must be a positive number, got ${this.clipGradNorm}`);
    }
    if (this.scheduler !== null) new LearningRateScheduler(this.scheduler, { interval: this.schedulerInterval }); // validates
  }

  /**
   * Trains for `epochs` epochs on (x, y) or on a DataLoader/Dataset yielding [x, y] batches, and
   * returns the History of epoch logs ('loss', metrics, 'val_' ones, 'learning_rate').
   */
  fit(x: Tensor, y: Tensor, options?: FitOptions): Promise<History>;
  fit(data: DataSource, options?: FitOptions): Promise<History>;
  async fit(a: Tensor | DataSource, b?: Tensor | FitOptions, c?: FitOptions): Promise<History> {
    const tensors = a instanceof Tensor;
    if (tensors) checkXY('fit', a, b);
    const options = ((tensors ? c : b) ?? {}) as FitOptions;
    const { epochs = 1, batchSize = 32, shuffle = true, verbose = 1 } = options;
    positiveInt('fit', 'batchSize', batchSize);
    const resume = this.resumeState;
    const initialEpoch = options.initialEpoch ?? resume?.epoch ?? 0;
    if (!Number.isInteger(epochs) || !Number.isInteger(initialEpoch) || initialEpoch < 0 || epochs < initialEpoch) {
      throw new RangeError(`fit: epochs (${epochs}) and initialEpoch (${initialEpoch}) must be integers with 0 <= initialEpoch <= epochs`);
    }
    if (![0, 1, 2].includes(verbose)) throw new RangeError(`fit: verbose must be 0, 1 or 2, got ${verbose}`);
    const data = tensors ? [a as Tensor, b as Tensor] : (a as DataSource);
    const { train, validation } = trainingData(data, { ...options, batchSize, shuffle, resume: resume?.loader });
    this.resumeState = null;
    this.trainLoader = train;

    const user = options.callbacks ?? [];
    const history = (user.find((cb) => cb instanceof History) as History | undefined) ?? new History();
    if (resume?.history) {
      history.epoch = [...resume.history.epoch];
      history.history = Object.fromEntries(Object.entries(resume.history.history).map(([k, v]) => [k, [...v]]));
    }
    const progress =
      verbose === 0 || user.some((cb) => cb instanceof ProgressBar) ? [] : [new ProgressBar({ mode: verbose === 1 ? 'bar' : 'epoch' })];
    const scheduler = this.scheduler ? [new LearningRateScheduler(this.scheduler, { interval: this.schedulerInterval })] : [];
    const list = new CallbackList([...scheduler, ...progress, ...user.filter((cb) => cb !== history), history]);
    const samples = train.dropLast ? train.length * train.batchSize : train.dataset.length;
    const params: TrainingParams = {
      epochs,
      initialEpoch,
      steps: train.length,
      samples,
      batchSize: train.batchSize,
      verbose,
      metrics: ['loss', ...this.metrics.map((m) => m.name)],
    };
    list.setTrainer(this, params);
    this.history = history;
    this.callbackList = list;
    this.stopTraining = false;
    const wasTraining = this.model.training;
    let logs: Logs = {};
    let partial = resume?.partial ?? null;
    try {
      await list.call('onTrainBegin', {});
      if (resume?.callbacks) list.loadStates(resume.callbacks);
      if (resume?.stopped) this.stopTraining = true; // stopped (early stopping) before the checkpoint: train no more
      for (let epoch = initialEpoch; epoch < epochs && !this.stopTraining; epoch++) {
        await list.call('onEpochBegin', epoch, {});
        logs = await this.trainEpoch(train, list, options.classWeight, partial);
        partial = null;
        if (validation !== null) for (const [k, v] of Object.entries(await this.runEvaluation(validation))) logs[`val_${k}`] = v;
        logs.learning_rate = this.optimizer.paramGroups[0].lr;
        this.epoch = epoch + 1;
        this.weightsEpoch = epoch;
        this.epochLogs = logs;
        await list.call('onEpochEnd', epoch, logs);
      }
      const lastEpoch = this.weightsEpoch;
      await list.call('onTrainEnd', logs);
      await this.recordWeights(history, lastEpoch, validation);
    } finally {
      this.model.train(wasTraining);
    }
    return history;
  }

  /**
   * Loads `state` into the model as the weights of `epoch` (counted from 0): what a callback such as
   * EarlyStopping calls to put back an earlier epoch's weights, so that fit's History says which
   * epoch the model now holds and gives that epoch's metrics.
   * @example trainer.restoreWeights(bestState, 3); trainer.weightsEpoch // 3
   */
  restoreWeights(state: StateDict, epoch: number): void {
    if (!Number.isInteger(epoch) || epoch < 0) throw new RangeError(`Trainer.restoreWeights: epoch must be an integer >= 0, got ${epoch}`);
    this.model.loadStateDict(state);
    this.weightsEpoch = epoch;
  }

  /**
   * Tells `history` which epoch's weights the model holds after training and that epoch's logs:
   * its training loss and metrics as logged, its validation ones recomputed on the restored weights.
   */
  private async recordWeights(history: History, lastEpoch: number, validation: Batches | null): Promise<void> {
    const epoch = this.weightsEpoch;
    history.weightsEpoch = epoch;
    history.restoredEpoch = epoch !== lastEpoch ? epoch : null;
    const i = history.epoch.lastIndexOf(epoch);
    const logged: Logs = i < 0 ? {} : Object.fromEntries(Object.entries(history.history).map(([k, v]) => [k, v[i]]));
    if (history.restoredEpoch !== null && validation !== null) {
      for (const [k, v] of Object.entries(await this.runEvaluation(validation))) logged[`val_${k}`] = v;
    }
    history.weightsLogs = logged;
  }

  /**
   * How far the current epoch has gone (batches trained, running loss and metric counts), for a
   * checkpoint taken mid-epoch; null between epochs.
   */
  epochProgress(): EpochProgress | null {
    if (this.batchesDone === null) return null;
    return {
      batchesDone: this.batchesDone,
      loss: this.epochLoss.stateDict(),
      metrics: this.metrics.map((m) => m.stateDict?.() ?? null),
    };
  }

  private async trainEpoch(
    loader: DataLoader<unknown, unknown>,
    list: CallbackList,
    classWeight: ClassWeight | undefined,
    partial: EpochProgress | null,
  ): Promise<Logs> {
    this.model.train();
    const lossMean = this.epochLoss;
    lossMean.reset();
    for (const m of this.metrics) m.reset();
    this.lastLogs = {};
    let b = 0;
    if (partial !== null) {
      // resuming mid-epoch: the loader skips the batches already trained; the running values go on
      lossMean.loadStateDict(partial.loss);
      for (const [i, m] of this.metrics.entries()) if (partial.metrics[i] && m.loadStateDict) m.loadStateDict(partial.metrics[i]);
      b = partial.batchesDone;
    }
    this.batchesDone = b;
    try {
      return await this.trainBatches(loader, list, classWeight, b);
    } finally {
      this.batchesDone = null;
    }
  }

  private async trainBatches(
    loader: DataLoader<unknown, unknown>,
    list: CallbackList,
    classWeight: ClassWeight | undefined,
    first: number,
  ): Promise<Logs> {
    const lossMean = this.epochLoss;
    const params = this.model.parameters();
    const device = modelDevice(this.model);
    const pause = new EventLoopPause();
    let table: Tensor | null = null;
    let b = first;
    for await (const raw of loader) {
      const begin = list.call('onBatchBegin', b, {});
      if (begin) await begin;
      const { x, y, weights } = await onDevice(unpackBatch(raw), device);
      this.optimizer.zeroGrad();
      const pred = this.model.forward(x);
      let w = weights;
      if (classWeight !== undefined) {
        table ??= classWeightTable(classWeight, pred.ndim >= 2 && pred.shape[1] > 1 ? pred.shape[1] : 2).to(pred.storage.device);
        const cw = this.loss.classWeights(table, pred, y);
        w = w === null ? cw : mul(w, cw);
      }
      const loss = this.loss.compute(pred, y, w);
      loss.backward();
      if (this.clipGradNorm !== undefined) clipGradNorm(params, this.clipGradNorm); // on the device: no read
      this.optimizer.step();
      this.step++;
      this.updateMetrics(pred, y);
      if (readsOnHost(loss.storage.device)) lossMean.add(await this.readBatch(loss), x.shape[0]);
      else lossMean.addTensor(loss, x.shape[0]); // read at the end of the epoch
      this.batchesDone = b + 1;
      const end = list.call('onBatchEnd', b++, this.batchLogs(lossMean));
      if (end) await end;
      if (this.stopTraining) break;
      const p = pause.maybe();
      if (p) await p;
    }
    await this.flushRunning();
    return this.logsOf(lossMean);
  }

  /**
   * Reads the running loss and metric counts of the current epoch that are still on the device
   * (on a GPU they are read only at the end of an epoch), so that logs and checkpoints then read
   * nothing more. What `saveTrainingCheckpoint` awaits before a mid-epoch save.
   * @example await trainer.flushRunning(); trainer.epochProgress()
   */
  async flushRunning(): Promise<void> {
    await Promise.all([this.epochLoss.flush(), ...this.metrics.map((m) => m.flush?.())]);
    this.lastLogs = this.logsOf(this.epochLoss);
  }

  /** The logs given to onBatchEnd: the running values, or on a GPU those read last (none yet within an epoch). */
  private batchLogs(loss: Mean): Logs {
    return loss.unread ? { ...this.lastLogs } : this.logsOf(loss);
  }

  private updateMetrics(pred: Tensor, y: Tensor): void {
    if (this.metrics.length === 0) return;
    noGrad(() => {
      for (const m of this.metrics) m.update(pred.detach(), y);
    });
  }

  /**
   * The batch's loss value and the metrics' counts of the batch, read back together and
   * asynchronously: the one device sync of a batch (the reads are issued at once, then awaited).
   */
  private async readBatch(loss: Tensor): Promise<number> {
    if (this.metrics.length === 0) return (await loss.data())[0];
    const [value] = await Promise.all([loss.data(), ...this.metrics.map((m) => m.flush?.())]);
    return value[0];
  }

  private logsOf(loss: Mean): Logs {
    const logs: Logs = { loss: loss.result() };
    for (const m of this.metrics) logs[m.name] = m.result();
    return logs;
  }

  /** Loss and metrics over `batches`, in eval mode without gradients. */
  private async runEvaluation(batches: Batches, bar?: Bar): Promise<Logs> {
    const was = this.model.training;
    this.model.eval();
    try {
      const lossMean = new Mean('loss');
      for (const m of this.metrics) m.reset();
      const device = modelDevice(this.model);
      const pause = new EventLoopPause();
      let done = 0;
      for await (const raw of batches) {
        const { x, y, weights } = await onDevice(unpackBatch(raw), device);
        const loss = noGrad(() => {
          const pred = this.model.forward(x);
          const batchLoss = this.loss.compute(pred, y, weights);
          this.updateMetrics(pred, y);
          return batchLoss;
        });
        if (readsOnHost(loss.storage.device)) {
          lossMean.add(await this.readBatch(loss), x.shape[0]);
          bar?.update(++done, this.logsOf(lossMean));
        } else {
          lossMean.addTensor(loss, x.shape[0]); // read once, after the last batch
          bar?.update(++done, {});
        }
        const p = pause.maybe();
        if (p) await p;
      }
      await Promise.all([lossMean.flush(), ...this.metrics.map((m) => m.flush?.())]);
      return this.logsOf(lossMean);
    } finally {
      this.model.train(was);
    }
  }

  /**
   * The loss and metrics on (x, y), or on a DataLoader/Dataset, in eval mode: `{ loss, accuracy, ... }`.
   * @example const { loss, accuracy } = await trainer.evaluate(testImages, testLabels);
   */
  evaluate(x: Tensor, y: Tensor, options?: EvaluateOptions): Promise<Logs>;
  evaluate(data: DataSource, options?: EvaluateOptions): Promise<Logs>;
  async evaluate(a: Tensor | DataSource, b?: Tensor | EvaluateOptions, c?: EvaluateOptions): Promise<Logs> {
    const tensors = a instanceof Tensor;
    if (tensors) checkXY('evaluate', a, b);
    const { batchSize = 32, verbose = 0 } = ((tensors ? c : b) ?? {}) as EvaluateOptions;
    positiveInt('evaluate', 'batchSize', batchSize);
    const batches = tensors
      ? new TensorBatches(a as Tensor, b as Tensor, batchSize)
      : evaluationBatches('evaluate', a as DataSource, batchSize);
    const samples = tensors
      ? (a as Tensor).shape[0]
      : ((a as { dataset?: { length: number } }).dataset?.length ?? (a as { length: number }).length);
    const bar = verbose === 1 ? new Bar({}, batches.length, samples) : undefined;
    const logs = await this.runEvaluation(batches, bar);
    bar?.finish(logs, 'evaluate: ');
    return logs;
  }

  /**
   * The model's outputs for `x`, batch by batch, in eval mode without gradients, on the model's
   * device (x is moved there batch by batch).
   * @example trainer.predict(images).shape // [N, 10] for images (N, 784)
   */
  predict(x: Tensor, options: { batchSize?: number } = {}): Tensor {
    const batchSize = positiveInt('predict', 'batchSize', options.batchSize ?? 32);
    const was = this.model.training;
    this.model.eval();
    try {
      const device = modelDevice(this.model);
      const at = (t: Tensor) => (device === null || t.storage.device === device ? t : t.to(device));
      return noGrad(() => {
        const n = x.shape[0];
        if (n <= batchSize) return this.model.forward(at(x));
        const outs: Tensor[] = [];
        for (let s = 0; s < n; s += batchSize) outs.push(this.model.forward(at(narrow(x, 0, s, Math.min(batchSize, n - s)))));
        return concat(outs, 0);
      });
    } finally {
      this.model.train(was);
    }
  }
}

/** The device of the model's first parameter (or buffer): where batches go; null for a model without any. */
function modelDevice(model: Module): Device | null {
  for (const p of model.parameters()) return p.storage.device;
  for (const b of model.buffers()) return b.storage.device;
  return null;
}

type Batch = { x: Tensor; y: Tensor; weights: Tensor | null };

/**
 * The batch's tensors on `device`, moved when they are elsewhere: data on the CPU, model on a GPU
 * (a write, nothing read back); data on a GPU and the model on the CPU is read back asynchronously.
 */
async function onDevice(batch: Batch, device: Device | null): Promise<Batch> {
  if (device === null) return batch;
  const at = async (t: Tensor) => {
    if (t.storage.device === device) return t;
    return readsOnHost(t.storage.device) ? t.to(device) : t.toAsync(device);
  };
  const [x, y, weights] = await Promise.all([at(batch.x), at(batch.y), batch.weights === null ? null : at(batch.weights)]);
  return { x, y, weights };
}

/**
 * A Trainer for `model`, Keras' `model.compile(...)`.
 * @example const trainer = compile(model, { optimizer: new Adam(model.parameters()), loss: 'crossEntropy', metrics: ['accuracy'] });
 */
export function compile(model: Module, options: CompileOptions): Trainer {
  return new Trainer(model, options);
}
