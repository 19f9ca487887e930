// The negative log-likelihood of rows of log-probabilities, composed from engine ops so that it runs
// on the tensors' device and reads nothing back: crossEntropy's and nllLoss's path on a device that
// cannot be read synchronously (a GPU), and crossEntropy's path wherever it is faster than the host
// loop (src/ops/nn.ts). Autograd derives the gradient through the composition. An out-of-range
// target cannot be checked without a read, so it is folded into the result: its row's loss is NaN.

import type { Tensor } from '../core/tensor.js';
import { add, div, eq, ge, logicalAnd, logicalOr, lt, mul, neg, where } from './elementwise.js';
import { gatherRows, selectRows } from './indexing.js';
import { reshape } from './movement.js';
import { sum } from './reduce.js';

/** How nllRows weighs, smooths and reduces; all given (the callers apply the defaults). */
export interface NllRowsOptions {
  /** Per-class weights (C), or null. */
  weight: Tensor | null;
  /** A target value that adds no loss and does not count in the mean (class-index targets only). */
  ignoreIndex: number;
  /** Mixes the target with the uniform distribution: q = (1 - s) onehot + s / C. */
  labelSmoothing: number;
  /** 'mean' divides by the summed weights of the counted targets (the row count for probabilities). */
  reduction: 'mean' | 'sum' | 'none';
}

/**
 * -sum_k q_k logp_k per row, where q is the (smoothed, weighted) target distribution, reduced as
 * asked: loss (R) for 'none', a scalar () otherwise. `target` is int32 class indices (R) or float32
 * probabilities (R, C). For class indices, a target equal to ignoreIndex gives 0 and is not counted;
 * any other target outside [0, C) gives NaN (and so a NaN mean or sum). Gradients flow to `logp`
 * only (target and weight are taken as constants, as the fused host path takes them).
 *
 * @example
 * const loss = nllRows(logSoftmax(logits, 1), labels, { weight: null, ignoreIndex: -100, labelSmoothing: 0, reduction: 'mean' });
 */
export function nllRows(logp: Tensor, target: Tensor, options: NllRowsOptions): Tensor {
  const [rows, c] = logp.shape; // (R, C)
  const s = options.labelSmoothing;
  const w = options.weight === null ? null : options.weight.detach(); // (C)
  const t = target.detach();
  if (t.dtype === 'float32') {
    // q = ((1 - s) t + s / C) w: (R, C)
    let q = s === 0 ? t : add(mul(t, 1 - s), s / c);
    if (w !== null) q = mul(q, w);
    const loss = neg(sum(mul(q, logp), 1)); // (R)
    return reduce(loss, null, rows, options.reduction);
  }
  const ignored = eq(t, options.ignoreIndex); // (R) bool
  const inRange = logicalAnd(ge(t, 0), lt(t, c));
  const safe = where(inRange, t, 0); // (R) int32, every entry a valid class
  const picked = reshape(gatherRows(logp, 1, reshape(safe, [rows, 1])), [rows]); // logp[r, t_r]
  const wt = w === null ? null : selectRows(w, 0, safe); // w[t_r]: (R)
  let loss = neg(wt === null ? picked : mul(picked, wt));
  if (s > 0) {
    // the uniform part: -(s / C) sum_k w_k logp_k
    const uniform = neg(sum(w === null ? logp : mul(logp, w), 1));
    loss = add(mul(loss, 1 - s), mul(uniform, s / c));
  }
  loss = where(ignored, 0, loss);
  loss = where(logicalOr(ignored, inRange), loss, Number.NaN);
  const counted = where(ignored, 0, wt === null ? 1 : wt); // each row's share of the mean's denominator
  return reduce(loss, counted, rows, options.reduction);
}

function reduce(loss: Tensor, counted: Tensor | null, rows: number, reduction: NllRowsOptions['reduction']): Tensor {
  if (reduction === 'none') return loss;
  const total = sum(loss);
  if (reduction === 'sum') return total;
  return counted === null ? mul(total, 1 / rows) : div(total, sum(counted)); // nothing counted: 0 / 0 = NaN
}
