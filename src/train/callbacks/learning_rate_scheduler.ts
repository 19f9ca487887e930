// LearningRateScheduler: drives a learning-rate schedule from the training loop. A schedule object
// from src/optim is stepped after every epoch (or every batch, for OneCycleLR and warm-ups);
// ReduceLROnPlateau is stepped with the monitored value; a Keras-style function
// (epoch, lr) => lr sets the rate at the start of each epoch.

import { LRScheduler } from '../../optim/decay_lr.js';
import type { Optimizer } from '../../optim/optimizer.js';
import { ReduceLROnPlateau } from '../../optim/reduce_lr_on_plateau.js';
import type { Trainer } from '../trainer.js';
import type { Callback, Logs } from './callback.js';

/** A schedule as a function of the epoch (from 0) and the current rate, as Keras' LearningRateScheduler. */
export type ScheduleFn = (epoch: number, lr: number) => number;

export interface LearningRateSchedulerOptions {
  /** Step after every 'epoch' (default) or every 'batch'. ReduceLROnPlateau and functions are per epoch. */
  interval?: 'epoch' | 'batch';
  /** What ReduceLROnPlateau watches. Default 'val_loss', or 'loss' when there is no validation. */
  monitor?: string;
}

/**
 * Steps a learning-rate schedule as training goes.
 *
 * @example
 * const opt = new SGD(model.parameters(), { lr: 0.1, momentum: 0.9 });
 * const cb = new LearningRateScheduler(new StepLR(opt, { stepSize: 10, gamma: 0.1 }));
 * await compile(model, { optimizer: opt, loss: 'crossEntropy' }).fit(x, y, { epochs: 30, callbacks: [cb] });
 * // or per batch: new LearningRateScheduler(new OneCycleLR(opt, {...}), { interval: 'batch' })
 * // or Keras-style: new LearningRateScheduler((epoch, lr) => (epoch < 5 ? lr : lr * 0.9))
 */
export class LearningRateScheduler implements Callback {
  readonly interval: 'epoch' | 'batch';
  readonly monitor: string | undefined;
  private optimizer: Optimizer | null = null;

  constructor(
    readonly schedule: LRScheduler | ReduceLROnPlateau | ScheduleFn,
    options: LearningRateSchedulerOptions = {},
  ) {
    this.interval = options.interval ?? 'epoch';
    this.monitor = options.monitor;
    const isObject = schedule instanceof LRScheduler || schedule instanceof ReduceLROnPlateau;
    if (!isObject && typeof schedule !== 'function') {
      throw new TypeError('LearningRateScheduler: expected an LR scheduler from tessera optim, or a function (epoch, lr) => lr');
    }
    if (this.interval !== 'epoch' && this.interval !== 'batch') {
      throw new RangeError(`LearningRateScheduler: interval must be 'epoch' or 'batch', got ${JSON.stringify(this.interval)}`);
    }
    if (this.interval === 'batch' && !(schedule instanceof LRScheduler)) {
      throw new RangeError(
        "LearningRateScheduler: interval 'batch' needs a step-driven scheduler (ReduceLROnPlateau and functions run per epoch)",
      );
    }
    if (isObject) this.optimizer = schedule.optimizer;
  }

  setTrainer(trainer: Trainer): void {
    this.optimizer ??= trainer.optimizer;
  }

  /** The schedule's position (for a training checkpoint); {} for a function schedule, which keeps none. */
  stateDict(): Record<string, unknown> {
    return typeof this.schedule === 'function' ? {} : { schedule: this.schedule.stateDict() };
  }

  /** Continues from `stateDict()` (a resumed fit calls it after onTrainBegin). */
  loadStateDict(state: unknown): void {
    const s = (state ?? {}) as { schedule?: Record<string, unknown> };
    if (typeof this.schedule !== 'function' && s.schedule !== undefined) this.schedule.loadStateDict(s.schedule);
  }

  onEpochBegin(epoch: number): void {
    if (typeof this.schedule !== 'function' || this.optimizer === null) return;
    for (const g of this.optimizer.paramGroups) {
      const lr = this.schedule(epoch, g.lr);
      if (typeof lr !== 'number' || !(lr >= 0))
        throw new RangeError(`LearningRateScheduler: the schedule returned ${lr} for epoch ${epoch}; expected a number >= 0`);
      g.lr = lr;
    }
  }

  onBatchEnd(): void {
    if (this.interval === 'batch') (this.schedule as LRScheduler).step();
  }

  onEpochEnd(_epoch: number, logs: Logs): void {
    const s = this.schedule;
    if (s instanceof ReduceLROnPlateau) {
      const key = this.monitor ?? ('val_loss' in logs ? 'val_loss' : 'loss');
      const value = logs[key];
      if (value === undefined) {
        throw new RangeError(
          `LearningRateScheduler: ReduceLROnPlateau monitors '${key}', which is not in the logs (${Object.keys(logs).join(', ')})`,
        );
      }
      s.step(value);
    } else if (s instanceof LRScheduler && this.interval === 'epoch') s.step();
  }
}
