// OneCycleLR: the 1cycle policy (Smith & Topin), as PyTorch 1.13's
// torch.optim.lr_scheduler.OneCycleLR: the learning rate rises from maxLr / divFactor to maxLr and
// anneals to maxLr / (divFactor * finalDivFactor), while momentum (or Adam's beta1) moves the
// opposite way. Step it once per batch.

import { checkInt, checkRange, LRScheduler } from './decay_lr.js';
import type { Optimizer } from './optimizer.js';

export interface OneCycleLROptions {
  /** Peak learning rate, for all groups or per group. */
  maxLr: number | number[];
  /** Length of the cycle in steps; or give epochs and stepsPerEpoch. */
  totalSteps?: number;
  epochs?: number;
  stepsPerEpoch?: number;
  /** Fraction of the cycle spent rising. Default 0.3. */
  pctStart?: number;
  /** Shape of each phase: 'cos' or 'linear'. Default 'cos'. */
  annealStrategy?: 'cos' | 'linear';
  /** Move momentum (SGD, RMSprop) or beta1 (Adam, AdamW) inversely to the rate. Default true. */
  cycleMomentum?: boolean;
  /** Momentum at the peak rate. Default 0.85. */
  baseMomentum?: number | number[];
  /** Momentum at the start and the end. Default 0.95. */
  maxMomentum?: number | number[];
  /** Starting rate = maxLr / divFactor. Default 25. */
  divFactor?: number;
  /** Final rate = starting rate / finalDivFactor. Default 1e4. */
  finalDivFactor?: number;
  /** Rise, fall back to the starting rate symmetrically, then anneal to the final rate (fast.ai's
   * original schedule) instead of two phases. Default false. */
  threePhase?: boolean;
}

type Level = 'initial' | 'max' | 'min';
interface Phase {
  endStep: number;
  startLr: Level;
  endLr: Level;
  /** Momentum levels: 'max' is maxMomentum, 'min' is baseMomentum. */
  startMomentum: 'max' | 'min';
  endMomentum: 'max' | 'min';
}

/**
 * The 1cycle learning-rate policy.
 *
 * @example
 * const opt = new SGD(model.parameters(), { lr: 0.1, momentum: 0.9 });
 * const sched = new OneCycleLR(opt, { maxLr: 0.1, epochs: 10, stepsPerEpoch: batchesPerEpoch });
 * // after each batch: opt.step(); sched.step();
 */
export class OneCycleLR extends LRScheduler {
  readonly totalSteps: number;
  readonly phases: Phase[];
  readonly annealStrategy: 'cos' | 'linear';
  readonly cycleMomentum: boolean;
  /** Whether momentum lives in `betas[0]` (Adam) rather than `momentum` (SGD). */
  readonly useBeta1: boolean;
  readonly initialLrs: number[];
  readonly maxLrs: number[];
  readonly minLrs: number[];
  readonly maxMomentums: number[];
  readonly baseMomentums: number[];

