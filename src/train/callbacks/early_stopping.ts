// EarlyStopping: stops training when a monitored value has stopped improving, optionally putting
// back the weights of its best epoch, with Keras 3's semantics.

import { noGrad } from '../../core/autograd.js';
import type { StateDict } from '../../nn/module.js';
import type { Trainer } from '../trainer.js';
import type { Callback, Logs } from './callback.js';
import { Monitor, type MonitorMode } from './monitor.js';

export interface EarlyStoppingOptions {
  /** The log value to watch. Default 'val_loss'. */
  monitor?: string;
  /** The smallest change that counts as an improvement. Default 0. */
  minDelta?: number;
  /** Epochs without improvement before stopping. Default 0. */
  patience?: number;
  /** 'min', 'max', or 'auto' (from the monitor's name). Default 'auto'. */
  mode?: MonitorMode;
  /** Keep training until the value beats this, whatever the patience. Default none. */
  baseline?: number;
  /** At the end of training, load the weights of the best epoch (a cloned state dict). Default false. */
  restoreBestWeights?: boolean;
  /** Epochs to train before watching (warm-up). Default 0. */
  startFromEpoch?: number;
  /** 1: say when training stops and weights are restored. Default 0. */
  verbose?: 0 | 1;
}

/**
 * Stops `fit` once the monitored value has not improved for `patience` epochs.
 *
 * @example
 * const stop = new EarlyStopping({ monitor: 'val_loss', patience: 3, restoreBestWeights: true });
 * await trainer.fit(x, y, { epochs: 100, validationSplit: 0.1, callbacks: [stop] });
 * stop.stoppedEpoch; // the epoch training stopped at (0 if it ran to the end)
 */
export class EarlyStopping implements Callback {
  readonly patience: number;
  readonly baseline: number | undefined;
  readonly restoreBestWeights: boolean;
  readonly startFromEpoch: number;
  readonly verbose: 0 | 1;
  /** Epochs since the last improvement. */
  wait = 0;
  /** The epoch training was stopped at (0 when it was not stopped). */
  stoppedEpoch = 0;
  /** The epoch of the best value (-1 before any). */
  bestEpoch = -1;
  private readonly monitor: Monitor;
  private bestWeights: StateDict | null = null;
  /** The epoch bestWeights were taken at. */
  private bestWeightsEpoch = -1;
  private trainer: Trainer | null = null;

  constructor(options: EarlyStoppingOptions = {}) {
    this.monitor = new Monitor('EarlyStopping', options.monitor ?? 'val_loss', options.mode, options.minDelta ?? 0);
    this.patience = options.patience ?? 0;
    this.baseline = options.baseline;
    this.restoreBestWeights = options.restoreBestWeights ?? false;
    this.startFromEpoch = options.startFromEpoch ?? 0;
    this.verbose = options.verbose ?? 0;
    if (!Number.isInteger(this.patience) || this.patience < 0) {
      throw new RangeError(`EarlyStopping: patience must be an integer >= 0, got ${this.patience}`);
    }
  }

  /** The best monitored value so far. */
  get best(): number {
    return this.monitor.best;
  }

  setTrainer(trainer: Trainer): void {
    this.trainer = trainer;
  }

  onTrainBegin(): void {
    this.wait = 0;
    this.stoppedEpoch = 0;
    this.bestEpoch = -1;
    this.bestWeights = null;
    this.bestWeightsEpoch = -1;
    this.monitor.reset();
  }

  onEpochEnd(epoch: number, logs: Logs): void {
    const current = this.monitor.read(logs);
    if (current === undefined || epoch < this.startFromEpoch) return;
    if (this.restoreBestWeights && this.bestWeights === null) this.snapshot(epoch); // the first epoch watched
    this.wait++;
    if (this.monitor.improves(current)) {
      this.monitor.best = current;
      this.bestEpoch = epoch;
      if (this.restoreBestWeights) this.snapshot(epoch);
      if (this.baseline === undefined || this.monitor.improves(current, this.baseline)) this.wait = 0;
      return;
    }
    if (this.wait >= this.patience && epoch > 0) {
      this.stoppedEpoch = epoch;
      if (this.trainer) this.trainer.stopTraining = true;
    }
  }

  onTrainEnd(): void {
    if (this.stoppedEpoch > 0 && this.verbose > 0) console.log(`Epoch ${this.stoppedEpoch + 1}: early stopping`);
    if (this.restoreBestWeights && this.bestWeights !== null && this.trainer !== null) {
      if (this.verbose > 0) console.log(`Restoring the weights of the best epoch: ${this.bestWeightsEpoch + 1}.`);
      this.trainer.restoreWeights(this.bestWeights, this.bestWeightsEpoch);
    }
  }

  /** Patience, best value and epoch, and the best weights (for a training checkpoint). */
  stateDict(): Record<string, unknown> {
    return {
      wait: this.wait,
      stoppedEpoch: this.stoppedEpoch,
      bestEpoch: this.bestEpoch,
      best: this.monitor.best,
      bestWeights: this.bestWeights,
      bestWeightsEpoch: this.bestWeightsEpoch,
    };
  }

  /** Continues from `stateDict()` (a resumed fit calls it after onTrainBegin). */
  loadStateDict(state: unknown): void {
    const s = (state ?? {}) as Record<string, unknown>;
    const int = (key: string) => {
      const v = s[key];
      if (!Number.isInteger(v)) throw new TypeError(`EarlyStopping.loadStateDict: '${key}' must be an integer, got ${JSON.stringify(v)}`);
      return v as number;
    };
    if (typeof s.best !== 'number')
      throw new TypeError(`EarlyStopping.loadStateDict: 'best' must be a number, got ${JSON.stringify(s.best)}`);
    if (s.bestWeights !== null && !(s.bestWeights instanceof Map))
      throw new TypeError('EarlyStopping.loadStateDict: bestWeights must be a state dict (Map) or null');
    this.wait = int('wait');
    this.stoppedEpoch = int('stoppedEpoch');
    this.bestEpoch = int('bestEpoch');
    this.bestWeightsEpoch = int('bestWeightsEpoch');
    this.monitor.best = s.best;
    this.bestWeights = s.bestWeights as StateDict | null;
  }

  /** Keeps a copy of the model's state dict as the weights of `epoch` (stateDict() shares memory with the model). */
  private snapshot(epoch: number): void {
    const model = (this.trainer as Trainer).model;
    this.bestWeights = noGrad(() => new Map([...model.stateDict()].map(([k, t]) => [k, t.clone()])));
    this.bestWeightsEpoch = epoch;
  }
}
