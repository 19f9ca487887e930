// History: the epoch-by-epoch logs of a run, which fit always records and returns (Keras' History).

import type { Callback, Logs, TrainingParams } from './callback.js';

/**
 * Epoch-wise logs: `history.history.loss[e]` is epoch e's loss; `history.epoch` lists the epochs.
 *
 * @example
 * const history = await trainer.fit(x, y, { epochs: 3, validationSplit: 0.2 });
 * history.history.val_accuracy; // [0.71, 0.78, 0.80]
 * history.last();               // { loss: ..., accuracy: ..., val_loss: ..., ... } of the last epoch
 * history.weightsEpoch;         // 2: the epoch whose weights the model holds (earlier when EarlyStopping restored one)
 * history.weightsLogs;          // that epoch's logs: what describes the model as it is now
 */
export class History implements Callback {
  /** Values per log name, one per epoch recorded. */
  history: Record<string, number[]> = {};
  /** The epoch index of each entry. */
  epoch: number[] = [];
  params: TrainingParams | null = null;
  /**
   * The epoch (counted from 0, as `epoch`) whose weights the model holds after fit: the last one
   * trained, or an earlier one put back (EarlyStopping with restoreBestWeights); -1 before any.
   */
  weightsEpoch = -1;
  /** The epoch whose weights were put back at the end of fit, or null when the model holds the last epoch's. */
  restoredEpoch: number | null = null;
  /**
   * The logs of `weightsEpoch`, describing the weights the model holds: training loss and metrics as
   * logged in that epoch, validation ones (`val_`) recomputed on the restored weights when restored.
   */
  weightsLogs: Logs = {};

  setTrainer(_trainer: unknown, params: TrainingParams): void {
    this.params = params;
  }

  onEpochEnd(epoch: number, logs: Logs): void {
    this.epoch.push(epoch);
    const n = this.epoch.length;
    for (const [k, v] of Object.entries(logs)) {
      // a key first seen late is padded with NaN for the epochs without it
      this.history[k] ??= new Array<number>(n - 1).fill(Number.NaN);
      this.history[k].push(v);
    }
    for (const series of Object.values(this.history)) if (series.length < n) series.push(Number.NaN);
  }

  /** The logs of the last recorded epoch ({} before any). */
  last(): Logs {
    const i = this.epoch.length - 1;
    if (i < 0) return {};
    return Object.fromEntries(Object.entries(this.history).map(([k, v]) => [k, v[i]]));
  }
}
