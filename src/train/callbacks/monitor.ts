// Watching one value of the logs for improvement, shared by EarlyStopping, ModelCheckpoint and the
// plateau scheduler: 'auto' mode decides from the name whether lower or higher is better, as Keras.

import type { Logs } from './callback.js';

/** Whether the monitored value should fall ('min'), rise ('max'), or be guessed from its name ('auto'). */
export type MonitorMode = 'auto' | 'min' | 'max';

const HIGHER_IS_BETTER = /(^|_)(acc|accuracy|top\d+|precision|recall|f1|auc)$/;
const LOWER_IS_BETTER = /(^|_)(loss|mae|mse|error|crossentropy)$/i;

/**
 * 'min' or 'max' for `monitor`: the given mode, or from the name ('val_accuracy' -> 'max', 'val_loss' -> 'min').
 * @example resolveMode('EarlyStopping', 'val_f1', 'auto') // 'max'
 */
export function resolveMode(owner: string, monitor: string, mode: MonitorMode = 'auto'): 'min' | 'max' {
  if (mode === 'min' || mode === 'max') return mode;
  if (mode !== 'auto') throw new RangeError(`${owner}: mode must be 'auto', 'min' or 'max', got ${JSON.stringify(mode)}`);
  if (HIGHER_IS_BETTER.test(monitor)) return 'max';
  if (LOWER_IS_BETTER.test(monitor)) return 'min';
  throw new RangeError(`${owner}: cannot tell whether '${monitor}' should fall or rise; pass mode: 'min' or mode: 'max'`);
}

/**
 * Tracks the best value of one log entry.
 * @example const m = new Monitor('EarlyStopping', 'val_loss'); m.improves(0.3); // true before any value
 */
export class Monitor {
  readonly mode: 'min' | 'max';
  /** The best value so far (Infinity or -Infinity before any). */
  best: number;
  private warned = false;

  constructor(
    readonly owner: string,
    readonly monitor: string,
    mode: MonitorMode = 'auto',
    /** How much better a value must be to count as an improvement. */
    readonly minDelta = 0,
  ) {
    if (typeof monitor !== 'string' || monitor === '') throw new TypeError(`${owner}: monitor must be a log name such as 'val_loss'`);
    if (!(minDelta >= 0)) throw new RangeError(`${owner}: minDelta must be >= 0, got ${minDelta}`);
    this.mode = resolveMode(owner, monitor, mode);
    this.best = this.worst();
  }

  worst(): number {
    return this.mode === 'min' ? Number.POSITIVE_INFINITY : Number.NEGATIVE_INFINITY;
  }

  /** Whether `value` beats `reference` (default: the best so far) by more than minDelta. */
  improves(value: number, reference = this.best): boolean {
    if (Number.isNaN(value)) return false;
    return this.mode === 'min' ? value < reference - this.minDelta : value > reference + this.minDelta;
  }

  /** The monitored value in `logs`, or undefined (with a warning, once) when it is absent. */
  read(logs: Logs): number | undefined {
    const v = logs[this.monitor];
    if (v === undefined && !this.warned) {
      this.warned = true;
      console.warn(
        `${this.owner}: '${this.monitor}' is not in the logs (available: ${Object.keys(logs).join(', ') || 'none'}); ` +
          `${this.monitor.startsWith('val_') ? 'pass validationData or validationSplit to fit, or ' : ''}choose another monitor`,
      );
    }
    return v;
  }

  reset(): void {
    this.best = this.worst();
  }
}
