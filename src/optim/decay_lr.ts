// Learning-rate schedules that depend only on the step count: the LRScheduler base class and the
// decays StepLR, MultiStepLR, ExponentialLR and CosineAnnealingLR (warm-ups are in warmup_lr.ts).
// Each follows PyTorch 1.13's recursive ("chainable") form, so their sequences match PyTorch's
// exactly and compose with other changes to the learning rate the way PyTorch's do.

import { describeValue } from '../core/tensor.js';
import { Optimizer } from './optimizer.js';

/**
 * The base of the step-driven schedules. Construction applies the schedule's first learning rate;
 * call `step()` once per epoch (or per batch), after `optimizer.step()`.
 *
 * @example
 * const sched = new StepLR(opt, { stepSize: 30, gamma: 0.1 });
 * for (let epoch = 0; epoch < 90; epoch++) { train(); sched.step(); }
 */
export abstract class LRScheduler {
  /** How many times step() has run since construction (PyTorch's last_epoch); 0 after construction. */
  lastEpoch = -1;
  /** Each group's learning rate before any schedule (its `initialLr`). */
  baseLrs: number[];
  protected lastLr: number[] = [];

  protected constructor(
    readonly optimizer: Optimizer,
    /** The schedule's name in error messages and state dicts. */
    readonly name: string,
  ) {
    if (!(optimizer instanceof Optimizer)) throw new TypeError(`${name}: expected an Optimizer, got ${describeValue(optimizer)}`);
    for (const g of optimizer.paramGroups) g.initialLr ??= g.lr;
    this.baseLrs = optimizer.paramGroups.map((g) => g.initialLr as number);
  }

  /** The learning rates of the next step, from the groups' current ones (PyTorch's get_lr). */
  protected abstract getLr(): number[];

  /** The learning rates at `lastEpoch` computed from `baseLrs` alone, where a closed form exists. */
  protected closedFormLr(): number[] | null {
    return null;
  }

  /** Advances the schedule by one step and sets each group's learning rate. */
  step(): void {
    this.lastEpoch++;
    this.apply(this.getLr());
  }

  /** The learning rate of each group after the last step. */
  getLastLr(): number[] {
    return [...this.lastLr];
  }

  protected apply(lrs: number[]): void {
    this.optimizer.paramGroups.forEach((g, i) => {
      g.lr = lrs[i];
    });
    this.lastLr = this.optimizer.paramGroups.map((g) => g.lr);
  }

  /** Restarts `s` at step 0 (used by SequentialLR at its milestones, as PyTorch's step(0)). */
  protected static restart(s: LRScheduler): void {
    s.lastEpoch = 0;
    s.apply(s.closedFormLr() ?? s.getLr());
  }

  /** The schedule's state: its hyperparameters and counters, JSON-able. */
  stateDict(): Record<string, unknown> {
    return plainState(this);
  }

  /** Restores state saved by `stateDict` from the same kind of schedule. */
  loadStateDict(dict: Record<string, unknown>): void {
    loadPlainState(this, dict);
  }

  protected groupLrs(): number[] {
    return this.optimizer.paramGroups.map((g) => g.lr);
  }
}

/** A deep copy of a schedule's own fields but its optimizer (and `skip`): its state dict. */
export function plainState(s: { optimizer: unknown }, skip: readonly string[] = []): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(s)) if (k !== 'optimizer' && !skip.includes(k)) out[k] = structuredClone(v);
  return out;
}

/** Assigns a state dict's fields to schedule `s`, after checking each exists there with the same type. */
export function loadPlainState(s: { optimizer: unknown; name: string }, dict: Record<string, unknown>, skip: readonly string[] = []): void {
  const where = `${s.name}.loadStateDict`;
  if (dict === null || typeof dict !== 'object')
    throw new TypeError(`${where}: expected an object from stateDict(), got ${describeValue(dict)}`);
  if (dict.name !== s.name) throw new TypeError(`${where}: the state dict is from ${String(dict.name)}, not ${s.name}`);
  const own = s as unknown as Record<string, unknown>;
  for (const [k, v] of Object.entries(dict)) {
    if (skip.includes(k)) continue;
    if (k === 'optimizer' || !(k in own)) throw new RangeError(`${where}: unknown key '${k}'`);
    const want = own[k] === null || v === null ? null : Array.isArray(own[k]) ? 'array' : typeof own[k];
    if (want !== null && want !== (Array.isArray(v) ? 'array' : typeof v))
      throw new TypeError(`${where}: '${k}' must be ${want === 'array' ? 'an array' : `a ${want}`}, got ${describeValue(v)}`);
  }
  for (const [k, v] of Object.entries(dict)) if (!skip.includes(k)) own[k] = structuredClone(v);
}

/** Throws unless `value` is an integer >= `min`. */
export function checkInt(where: string, name: string, value: unknown, min: number): void {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min) {
    throw new RangeError(`${where}: ${name} must be an integer >= ${min}, got ${typeof value === 'number' ? value : describeValue(value)}`);
  }
}

/** Throws unless `value` is a number in [lo, hi] (bounds open where stated). */
export function checkRange(where: string, name: string, value: unknown, lo: number, hi: number, openLo = false, openHi = false): void {
  const ok = typeof value === 'number' && (openLo ? value > lo : value >= lo) && (openHi ? value < hi : value <= hi);
  if (!ok) {
    const range = `${openLo ? '(' : '['}${lo}, ${hi === Number.POSITIVE_INFINITY ? 'inf' : hi}${openHi ? ')' : ']'}`;
    throw new RangeError(`${where}: ${name} must be in ${range}, got ${typeof value === 'number' ? value : describeValue(value)}`);
  }
}

const INF = Number.POSITIVE_INFINITY;

