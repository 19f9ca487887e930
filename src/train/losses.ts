// Losses by name for `compile({ loss: 'crossEntropy' })`, built on src/nn's loss functions, with the
// target conveniences Keras users expect (float class labels become int32, (N) targets meet (N, 1)
// outputs) and per-sample weighting for `classWeight`: sum(w_i * loss_i) / N, as Keras does.

import { fmt } from '../core/shape.js';
import { describeValue, Tensor } from '../core/tensor.js';
import {
  binaryCrossEntropy,
  binaryCrossEntropyWithLogits,
  huberLoss,
  klDiv,
  l1Loss,
  mseLoss,
  nllLoss,
  type Reduction,
  smoothL1Loss,
} from '../nn/functional/loss.js';
import { Module } from '../nn/module.js';
import { tensor } from '../ops/creation.js';
import { clamp, gt, mul, where } from '../ops/elementwise.js';
import { indexSelect } from '../ops/indexing.js';
import { reshape } from '../ops/movement.js';
import { crossEntropy } from '../ops/nn.js';
import { argmax, mean, sum } from '../ops/reduce.js';

/** The loss names `compile` accepts. */
export const LOSS_NAMES = [
  'crossEntropy',
  'cross_entropy',
  'mse',
  'mae',
  'l1',
  'bce',
  'bceWithLogits',
  'nll',
  'huber',
  'smoothL1',
  'kl',
] as const;
export type LossName = (typeof LOSS_NAMES)[number];

/** A loss: a name, a function (pred, target) => scalar tensor, or a loss module such as `new CrossEntropyLoss()`. */
export type LossSpec = LossName | string | ((pred: Tensor, target: Tensor) => Tensor) | Module;

/** Class weights: `{ 0: 1, 1: 5 }` or `[1, 5]` (classes left out weigh 1). */
export type ClassWeight = Record<number, number> | readonly number[];

type Elementwise = (pred: Tensor, target: Tensor, options: { reduction: Reduction }) => Tensor;

interface Entry {
  /** 'class': targets are class indices (N, ...); 'elementwise': targets have the output's shape. */
  kind: 'class' | 'elementwise';
  fn: Elementwise;
  /** How one sample's elements are combined: mean (default) or sum (KL divergence, per sample). */
  perSample?: 'mean' | 'sum';
}

const TABLE: Record<LossName, Entry> = {
  crossEntropy: { kind: 'class', fn: (p, t, o) => crossEntropy(p, t, o) },
  cross_entropy: { kind: 'class', fn: (p, t, o) => crossEntropy(p, t, o) },
  nll: { kind: 'class', fn: nllLoss },
  mse: { kind: 'elementwise', fn: mseLoss },
  mae: { kind: 'elementwise', fn: l1Loss },
  l1: { kind: 'elementwise', fn: l1Loss },
  bce: { kind: 'elementwise', fn: binaryCrossEntropy },
  bceWithLogits: { kind: 'elementwise', fn: binaryCrossEntropyWithLogits },
  huber: { kind: 'elementwise', fn: huberLoss },
  smoothL1: { kind: 'elementwise', fn: smoothL1Loss },
  kl: { kind: 'elementwise', fn: klDiv, perSample: 'sum' },
};

/** A loss ready for the training loop. */
export interface ResolvedLoss {
  /** 'crossEntropy', ..., or 'custom'. */
  readonly name: string;
  /** Threshold turning binary outputs into predictions for string metrics: 0 after bceWithLogits, else 0.5. */
  readonly binaryThreshold: number;
  /** The batch loss (a scalar tensor); with `weights` (one per sample, (N)), sum(w_i * loss_i) / N. */
  compute(pred: Tensor, target: Tensor, weights?: Tensor | null): Tensor;
  /** Per-sample weights (N) from class weights and the batch targets. Throws for losses where classes are unknown. */
  classWeights(table: Tensor, pred: Tensor, target: Tensor): Tensor;
}

/**
 * Turns a loss name, function or module into what the trainer calls.
 * @example resolveLoss('crossEntropy').compute(logits, labels) // logits (N, C), labels int32 (N)
 */
export function resolveLoss(spec: LossSpec): ResolvedLoss {
  if (typeof spec === 'string') {
    if (!Object.hasOwn(TABLE, spec)) {
      throw new RangeError(
        `compile: unknown loss '${spec}' (known: ${LOSS_NAMES.join(', ')}), or pass a function (pred, target) => Tensor`,
      );
    }
    return named(spec, TABLE[spec as LossName]);
  }
  const fn = spec instanceof Module ? (p: Tensor, t: Tensor) => spec.forward(p, t) : spec;
  if (typeof fn !== 'function') {
    throw new TypeError(`compile: loss must be a name (${LOSS_NAMES.join(', ')}), a function or a loss module, got ${describeValue(spec)}`);
  }
  return {
    name: spec instanceof Module ? spec.constructor.name : 'custom',
    binaryThreshold: 0.5,
    compute(pred, target, weights) {
      if (weights != null) throw new TypeError('fit: classWeight and sample weights need a loss given by name (e.g. "crossEntropy")');
      return checkScalar(fn(pred, target));
    },
    classWeights() {
      throw new TypeError('fit: classWeight needs a loss given by name (e.g. "crossEntropy" or "bce")');
    },
  };
}

