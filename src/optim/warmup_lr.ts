// Warm-up schedules: ConstantLR (a flat reduced rate for the first steps) and LinearLR (a factor
// moving linearly, for a warm-up or a linear decay), as PyTorch 1.13's, in its recursive form.

import { checkInt, checkRange, LRScheduler } from './decay_lr.js';
import type { Optimizer } from './optimizer.js';

export interface ConstantLROptions {
  /** Factor applied for the first totalIters steps. Default 1/3. */
  factor?: number;
  /** Steps at the reduced rate. Default 5. */
  totalIters?: number;
}

/**
 * Multiplies the learning rate by a constant factor for the first totalIters steps (a flat warm-up).
 * @example new ConstantLR(opt, { factor: 0.5, totalIters: 4 }) // half the rate for 4 steps
 */
export class ConstantLR extends LRScheduler {
  readonly factor: number;
  readonly totalIters: number;

  constructor(optimizer: Optimizer, options: ConstantLROptions = {}) {
    super(optimizer, 'ConstantLR');
    this.factor = options.factor ?? 1 / 3;
    this.totalIters = options.totalIters ?? 5;
    checkRange('ConstantLR', 'factor', this.factor, 0, 1, true);
    checkInt('ConstantLR', 'totalIters', this.totalIters, 0);
    this.step();
  }

  protected getLr(): number[] {
    if (this.lastEpoch === 0) return this.groupLrs().map((lr) => lr * this.factor);
    if (this.lastEpoch !== this.totalIters) return this.groupLrs();
    return this.groupLrs().map((lr) => lr * (1 / this.factor));
  }

  protected override closedFormLr(): number[] {
    return this.baseLrs.map((b) => b * (this.factor + (this.lastEpoch >= this.totalIters ? 1 - this.factor : 0)));
  }
}

export interface LinearLROptions {
  /** Factor at step 0. Default 1/3. */
  startFactor?: number;
  /** Factor from step totalIters on. Default 1. */
  endFactor?: number;
  /** Steps over which the factor moves linearly from startFactor to endFactor. Default 5. */
  totalIters?: number;
}

/**
 * Scales the learning rate by a factor moving linearly from startFactor to endFactor over
 * totalIters steps: a linear warm-up (startFactor < 1) or a linear decay (endFactor < 1).
 * @example new LinearLR(opt, { startFactor: 0.1, totalIters: 500 }) // warm up over 500 steps
 */
export class LinearLR extends LRScheduler {
  readonly startFactor: number;
  readonly endFactor: number;
  readonly totalIters: number;

  constructor(optimizer: Optimizer, options: LinearLROptions = {}) {
    super(optimizer, 'LinearLR');
    this.startFactor = options.startFactor ?? 1 / 3;
    this.endFactor = options.endFactor ?? 1;
    this.totalIters = options.totalIters ?? 5;
    checkRange('LinearLR', 'startFactor', this.startFactor, 0, 1, true);
    checkRange('LinearLR', 'endFactor', this.endFactor, 0, 1);
    checkInt('LinearLR', 'totalIters', this.totalIters, 1);
    this.step();
  }

  protected getLr(): number[] {
    const { startFactor: s, endFactor: e, totalIters: n, lastEpoch: t } = this;
    if (t === 0) return this.groupLrs().map((lr) => lr * s);
    if (t > n) return this.groupLrs();
    return this.groupLrs().map((lr) => lr * (1 + (e - s) / (n * s + (t - 1) * (e - s))));
  }

  protected override closedFormLr(): number[] {
    const { startFactor: s, endFactor: e, totalIters: n } = this;
    return this.baseLrs.map((b) => b * (s + ((e - s) * Math.min(n, this.lastEpoch)) / n));
  }
}