export interface StepLROptions {
  /** Steps between decays. */
  stepSize: number;
  /** Factor applied every stepSize steps. Default 0.1. */
  gamma?: number;
}

/**
 * Multiplies the learning rate by gamma every stepSize steps: `lr = base * gamma^floor(t / stepSize)`.
 * @example new StepLR(opt, { stepSize: 30, gamma: 0.1 }) // 0.1, then 0.01 from step 30, ...
 */
export class StepLR extends LRScheduler {
  readonly stepSize: number;
  readonly gamma: number;

  constructor(optimizer: Optimizer, options: StepLROptions) {
    super(optimizer, 'StepLR');
    checkInt('StepLR', 'stepSize', options?.stepSize, 1);
    this.stepSize = options.stepSize;
    this.gamma = options.gamma ?? 0.1;
    checkRange('StepLR', 'gamma', this.gamma, 0, INF, true, true);
    this.step();
  }

  protected getLr(): number[] {
    if (this.lastEpoch === 0 || this.lastEpoch % this.stepSize !== 0) return this.groupLrs();
    return this.groupLrs().map((lr) => lr * this.gamma);
  }

  protected override closedFormLr(): number[] {
    return this.baseLrs.map((b) => b * this.gamma ** Math.floor(this.lastEpoch / this.stepSize));
  }
}

export interface MultiStepLROptions {
  /** Steps at which to decay (a step listed twice decays twice). */
  milestones: number[];
  /** Factor applied at each milestone. Default 0.1. */
  gamma?: number;
}

/**
 * Multiplies the learning rate by gamma at each milestone step.
 * @example new MultiStepLR(opt, { milestones: [30, 80], gamma: 0.1 })
 */
export class MultiStepLR extends LRScheduler {
  readonly milestones: number[];
  readonly gamma: number;

  constructor(optimizer: Optimizer, options: MultiStepLROptions) {
    super(optimizer, 'MultiStepLR');
    if (!Array.isArray(options?.milestones))
      throw new TypeError(`MultiStepLR: milestones must be an array of step numbers, got ${describeValue(options?.milestones)}`);
    for (const [i, m] of options.milestones.entries()) checkInt('MultiStepLR', `milestones[${i}]`, m, 0);
    this.milestones = [...options.milestones].sort((a, b) => a - b);
    this.gamma = options.gamma ?? 0.1;
    checkRange('MultiStepLR', 'gamma', this.gamma, 0, INF, true, true);
    this.step();
  }

  protected getLr(): number[] {
    const hits = this.milestones.filter((m) => m === this.lastEpoch).length;
    if (hits === 0) return this.groupLrs();
    return this.groupLrs().map((lr) => lr * this.gamma ** hits);
  }

  protected override closedFormLr(): number[] {
    const passed = this.milestones.filter((m) => m <= this.lastEpoch).length;
    return this.baseLrs.map((b) => b * this.gamma ** passed);
  }
}

export interface ExponentialLROptions {
  /** Factor applied every step. */
  gamma: number;
}

/**
 * Multiplies the learning rate by gamma every step: `lr = base * gamma^t`.
 * @example new ExponentialLR(opt, { gamma: 0.95 })
 */
export class ExponentialLR extends LRScheduler {
  readonly gamma: number;

  constructor(optimizer: Optimizer, options: ExponentialLROptions) {
    super(optimizer, 'ExponentialLR');
    this.gamma = options?.gamma;
    checkRange('ExponentialLR', 'gamma', this.gamma, 0, INF, true, true);
    this.step();
  }

  protected getLr(): number[] {
    if (this.lastEpoch === 0) return this.groupLrs();
    return this.groupLrs().map((lr) => lr * this.gamma);
  }

  protected override closedFormLr(): number[] {
    return this.baseLrs.map((b) => b * this.gamma ** this.lastEpoch);
  }
}

export interface CosineAnnealingLROptions {
  /** Steps of the half-cosine from the base rate down to etaMin (it rises again after, as PyTorch's). */
  tMax: number;
  /** The lowest learning rate. Default 0. */
  etaMin?: number;
}

/**
 * Anneals the learning rate along a half cosine: `etaMin + (base - etaMin) (1 + cos(pi t / tMax)) / 2`.
 * @example new CosineAnnealingLR(opt, { tMax: epochs, etaMin: 1e-5 })
 */
export class CosineAnnealingLR extends LRScheduler {
  readonly tMax: number;
  readonly etaMin: number;

  constructor(optimizer: Optimizer, options: CosineAnnealingLROptions) {
    super(optimizer, 'CosineAnnealingLR');
    this.tMax = options?.tMax;
    this.etaMin = options?.etaMin ?? 0;
    checkRange('CosineAnnealingLR', 'tMax', this.tMax, 0, INF, true, true);
    checkRange('CosineAnnealingLR', 'etaMin', this.etaMin, 0, INF, false, true);
    this.step();
  }

  protected getLr(): number[] {
    const { tMax, etaMin, lastEpoch: t } = this;
    if (t === 0) return this.groupLrs();
    if ((t - 1 - tMax) % (2 * tMax) === 0) {
      return this.groupLrs().map((lr, i) => lr + ((this.baseLrs[i] - etaMin) * (1 - Math.cos(Math.PI / tMax))) / 2);
    }
    const ratio = (1 + Math.cos((Math.PI * t) / tMax)) / (1 + Math.cos((Math.PI * (t - 1)) / tMax));
    return this.groupLrs().map((lr) => ratio * (lr - etaMin) + etaMin);
  }

  protected override closedFormLr(): number[] {
    return this.baseLrs.map((b) => this.etaMin + ((b - this.etaMin) * (1 + Math.cos((Math.PI * this.lastEpoch) / this.tMax))) / 2);
  }
}
