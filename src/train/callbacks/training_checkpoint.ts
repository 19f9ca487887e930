// TrainingCheckpoint: keeps one resumable training checkpoint of the run up to date: after every
// epoch, and every `everySteps` optimizer steps inside an epoch. A run killed at any instant resumes
// (resumeTraining, or `tessera train --resume`) from the latest one, mid-epoch included, and ends with
// the weights an uninterrupted run ends with. Put it after every other callback: the checkpoint then
// holds their state after the epoch or batch it was taken at.

import type { Trainer } from '../trainer.js';
import { saveTrainingCheckpoint } from '../trainer_checkpoint.js';
import type { Callback, Logs, TrainingParams } from './callback.js';

export interface TrainingCheckpointCallbackOptions {
  /** Also save every this many optimizer steps inside an epoch (0: only at the end of each epoch). Default 0. */
  everySteps?: number;
  /** Anything to keep beside the training state (JSON, tensors allowed): resumeTraining returns it. Default {}. */
  extra?: Record<string, unknown>;
  /** Save a diverged run's NaN or infinite weights too; by default such a save stops `fit` with an error naming the tensor. Default false. */
  allowNonFinite?: boolean;
}

/**
 * Saves a resumable training checkpoint into `dir` after every epoch and every `everySteps` steps.
 *
 * @example
 * const ckpt = new TrainingCheckpoint('runs/mlp/checkpoint', { everySteps: 500 });
 * await trainer.fit(x, y, { epochs: 20, callbacks: [stop, ckpt] });
 * // after a crash, in a new process with the same model, optimizer and callbacks:
 * await resumeTraining('runs/mlp/checkpoint', trainer);
 * await trainer.fit(x, y, { epochs: 20, callbacks: [stop, ckpt] }); // the same final weights
 */
export class TrainingCheckpoint implements Callback {
  readonly everySteps: number;
  readonly extra: Record<string, unknown>;
  readonly allowNonFinite: boolean;
  /** Checkpoints written by this callback. */
  saves = 0;
  private trainer: Trainer | null = null;
  private steps = 0;

  constructor(
    readonly dir: string,
    options: TrainingCheckpointCallbackOptions = {},
  ) {
    if (typeof dir !== 'string' || dir === '') throw new TypeError('TrainingCheckpoint: dir must be a non-empty path');
    this.everySteps = options.everySteps ?? 0;
    if (!Number.isInteger(this.everySteps) || this.everySteps < 0) {
      throw new RangeError(`TrainingCheckpoint: everySteps must be an integer >= 0 (0: at epoch ends only), got ${this.everySteps}`);
    }
    this.extra = options.extra ?? {};
    this.allowNonFinite = options.allowNonFinite ?? false;
  }

  setTrainer(trainer: Trainer, params: TrainingParams): void {
    this.trainer = trainer;
    this.steps = params.steps;
  }

  async onBatchEnd(batch: number): Promise<void> {
    const t = this.trainer;
    // the last batch of an epoch is saved by onEpochEnd, after validation
    if (t === null || this.everySteps === 0 || t.step % this.everySteps !== 0 || batch >= this.steps - 1 || t.stopTraining) return;
    await this.save(t);
  }

  async onEpochEnd(epoch: number, _logs: Logs): Promise<void> {
    if (this.trainer !== null) await this.save(this.trainer, epoch + 1);
  }

  private async save(trainer: Trainer, epoch?: number): Promise<void> {
    await saveTrainingCheckpoint(this.dir, trainer, {
      ...(epoch === undefined ? {} : { epoch }),
      extra: this.extra,
      allowNonFinite: this.allowNonFinite,
    });
    this.saves++;
  }
}
