// The callback protocol of `Trainer.fit`, as Keras': hooks at the start and end of training, of each
// epoch and of each batch, receiving the logs (loss, metrics, val_ metrics). A callback is any object
// with some of these methods; a hook may return a Promise (writing files), which fit awaits. The
// CallbackList runs hooks in order and awaits only when a hook actually returned a Promise.

import type { Trainer } from '../trainer.js';

/** Numbers by name: `{ loss, accuracy, val_loss, val_accuracy, learning_rate }`. */
export type Logs = Record<string, number>;

/** What fit tells callbacks about the run (Keras' `params`). */
export interface TrainingParams {
  /** The epoch fit stops at (exclusive): epochs run are initialEpoch .. epochs - 1. */
  epochs: number;
  initialEpoch: number;
  /** Batches per epoch. */
  steps: number;
  /** Training samples per epoch. */
  samples: number;
  batchSize: number;
  verbose: 0 | 1 | 2;
  /** Names of the loss and metrics, in log order (without val_). */
  metrics: string[];
}

/** What a hook may return: nothing, or a Promise that fit waits for. */
export type HookResult = void | Promise<void>;

/**
 * A training callback: implement any of the hooks. Epochs and batches are counted from 0.
 *
 * @example
 * const printer: Callback = { onEpochEnd: (epoch, logs) => console.log(epoch, logs.loss) };
 * await trainer.fit(x, y, { epochs: 5, callbacks: [printer] });
 */
export interface Callback {
  /** Called once before training with the trainer and the run's parameters. */
  setTrainer?(trainer: Trainer, params: TrainingParams): void;
  onTrainBegin?(logs: Logs): HookResult;
  /** `logs` are the last epoch's. */
  onTrainEnd?(logs: Logs): HookResult;
  onEpochBegin?(epoch: number, logs: Logs): HookResult;
  /** `logs` hold the epoch's loss and metrics, val_ ones when validating, and learning_rate. */
  onEpochEnd?(epoch: number, logs: Logs): HookResult;
  onBatchBegin?(batch: number, logs: Logs): HookResult;
  /** `logs` hold the running loss and metrics of the epoch so far. */
  onBatchEnd?(batch: number, logs: Logs): HookResult;
  /**
   * The callback's state (JSON, tensors and Maps allowed), saved in training checkpoints; with
   * `loadStateDict`, a resumed fit continues the callback where it was (after `onTrainBegin`).
   */
  stateDict?(): unknown;
  /** Restores what `stateDict` returned; called by a resumed fit right after `onTrainBegin`. */
  loadStateDict?(state: unknown): void;
}

type Hook = 'onTrainBegin' | 'onTrainEnd' | 'onEpochBegin' | 'onEpochEnd' | 'onBatchBegin' | 'onBatchEnd';

/**
 * Runs hooks of several callbacks in order. Returns undefined when every hook ran synchronously, so
 * the training loop only awaits when a callback needs it.
 * @example const list = new CallbackList([history, progress]); await list.call('onEpochEnd', 0, logs);
 */
export class CallbackList {
  constructor(readonly callbacks: readonly Callback[]) {}

  setTrainer(trainer: Trainer, params: TrainingParams): void {
    for (const c of this.callbacks) c.setTrainer?.(trainer, params);
  }

  /** The state of every callback that has stateDict and loadStateDict, with its class name, in order. */
  states(): { type: string; state: unknown }[] {
    return this.stateful().map((c) => ({ type: typeName(c), state: c.stateDict?.() }));
  }

  /**
   * Gives each stateful callback the saved state of the same type and rank (the 2nd EarlyStopping
   * gets the 2nd saved EarlyStopping state); callbacks without a saved state keep theirs.
   */
  loadStates(saved: readonly { type: string; state: unknown }[]): void {
    const seen = new Map<string, number>();
    for (const c of this.stateful()) {
      const type = typeName(c);
      const rank = seen.get(type) ?? 0;
      seen.set(type, rank + 1);
      const match = saved.filter((s) => s.type === type)[rank];
      if (match !== undefined) c.loadStateDict?.(match.state);
    }
  }

  private stateful(): Callback[] {
    return this.callbacks.filter((c) => typeof c.stateDict === 'function' && typeof c.loadStateDict === 'function');
  }

  call(hook: 'onTrainBegin' | 'onTrainEnd', logs: Logs): HookResult;
  call(hook: 'onEpochBegin' | 'onEpochEnd' | 'onBatchBegin' | 'onBatchEnd', index: number, logs: Logs): HookResult;
  call(hook: Hook, ...args: [Logs] | [number, Logs]): HookResult {
    const cbs = this.callbacks;
    for (let i = 0; i < cbs.length; i++) {
      const fn = cbs[i][hook] as ((...a: unknown[]) => HookResult) | undefined;
      const r = fn?.apply(cbs[i], args);
      if (r instanceof Promise) return this.finishAsync(r, hook, args, i + 1);
    }
    return undefined;
  }

  private async finishAsync(pending: Promise<void>, hook: Hook, args: unknown[], from: number): Promise<void> {
    await pending;
    for (let i = from; i < this.callbacks.length; i++) {
      const c = this.callbacks[i];
      await (c[hook] as ((...a: unknown[]) => HookResult) | undefined)?.apply(c, args);
    }
  }
}

/** A callback's class name ('Object' for a plain object). */
function typeName(c: Callback): string {
  return (c as { constructor?: { name?: string } }).constructor?.name ?? 'Object';
}