  constructor(optimizer: Optimizer, options: OneCycleLROptions) {
    super(optimizer, 'OneCycleLR');
    const w = 'OneCycleLR';
    const o = options ?? ({} as OneCycleLROptions);
    if (o.totalSteps !== undefined) {
      checkInt(w, 'totalSteps', o.totalSteps, 1);
      this.totalSteps = o.totalSteps;
    } else if (o.epochs !== undefined || o.stepsPerEpoch !== undefined) {
      checkInt(w, 'epochs', o.epochs, 1);
      checkInt(w, 'stepsPerEpoch', o.stepsPerEpoch, 1);
      this.totalSteps = (o.epochs as number) * (o.stepsPerEpoch as number);
    } else {
      throw new TypeError(`${w}: give totalSteps, or epochs and stepsPerEpoch`);
    }
    const pct = o.pctStart ?? 0.3;
    checkRange(w, 'pctStart', pct, 0, 1);
    this.annealStrategy = o.annealStrategy ?? 'cos';
    if (this.annealStrategy !== 'cos' && this.annealStrategy !== 'linear') {
      throw new RangeError(`${w}: annealStrategy must be 'cos' or 'linear', got '${String(this.annealStrategy)}'`);
    }
    const divFactor = o.divFactor ?? 25;
    const finalDivFactor = o.finalDivFactor ?? 1e4;
    checkRange(w, 'divFactor', divFactor, 0, Number.POSITIVE_INFINITY, true, true);
    checkRange(w, 'finalDivFactor', finalDivFactor, 0, Number.POSITIVE_INFINITY, true, true);
    const n = this.totalSteps;
    this.phases = o.threePhase
      ? [
          { endStep: pct * n - 1, startLr: 'initial', endLr: 'max', startMomentum: 'max', endMomentum: 'min' },
          { endStep: 2 * pct * n - 2, startLr: 'max', endLr: 'initial', startMomentum: 'min', endMomentum: 'max' },
          { endStep: n - 1, startLr: 'initial', endLr: 'min', startMomentum: 'max', endMomentum: 'max' },
        ]
      : [
          { endStep: pct * n - 1, startLr: 'initial', endLr: 'max', startMomentum: 'max', endMomentum: 'min' },
          { endStep: n - 1, startLr: 'max', endLr: 'min', startMomentum: 'min', endMomentum: 'max' },
        ];

    const groups = optimizer.paramGroups;
    this.maxLrs = perGroup(w, 'maxLr', o.maxLr, groups.length);
    this.initialLrs = this.maxLrs.map((m) => m / divFactor);
    this.minLrs = this.initialLrs.map((l) => l / finalDivFactor);
    groups.forEach((g, i) => {
      g.initialLr = this.initialLrs[i];
    });
    this.baseLrs = [...this.initialLrs];

    this.cycleMomentum = o.cycleMomentum ?? true;
    this.useBeta1 = 'betas' in optimizer.defaults;
    this.maxMomentums = perGroup(w, 'maxMomentum', o.maxMomentum ?? 0.95, groups.length);
    this.baseMomentums = perGroup(w, 'baseMomentum', o.baseMomentum ?? 0.85, groups.length);
    if (this.cycleMomentum) {
      if (!this.useBeta1 && !('momentum' in optimizer.defaults)) {
        throw new TypeError(`${w}: ${optimizer.name} has no momentum or betas to cycle; pass cycleMomentum: false`);
      }
      for (let i = 0; i < groups.length; i++) this.setMomentum(i, this.maxMomentums[i]);
    }
    this.step();
  }

  private anneal(start: number, end: number, pct: number): number {
    if (this.annealStrategy === 'linear') return (end - start) * pct + start;
    return end + ((start - end) / 2) * (Math.cos(Math.PI * pct) + 1);
  }

  private setMomentum(i: number, m: number): void {
    const g = this.optimizer.paramGroups[i] as Record<string, unknown>;
    if (this.useBeta1) g.betas = [m, (g.betas as number[])[1]];
    else g.momentum = m;
  }

  protected getLr(): number[] {
    const t = this.lastEpoch;
    if (t > this.totalSteps) {
      throw new RangeError(`OneCycleLR: stepped ${t} times, past the cycle's totalSteps (${this.totalSteps}); build it with more steps`);
    }
    return this.optimizer.paramGroups.map((_, i) => {
      const lrAt = { initial: this.initialLrs[i], max: this.maxLrs[i], min: this.minLrs[i] };
      const momentumAt = { max: this.maxMomentums[i], min: this.baseMomentums[i] };
      let start = 0;
      for (let k = 0; k < this.phases.length; k++) {
        const phase = this.phases[k];
        if (t <= phase.endStep || k === this.phases.length - 1) {
          const pct = (t - start) / (phase.endStep - start);
          if (this.cycleMomentum) this.setMomentum(i, this.anneal(momentumAt[phase.startMomentum], momentumAt[phase.endMomentum], pct));
          return this.anneal(lrAt[phase.startLr], lrAt[phase.endLr], pct);
        }
        start = phase.endStep;
      }
      throw new Error('unreachable');
    });
  }
}

function perGroup(where: string, name: string, value: number | number[] | undefined, groups: number): number[] {
  if (Array.isArray(value) && value.length !== groups)
    throw new RangeError(`${where}: expected ${groups} ${name} values (one per group), got ${value.length}`);
  const values = Array.isArray(value) ? [...value] : new Array<number>(groups).fill(value as number);
  for (const [i, v] of values.entries())
    checkRange(where, Array.isArray(value) ? `${name}[${i}]` : name, v, 0, Number.POSITIVE_INFINITY, false, true);
  return values;
}