function named(name: string, entry: Entry): ResolvedLoss {
  const prepare = (pred: Tensor, target: Tensor) => (entry.kind === 'class' ? classTarget(name, pred, target) : sameShape(pred, target));
  return {
    name,
    binaryThreshold: name === 'bceWithLogits' ? 0 : 0.5,
    compute(pred, target, weights) {
      const t = prepare(pred, target);
      if (weights == null) return entry.fn(pred, t, { reduction: name === 'kl' ? ('batchmean' as Reduction) : 'mean' });
      const n = pred.shape[0];
      if (weights.ndim !== 1 || weights.shape[0] !== n) {
        throw new RangeError(`fit: sample weights must have shape [${n}] (one per sample), got ${fmt(weights.shape)}`);
      }
      let perElement = entry.fn(pred, t, { reduction: 'none' }); // (N, ...)
      if (perElement.ndim !== 1) {
        const rows = reshape(perElement, [n, -1]);
        perElement = entry.perSample === 'sum' ? sum(rows, 1) : mean(rows, 1); // (N)
      }
      return mul(sum(mul(perElement, weights.to('float32'))), 1 / Math.max(n, 1));
    },
    classWeights(table, pred, target) {
      const t = prepare(pred, target);
      let classes: Tensor; // int32 (N)
      if (entry.kind === 'class' && t.dtype === 'int32') {
        if (t.ndim !== 1) throw new RangeError(`fit: classWeight needs one class per sample, got targets of shape ${fmt(t.shape)}`);
        classes = t;
      } else if (pred.ndim === 2 && pred.shape[1] > 1)
        classes = argmax(t, 1); // one-hot targets
      else if (pred.size === pred.shape[0])
        classes = reshape(where(gt(t, 0.5), 1, 0), [pred.shape[0]]).to('int32'); // binary
      else throw new RangeError(`fit: classWeight needs class targets; cannot tell the class of targets of shape ${fmt(t.shape)}`);
      return indexSelect(table, 0, clamp(classes, 0, table.size - 1)); // ignored targets (-100) take class 0's weight
    },
  };
}

/**
 * A lookup table (C) of class weights; classes missing from `classWeight` weigh 1.
 * @example classWeightTable({ 1: 5 }, 3).toArray() // [1, 5, 1]
 */
export function classWeightTable(classWeight: ClassWeight, classes: number): Tensor {
  const entries = Array.isArray(classWeight) ? [...classWeight.entries()] : Object.entries(classWeight).map(([k, v]) => [Number(k), v]);
  const n = Math.max(classes, ...entries.map(([k]) => k + 1));
  const table = new Float32Array(n).fill(1);
  for (const [k, v] of entries) {
    if (!Number.isInteger(k) || k < 0) throw new RangeError(`fit: classWeight keys must be class indices >= 0, got ${k}`);
    if (typeof v !== 'number' || !(v >= 0)) throw new RangeError(`fit: classWeight[${k}] must be a number >= 0, got ${v}`);
    table[k] = v;
  }
  return tensor(table);
}

/** Class-index targets: float labels holding integers become int32; one-hot/probability targets are kept. */
function classTarget(loss: string, pred: Tensor, target: Tensor): Tensor {
  if (target.dtype === 'int32') return target;
  if (target.dtype === 'float32' && fmt(target.shape) === fmt(pred.shape)) return target; // probabilities
  if (target.ndim === pred.ndim - 1) return target.to('int32');
  throw new RangeError(
    `${loss}: targets must be class indices of shape ${fmt([pred.shape[0], ...pred.shape.slice(2)])} or probabilities of shape ${fmt(pred.shape)}, got ${fmt(target.shape)} ${target.dtype}`,
  );
}

/** Float targets of the output's shape: (N) targets for (N, 1) outputs are reshaped, int/bool cast. */
function sameShape(pred: Tensor, target: Tensor): Tensor {
  let t = target.dtype === 'float32' ? target : target.to('float32');
  if (fmt(t.shape) !== fmt(pred.shape) && t.size === pred.size && t.shape[0] === pred.shape[0]) t = reshape(t, pred.shape);
  return t;
}

function checkScalar(loss: unknown): Tensor {
  if (!(loss instanceof Tensor)) throw new TypeError(`fit: the loss function must return a Tensor, got ${describeValue(loss)}`);
  if (loss.size !== 1)
    throw new RangeError(`fit: the loss function must return a scalar, got shape ${fmt(loss.shape)} (reduce it with .mean())`);
  return loss;
}
