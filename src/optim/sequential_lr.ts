// SequentialLR: runs schedules one after another, switching at milestone steps, as PyTorch 1.13's
// torch.optim.lr_scheduler.SequentialLR (a warm-up followed by a decay is the usual pair).

import { describeValue } from '../core/tensor.js';
import { checkInt, LRScheduler, loadPlainState, plainState } from './decay_lr.js';
import type { Optimizer } from './optimizer.js';

export interface SequentialLROptions {
  /** The schedules, in order, all built on the same optimizer. */
  schedulers: LRScheduler[];
  /** The steps at which each next schedule takes over: one fewer than the schedules, increasing. */
  milestones: number[];
}

/**
 * Runs `schedulers` in turn: the first until milestones[0], the second from there (restarted at its
 * own step 0) until milestones[1], and so on.
 *
 * @example
 * // linear warm-up over 5 epochs, then cosine decay over the remaining 95
 * const warmUp = new LinearLR(opt, { startFactor: 0.1, totalIters: 5 });
 * const decay = new CosineAnnealingLR(opt, { tMax: 95 });
 * const sched = new SequentialLR(opt, { schedulers: [warmUp, decay], milestones: [5] });
 */
export class SequentialLR extends LRScheduler {
  readonly schedulers: LRScheduler[];
  readonly milestones: number[];

  constructor(optimizer: Optimizer, options: SequentialLROptions) {
    super(optimizer, 'SequentialLR');
    const { schedulers, milestones } = options ?? {};
    if (!Array.isArray(schedulers) || schedulers.length === 0) {
      throw new TypeError(`SequentialLR: schedulers must be a non-empty array of schedules, got ${describeValue(schedulers)}`);
    }
    schedulers.forEach((s, i) => {
      if (!(s instanceof LRScheduler))
        throw new TypeError(`SequentialLR: schedulers[${i}] is not a step-driven schedule, got ${describeValue(s)}`);
      if (s.optimizer !== optimizer) throw new RangeError(`SequentialLR: schedulers[${i}] belongs to a different optimizer`);
    });
    if (!Array.isArray(milestones) || milestones.length !== schedulers.length - 1) {
      throw new RangeError(
        `SequentialLR: expected ${schedulers.length - 1} milestones for ${schedulers.length} schedulers, got ${Array.isArray(milestones) ? milestones.length : describeValue(milestones)}`,
      );
    }
    milestones.forEach((m, i) => {
      checkInt('SequentialLR', `milestones[${i}]`, m, 1);
      if (i > 0 && m <= milestones[i - 1])
        throw new RangeError(`SequentialLR: milestones must increase, got ${JSON.stringify(milestones)}`);
    });
    this.schedulers = [...schedulers];
    this.milestones = [...milestones];
    // Undo the first steps the schedules took when they were built, and start the first one again.
    this.lastEpoch = 0;
    for (const g of optimizer.paramGroups) g.lr = g.initialLr as number;
    for (const s of this.schedulers) s.lastEpoch -= 1;
    this.schedulers[0].step();
    this.lastLr = this.schedulers[0].getLastLr();
  }

  protected getLr(): number[] {
    return this.groupLrs();
  }

  override step(): void {
    this.lastEpoch++;
    let idx = 0;
    while (idx < this.milestones.length && this.milestones[idx] <= this.lastEpoch) idx++;
    const s = this.schedulers[idx];
    if (idx > 0 && this.milestones[idx - 1] === this.lastEpoch) LRScheduler.restart(s);
    else s.step();
    this.lastLr = s.getLastLr();
  }

  /** This schedule's counters and each inner schedule's state dict. */
  override stateDict(): Record<string, unknown> {
    return { ...plainState(this, ['schedulers']), schedulers: this.schedulers.map((s) => s.stateDict()) };
  }

  override loadStateDict(dict: Record<string, unknown>): void {
    const inner = dict?.schedulers;
    if (!Array.isArray(inner) || inner.length !== this.schedulers.length) {
      throw new RangeError(
        `SequentialLR.loadStateDict: expected states of ${this.schedulers.length} schedulers, got ${Array.isArray(inner) ? inner.length : describeValue(inner)}`,
      );
    }
    loadPlainState(this, dict, ['schedulers']);
    for (const [i, s] of this.schedulers.entries()) s.loadStateDict(inner[i] as Record<string, unknown>);
  }
}
