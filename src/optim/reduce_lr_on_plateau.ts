// ReduceLROnPlateau: cuts the learning rate when a metric stops improving, as PyTorch 1.13's
// torch.optim.lr_scheduler.ReduceLROnPlateau. Driven by the metric, not by the step count.

import { describeValue, Tensor } from '../core/tensor.js';
import { checkInt, checkRange, loadPlainState, plainState } from './decay_lr.js';
import { Optimizer } from './optimizer.js';

export interface ReduceLROnPlateauOptions {
  /** 'min': the metric should fall (a loss); 'max': it should rise (an accuracy). Default 'min'. */
  mode?: 'min' | 'max';
  /** Factor applied to the learning rate on a plateau. Default 0.1. */
  factor?: number;
  /** Steps without improvement tolerated before reducing. Default 10. */
  patience?: number;
  /** Smallest change that counts as an improvement. Default 1e-4. */
  threshold?: number;
  /** 'rel': better than best * (1 -/+ threshold); 'abs': better than best -/+ threshold. Default 'rel'. */
  thresholdMode?: 'rel' | 'abs';
  /** Steps to wait after a reduction before counting bad steps again. Default 0. */
  cooldown?: number;
  /** The lowest learning rate, for all groups or per group. Default 0. */
  minLr?: number | number[];
  /** Reductions smaller than this are skipped. Default 1e-8. */
  eps?: number;
}

const INF = Number.POSITIVE_INFINITY;

/**
 * Multiplies each group's learning rate by `factor` once the metric passed to `step` has not
 * improved for more than `patience` steps.
 *
 * @example
 * const sched = new ReduceLROnPlateau(opt, { mode: 'min', factor: 0.5, patience: 3 });
 * for (let epoch = 0; epoch < 50; epoch++) { train(); sched.step(validationLoss()); }
 */
export class ReduceLROnPlateau {
  readonly name = 'ReduceLROnPlateau';
  readonly mode: 'min' | 'max';
  readonly factor: number;
  readonly patience: number;
  readonly threshold: number;
  readonly thresholdMode: 'rel' | 'abs';
  readonly cooldown: number;
  readonly minLrs: number[];
  readonly eps: number;
  /** The best metric so far (null before the first step). */
  best: number | null = null;
  numBadEpochs = 0;
  cooldownCounter = 0;
  /** Steps taken. */
  lastEpoch = 0;
  private lastLr: number[];

  constructor(
    readonly optimizer: Optimizer,
    options: ReduceLROnPlateauOptions = {},
  ) {
    const w = 'ReduceLROnPlateau';
    if (!(optimizer instanceof Optimizer)) throw new TypeError(`${w}: expected an Optimizer, got ${describeValue(optimizer)}`);
    this.mode = options.mode ?? 'min';
    this.thresholdMode = options.thresholdMode ?? 'rel';
    if (this.mode !== 'min' && this.mode !== 'max') throw new RangeError(`${w}: mode must be 'min' or 'max', got '${this.mode}'`);
    if (this.thresholdMode !== 'rel' && this.thresholdMode !== 'abs') {
      throw new RangeError(`${w}: thresholdMode must be 'rel' or 'abs', got '${this.thresholdMode}'`);
    }
    this.factor = options.factor ?? 0.1;
    this.patience = options.patience ?? 10;
    this.threshold = options.threshold ?? 1e-4;
    this.cooldown = options.cooldown ?? 0;
    this.eps = options.eps ?? 1e-8;
    checkRange(w, 'factor', this.factor, 0, 1, false, true);
    checkInt(w, 'patience', this.patience, 0);
    checkRange(w, 'threshold', this.threshold, 0, INF, false, true);
    checkInt(w, 'cooldown', this.cooldown, 0);
    checkRange(w, 'eps', this.eps, 0, INF, false, true);
    const groups = optimizer.paramGroups.length;
    const minLr = options.minLr ?? 0;
    if (Array.isArray(minLr) && minLr.length !== groups)
      throw new RangeError(`${w}: expected ${groups} minLr values (one per group), got ${minLr.length}`);
    this.minLrs = Array.isArray(minLr) ? [...minLr] : new Array<number>(groups).fill(minLr);
    for (const [i, m] of this.minLrs.entries()) checkRange(w, `minLr[${i}]`, m, 0, INF, false, true);
    this.lastLr = optimizer.paramGroups.map((g) => g.lr);
  }

  /** Records this step's metric (a number or a one-element tensor) and reduces the rates on a plateau. */
  step(metric: number | Tensor): void {
    const current = metric instanceof Tensor ? metric.item() : metric;
    if (typeof current !== 'number')
      throw new TypeError(`ReduceLROnPlateau.step: metric must be a number or a one-element Tensor, got ${describeValue(metric)}`);
    this.lastEpoch++;
    if (this.isBetter(current)) {
      this.best = current;
      this.numBadEpochs = 0;
    } else {
      this.numBadEpochs++;
    }
    if (this.cooldownCounter > 0) {
      this.cooldownCounter--;
      this.numBadEpochs = 0; // bad steps during a cooldown do not count
    }
    if (this.numBadEpochs > this.patience) {
      this.optimizer.paramGroups.forEach((g, i) => {
        const next = Math.max(g.lr * this.factor, this.minLrs[i]);
        if (g.lr - next > this.eps) g.lr = next;
      });
      this.cooldownCounter = this.cooldown;
      this.numBadEpochs = 0;
    }
    this.lastLr = this.optimizer.paramGroups.map((g) => g.lr);
  }

  private isBetter(a: number): boolean {
    const best = this.best ?? (this.mode === 'min' ? INF : -INF);
    if (this.mode === 'min') return this.thresholdMode === 'rel' ? a < best * (1 - this.threshold) : a < best - this.threshold;
    return this.thresholdMode === 'rel' ? a > best * (this.threshold + 1) : a > best + this.threshold;
  }

  /** The learning rate of each group after the last step. */
  getLastLr(): number[] {
    return [...this.lastLr];
  }

  /** The schedule's state: its settings, the best metric and its counters, JSON-able. */
  stateDict(): Record<string, unknown> {
    return plainState(this);
  }

  /** Restores state saved by `stateDict`. */
  loadStateDict(dict: Record<string, unknown>): void {
    loadPlainState(this, dict);
  }
}
