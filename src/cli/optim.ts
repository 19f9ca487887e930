// The `optimizer` and `schedule` sections of a training config, checked field by field and then
// built with tessera's optimizers and schedules (whose own checks catch the rest):
//
//   optimizer: { type: adamw, lr: 0.001, weightDecay: 0.01, clipGradNorm: 1 }
//   schedule:  { type: warmup, totalIters: 2, next: { type: cosine } }

import type { Tensor } from '../core/tensor.js';
import { Adagrad } from '../optim/adagrad.js';
import { Adam, AdamW } from '../optim/adam.js';
import { CosineAnnealingLR, ExponentialLR, type LRScheduler, MultiStepLR, StepLR } from '../optim/decay_lr.js';
import { OneCycleLR } from '../optim/one_cycle_lr.js';
import type { Optimizer } from '../optim/optimizer.js';
import { ReduceLROnPlateau } from '../optim/reduce_lr_on_plateau.js';
import { RMSprop } from '../optim/rmsprop.js';
import { SequentialLR } from '../optim/sequential_lr.js';
import { SGD } from '../optim/sgd.js';
import { LinearLR } from '../optim/warmup_lr.js';
import { type Checker, describe, rewriteArgError } from './check.js';
import { ConfigError } from './errors.js';

type FieldCheck = (c: Checker, path: string, value: unknown) => unknown;
const nonNegative: FieldCheck = (c, p, v) => c.number(p, v, { min: 0 });
const positive: FieldCheck = (c, p, v) => c.number(p, v, { min: 0, minExclusive: true });
const count: FieldCheck = (c, p, v) => c.number(p, v, { integer: true, min: 0 });
const steps: FieldCheck = (c, p, v) => c.number(p, v, { integer: true, min: 1 });
const fraction: FieldCheck = (c, p, v) => c.number(p, v, { min: 0, max: 1, minExclusive: true, maxExclusive: true });
const flag: FieldCheck = (c, p, v) => c.boolean(p, v);
const oneOf =
  (...choices: string[]): FieldCheck =>
  (c, p, v) =>
    c.choice(p, v, choices);
const betas: FieldCheck = (c, p, v) =>
  Array.isArray(v) && v.length === 2
    ? c.array(p, v, (q, x) => c.number(q, x, { min: 0, max: 1, maxExclusive: true }), '')
    : c.fail(p, `expected a pair [beta1, beta2] of numbers in [0, 1), got ${describe(v)}`);
const milestones: FieldCheck = (c, p, v) =>
  c.array(p, v, (q, x) => c.number(q, x, { integer: true, min: 1 }), 'an array of step numbers, e.g. [10, 20]');

export const OPTIMIZER_TYPES = ['adam', 'adamw', 'sgd', 'rmsprop', 'adagrad'] as const;
export type OptimizerType = (typeof OPTIMIZER_TYPES)[number];

const ADAM = { betas, eps: nonNegative, weightDecay: nonNegative, amsgrad: flag, maximize: flag };
/** Each optimizer's options besides lr (defaults are PyTorch's), with their checks. */
const OPTIMIZERS: Record<OptimizerType, { lr: number; options: Record<string, FieldCheck> }> = {
  adam: { lr: 1e-3, options: ADAM },
  adamw: { lr: 1e-3, options: ADAM },
  sgd: { lr: 1e-2, options: { momentum: nonNegative, dampening: nonNegative, nesterov: flag, weightDecay: nonNegative, maximize: flag } },
  rmsprop: {
    lr: 1e-2,
    options: { alpha: nonNegative, eps: nonNegative, weightDecay: nonNegative, momentum: nonNegative, centered: flag, maximize: flag },
  },
  adagrad: {
    lr: 1e-2,
    options: { lrDecay: nonNegative, weightDecay: nonNegative, initialAccumulatorValue: nonNegative, eps: nonNegative, maximize: flag },
  },
};

