// Gradient clipping, as torch.nn.utils.clip_grad_norm_ and clip_grad_value_: rescale all gradients
// together so that their joint norm is at most maxNorm, or clamp each gradient element.

import { noGrad } from '../core/autograd.js';
import { readValues } from '../core/exec.js';
import { describeValue, Tensor } from '../core/tensor.js';
import { abs, clamp, mul, pow } from '../ops/elementwise.js';
import { max, sum } from '../ops/reduce.js';
import { withTemps } from './optimizer.js';

export interface ClipGradNormOptions {
  /** Throw when the total norm is NaN or infinite instead of scaling by it. Default false. */
  errorIfNonfinite?: boolean;
}

/** The parameters of `params` that have a gradient. */
function withGrad(fn: string, params: Tensor | Iterable<Tensor>): Tensor[] {
  const list = params instanceof Tensor ? [params] : [...params];
  list.forEach((p, i) => {
    if (!(p instanceof Tensor)) throw new TypeError(`${fn}: parameter ${i} is not a Tensor, got ${describeValue(p)}`);
  });
  return list.filter((p) => p._grad !== null);
}

/** Writes `value` into `p._grad` in place; a grad that cannot be written (an expanded view) is replaced. */
function writeGrad(p: Tensor, value: Tensor): void {
  const g = p._grad as Tensor;
  if (g.shape.some((n, i) => n > 1 && g.strides[i] === 0)) {
    p._grad = value;
    return;
  }
  g.copy_(value);
  value.dispose();
}

/**
 * Scales the gradients of `params` in place so that their total `normType`-norm (the norm of all
 * gradients taken as one vector) is at most `maxNorm`, and returns that total norm before clipping.
 * Parameters without a gradient are skipped. `normType` is any p > 0, or Infinity for the max norm.
 *
 * @example
 * loss.backward();
 * const norm = clipGradNorm(model.parameters(), 1.0); // a number, e.g. for logging
 * opt.step();
 */
export function clipGradNorm(params: Tensor | Iterable<Tensor>, maxNorm: number, normType = 2, options: ClipGradNormOptions = {}): number {
  if (typeof maxNorm !== 'number' || !(maxNorm >= 0))
    throw new RangeError(`clipGradNorm: maxNorm must be a non-negative number, got ${maxNorm}`);
  if (typeof normType !== 'number' || !(normType > 0)) {
    throw new RangeError(`clipGradNorm: normType must be a positive number or Infinity, got ${normType}`);
  }
  const ps = withGrad('clipGradNorm', params);
  if (ps.length === 0) return 0;
  const grads = ps.map((p) => p._grad as Tensor);
  return noGrad(() => {
    let total = 0;
    if (normType === Number.POSITIVE_INFINITY) {
      for (const g of grads)
        if (g.size > 0)
          total = Math.max(
            total,
            withTemps((t) => readValues(t(max(t(abs(g)))), 'clipGradNorm')[0]),
          ); // NaN propagates
    } else {
      // sum(|g|^p) per gradient in float32, as PyTorch, combined in float64
      let acc = 0;
      for (const g of grads)
        acc += withTemps((t) => readValues(t(sum(normType === 2 ? t(mul(g, g)) : t(pow(t(abs(g)), normType)))), 'clipGradNorm')[0]);
      total = acc ** (1 / normType);
    }
    if (options.errorIfNonfinite && !Number.isFinite(total)) {
      throw new RangeError(
        `clipGradNorm: the total norm of order ${normType} of the gradients is ${total}, so they cannot be clipped; ` +
          'pass { errorIfNonfinite: false } to scale by it anyway',
      );
    }
    const coef = maxNorm / (total + 1e-6);
    // PyTorch multiplies by min(coef, 1) always; multiplying by 1 changes nothing, so skip it.
    if (!(coef >= 1)) for (const p of ps) writeGrad(p, mul(p._grad as Tensor, coef));
    return total;
  });
}

/**
 * Clamps every gradient element of `params` to [-clipValue, clipValue], in place.
 *
 * @example
 * loss.backward();
 * clipGradValue(model.parameters(), 0.5);
 * opt.step();
 */
export function clipGradValue(params: Tensor | Iterable<Tensor>, clipValue: number): void {
  if (typeof clipValue !== 'number' || !(clipValue >= 0))
    throw new RangeError(`clipGradValue: clipValue must be a non-negative number, got ${clipValue}`);
  const ps = withGrad('clipGradValue', params);
  noGrad(() => {
    for (const p of ps) writeGrad(p, clamp(p._grad as Tensor, -clipValue, clipValue));
  });
}
