// ModelCheckpoint: saves the run as it goes, into a directory holding
//
//   last/   after every epoch: a full training checkpoint (resumeTraining continues from it) and the
//           model files (loadModel reads them)
//   best/   the model files of the epoch with the best monitored value so far
//
// Each model.json's metadata says which epoch its weights are from: `epoch`, counted from 1 as the
// progress display prints it, with that epoch's `logs` (best/ adds `monitor` and `value`).
//
// Every file is written atomically, so a crash leaves the previous save or the new one.

import { saveModel } from '../model_saving.js';
import type { Trainer } from '../trainer.js';
import { saveTrainingCheckpoint } from '../trainer_checkpoint.js';
import type { Callback, Logs } from './callback.js';
import { Monitor, type MonitorMode } from './monitor.js';

export interface ModelCheckpointOptions {
  /** The directory, when not given as the first argument. */
  dir?: string;
  /** The log value that decides the best epoch. Default 'val_loss'. */
  monitor?: string;
  /** 'min', 'max', or 'auto' (from the monitor's name). Default 'auto'. */
  mode?: MonitorMode;
  /** Only write best/ (no last/ each epoch). Default false. */
  saveBestOnly?: boolean;
  /** A value the monitored one must beat before best/ is first written. Default none. */
  initialValueThreshold?: number;
  /** 1: say when best/ is written. Default 0. */
  verbose?: 0 | 1;
  /** Save a diverged run's NaN or infinite weights too; by default such a save stops `fit` with an error naming the tensor. Default false. */
  allowNonFinite?: boolean;
}

/**
 * Saves `dir/last` every epoch (resumable) and `dir/best` when the monitored value improves.
 *
 * @example
 * const ckpt = new ModelCheckpoint('runs/mlp', { monitor: 'val_accuracy' }); // or new ModelCheckpoint({ dir: 'runs/mlp', ... })
 * await trainer.fit(x, y, { epochs: 20, validationSplit: 0.1, callbacks: [ckpt] });
 * const best = await loadModel('runs/mlp/best');
 * // later, in a new process: await resumeTraining('runs/mlp/last', trainer)
 */
export class ModelCheckpoint implements Callback {
  readonly saveBestOnly: boolean;
  readonly verbose: 0 | 1;
  readonly initialValueThreshold: number | undefined;
  /** The epoch of the model in best/ (-1 before any). */
  bestEpoch = -1;
  private readonly monitor: Monitor;
  private trainer: Trainer | null = null;
  readonly dir: string;
  readonly allowNonFinite: boolean;

  constructor(dir: string, options?: ModelCheckpointOptions);
  constructor(options: ModelCheckpointOptions & { dir: string });
  constructor(dirOrOptions: string | ModelCheckpointOptions, options: ModelCheckpointOptions = {}) {
    if (typeof dirOrOptions === 'object' && dirOrOptions !== null) options = dirOrOptions;
    const dir = typeof dirOrOptions === 'string' ? dirOrOptions : options.dir;
    if (typeof dir !== 'string' || dir === '') throw new TypeError('ModelCheckpoint: dir must be a non-empty path');
    this.dir = dir;
    this.monitor = new Monitor('ModelCheckpoint', options.monitor ?? 'val_loss', options.mode);
    this.saveBestOnly = options.saveBestOnly ?? false;
    this.verbose = options.verbose ?? 0;
    this.initialValueThreshold = options.initialValueThreshold;
    this.allowNonFinite = options.allowNonFinite ?? false;
  }

  /** The best monitored value saved so far. */
  get best(): number {
    return this.monitor.best;
  }

  /** Where the checkpoint of the last epoch goes. */
  get lastDir(): string {
    return `${this.dir.replace(/[\\/]+$/, '')}/last`;
  }

  /** Where the best model goes. */
  get bestDir(): string {
    return `${this.dir.replace(/[\\/]+$/, '')}/best`;
  }

  setTrainer(trainer: Trainer): void {
    this.trainer = trainer;
  }

  onTrainBegin(): void {
    this.monitor.reset();
    if (this.initialValueThreshold !== undefined) this.monitor.best = this.initialValueThreshold;
  }

  /** The best value and its epoch (for a training checkpoint). */
  stateDict(): Record<string, unknown> {
    return { best: this.monitor.best, bestEpoch: this.bestEpoch };
  }

  /** Continues from `stateDict()` (a resumed fit calls it after onTrainBegin). */
  loadStateDict(state: unknown): void {
    const s = (state ?? {}) as Record<string, unknown>;
    if (typeof s.best !== 'number' || !Number.isInteger(s.bestEpoch)) {
      throw new TypeError(`ModelCheckpoint.loadStateDict: expected { best: number, bestEpoch: integer }, got ${JSON.stringify(s)}`);
    }
    this.monitor.best = s.best;
    this.bestEpoch = s.bestEpoch as number;
  }

  async onEpochEnd(epoch: number, logs: Logs): Promise<void> {
    const trainer = this.trainer;
    if (trainer === null) throw new Error('ModelCheckpoint: used outside fit (no trainer)');
    const metadata = { epoch: epoch + 1, logs: finite(logs) }; // the epoch counted from 1, as printed ('Epoch 3/10')
    if (!this.saveBestOnly) {
      await saveTrainingCheckpoint(this.lastDir, trainer, { epoch: epoch + 1, allowNonFinite: this.allowNonFinite });
      await saveModel(trainer.model, this.lastDir, { metadata, allowNonFinite: this.allowNonFinite });
    }
    const current = this.monitor.read(logs);
    if (current === undefined || !this.monitor.improves(current)) return;
    if (this.verbose > 0) {
      console.log(`Epoch ${epoch + 1}: ${this.monitor.monitor} improved from ${this.monitor.best} to ${current}, saving ${this.bestDir}`);
    }
    this.monitor.best = current;
    this.bestEpoch = epoch;
    await saveModel(trainer.model, this.bestDir, {
      metadata: { ...metadata, monitor: this.monitor.monitor, value: current },
      allowNonFinite: this.allowNonFinite,
    });
  }
}

/** Logs with non-finite values as strings, since model metadata is plain JSON. */
function finite(logs: Logs): Record<string, number | string> {
  return Object.fromEntries(Object.entries(logs).map(([k, v]) => [k, Number.isFinite(v) ? v : String(v)]));
}