/** The `optimizer` section. */
export interface OptimizerConfig {
  /** Which optimizer. Required. */
  type: OptimizerType;
  /** Learning rate. Default 1e-3 for adam and adamw, 1e-2 for sgd, rmsprop and adagrad. */
  lr: number;
  /** The optimizer's other options as given (weightDecay, momentum, betas, ...). Default {}. */
  options: Record<string, unknown>;
  /** Clip the gradients' global L2 norm to this before each step. Default: no clipping. */
  clipGradNorm?: number;
}

export function parseOptimizerConfig(c: Checker, raw: unknown, path: string): OptimizerConfig | undefined {
  const head = c.object(path, raw, null, 'an optimizer, e.g. { type: adam, lr: 0.001 }');
  if (head === undefined) return undefined;
  const type = c.choice(`${path}.type`, head.type, OPTIMIZER_TYPES, true);
  if (type === undefined) return undefined;
  const table = OPTIMIZERS[type].options;
  const o = c.object(path, raw, ['type', 'lr', 'clipGradNorm', ...Object.keys(table)]);
  if (o === undefined) return undefined;
  const lr = c.number(`${path}.lr`, o.lr, { min: 0, minExclusive: true }) ?? OPTIMIZERS[type].lr;
  const clipGradNorm = c.number(`${path}.clipGradNorm`, o.clipGradNorm, { min: 0, minExclusive: true });
  const options: Record<string, unknown> = {};
  for (const [key, check] of Object.entries(table)) if (o[key] !== undefined) options[key] = check(c, `${path}.${key}`, o[key]);
  return { type, lr, options, clipGradNorm };
}

/** Builds the optimizer over `params`; its own checks (e.g. nesterov needs momentum) become ConfigErrors. */
export function buildOptimizer(config: OptimizerConfig, params: Tensor[], path = 'config.optimizer'): Optimizer {
  const options = { ...config.options, lr: config.lr };
  try {
    switch (config.type) {
      case 'adam':
        return new Adam(params, options);
      case 'adamw':
        return new AdamW(params, options);
      case 'sgd':
        return new SGD(params, options);
      case 'rmsprop':
        return new RMSprop(params, options);
      case 'adagrad':
        return new Adagrad(params, options);
    }
  } catch (err) {
    throw new ConfigError([rewriteArgError(path, (err as Error).message, options)]);
  }
}

export const SCHEDULE_TYPES = ['step', 'multistep', 'exponential', 'cosine', 'onecycle', 'plateau', 'warmup'] as const;
export type ScheduleType = (typeof SCHEDULE_TYPES)[number];

/** Each schedule's options, with their checks; `required` ones have no default. */
const SCHEDULES: Record<ScheduleType, { options: Record<string, FieldCheck>; required?: string[] }> = {
  step: { options: { stepSize: steps, gamma: positive }, required: ['stepSize'] },
  multistep: { options: { milestones, gamma: positive }, required: ['milestones'] },
  exponential: { options: { gamma: positive }, required: ['gamma'] },
  cosine: { options: { tMax: steps, etaMin: nonNegative } },
  onecycle: {
    options: {
      maxLr: positive,
      pctStart: fraction,
      annealStrategy: oneOf('cos', 'linear'),
      divFactor: positive,
      finalDivFactor: positive,
      threePhase: flag,
      cycleMomentum: flag,
      baseMomentum: nonNegative,
      maxMomentum: nonNegative,
    },
  },
  plateau: {
    options: {
      monitor: (c, p, v) => c.string(p, v),
      mode: oneOf('min', 'max'),
      factor: fraction,
      patience: count,
      threshold: nonNegative,
      thresholdMode: oneOf('rel', 'abs'),
      cooldown: count,
      minLr: nonNegative,
      eps: nonNegative,
    },
  },
  warmup: { options: { totalIters: steps, startFactor: (c, p, v) => c.number(p, v, { min: 0, max: 1, minExclusive: true }) } },
};

/** The `schedule` section: a learning-rate schedule, stepped once per epoch (onecycle: once per batch). */
export interface ScheduleConfig {
  /** Which schedule. Required. */
  type: ScheduleType;
  /**
   * Its options as given. Defaults: step gamma 0.1; cosine tMax = epochs, etaMin 0; onecycle maxLr =
   * the optimizer's lr over all the run's batches; plateau monitor val_loss (loss without validation),
   * the rest as PyTorch's ReduceLROnPlateau; warmup totalIters 5 (epochs), startFactor 0.1.
   */
  options: Record<string, unknown>;
  /** warmup only: the schedule that takes over after the warm-up. Default: a constant rate. */
  next?: ScheduleConfig;
}

export function parseScheduleConfig(c: Checker, raw: unknown, path: string, nested = false): ScheduleConfig | undefined {
  if (raw === undefined) return undefined;
  const allowedTypes = nested ? SCHEDULE_TYPES.filter((t) => !['warmup', 'plateau', 'onecycle'].includes(t)) : SCHEDULE_TYPES;
  const head = c.object(path, raw, null, 'a schedule, e.g. { type: cosine }');
  if (head === undefined) return undefined;
  const type = c.choice(`${path}.type`, head.type, allowedTypes, true);
  if (type === undefined) return undefined;
  const spec = SCHEDULES[type];
  const o = c.object(path, raw, ['type', ...Object.keys(spec.options), ...(type === 'warmup' ? ['next'] : [])]);
  if (o === undefined) return undefined;
  const options: Record<string, unknown> = {};
  for (const [key, check] of Object.entries(spec.options)) if (o[key] !== undefined) options[key] = check(c, `${path}.${key}`, o[key]);
  for (const key of spec.required ?? []) if (o[key] === undefined) c.fail(`${path}.${key}`, `missing; the ${type} schedule needs it`);
  const next = type === 'warmup' ? parseScheduleConfig(c, o.next, `${path}.next`, true) : undefined;
  return { type, options, next };
}

/** What schedules are sized by. */
export interface ScheduleContext {
  epochs: number;
  /** Optimizer steps per epoch (onecycle is stepped per batch). */
  stepsPerEpoch: number;
}

/** Builds the schedule on `optimizer` (a ReduceLROnPlateau for 'plateau'). */
export function buildSchedule(
  config: ScheduleConfig,
  optimizer: Optimizer,
  ctx: ScheduleContext,
  path = 'config.schedule',
): LRScheduler | ReduceLROnPlateau {
  // biome-ignore lint/suspicious/noExplicitAny: options were checked field by field above
  const o = config.options as any;
  try {
    switch (config.type) {
      case 'step':
        return new StepLR(optimizer, o);
      case 'multistep':
        return new MultiStepLR(optimizer, o);
      case 'exponential':
        return new ExponentialLR(optimizer, o);
      case 'cosine':
        return new CosineAnnealingLR(optimizer, { tMax: ctx.epochs, ...o });
      case 'onecycle':
        return new OneCycleLR(optimizer, { maxLr: optimizer.paramGroups[0].lr, totalSteps: ctx.epochs * ctx.stepsPerEpoch, ...o });
      case 'plateau': {
        const { monitor: _, ...rest } = o;
        return new ReduceLROnPlateau(optimizer, rest);
      }
      case 'warmup': {
        const totalIters = o.totalIters ?? 5;
        const warm = new LinearLR(optimizer, { startFactor: 0.1, ...o, totalIters });
        if (config.next === undefined) return warm;
        const after = buildSchedule(
          config.next,
          optimizer,
          { ...ctx, epochs: Math.max(1, ctx.epochs - totalIters) },
          `${path}.next`,
        ) as LRScheduler;
        return new SequentialLR(optimizer, { schedulers: [warm, after], milestones: [totalIters] });
      }
    }
  } catch (err) {
    if (err instanceof ConfigError) throw err;
    throw new ConfigError([rewriteArgError(path, (err as Error).message, o)]);
  }
}
