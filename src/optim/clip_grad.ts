// Gradient clipping, as torch.nn.utils.clip_grad_norm_ and clip_grad_value_: rescale all gradients
// together so that their joint norm is at most maxNorm, or clamp each gradient element.

import { noGrad } from '../core/autograd.js';
import { readsOnHost, readValues } from '../core/exec.js';
import { describeValue, Tensor } from '../core/tensor.js';
import { zeros } from '../ops/creation.js';
import { abs, add, clamp, div, lt, maximum, minimum, mul, pow, sqrt, where } from '../ops/elementwise.js';
import { max, sum } from '../ops/reduce.js';
import { withTemps } from './optimizer.js';

export interface ClipGradNormOptions {
  /** Throw when the total norm is NaN or infinite instead of scaling by it (on a device that cannot be read synchronously: make the gradients NaN). Default false. */
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

/** Whether `g` is an expanded view (a stride 0 over a dim > 1), which cannot be written in place. */
function isExpanded(g: Tensor): boolean {
  return g.shape.some((n, i) => n > 1 && g.strides[i] === 0);
}

/** Writes `value` into `p._grad` in place; a grad that cannot be written (an expanded view) is replaced. */
function writeGrad(p: Tensor, value: Tensor): void {
  const g = p._grad as Tensor;
  if (isExpanded(g)) {
    p._grad = value;
    return;
  }
  g.copy_(value);
  value.dispose();
}

/**
 * Scales the gradients of `params` in place so that their total `normType`-norm (the norm of all
 * gradients taken as one vector) is at most `maxNorm`, and returns that total norm before clipping
 * as a scalar float32 tensor, as PyTorch's `clip_grad_norm_`. Norm and scale are computed on the
 * gradients' device and nothing is read back, so clipping costs no device sync; read the norm when
 * you want it (`await norm.data()`). Parameters without a gradient are skipped (no gradient at all:
 * a norm of 0). `normType` is any p > 0, or Infinity for the max norm. `errorIfNonfinite` must read
 * the norm to decide, so it reads it synchronously; on a device that cannot be read synchronously
 * (a GPU) it cannot throw, and a non-finite norm makes every gradient NaN instead.
 *
 * @example
 * loss.backward();
 * const norm = clipGradNorm(model.parameters(), 1.0); // a scalar tensor (); (await norm.data())[0] to log it
 * opt.step();
 */
export function clipGradNorm(params: Tensor | Iterable<Tensor>, maxNorm: number, normType = 2, options: ClipGradNormOptions = {}): Tensor {
  if (typeof maxNorm !== 'number' || !(maxNorm >= 0))
    throw new RangeError(`clipGradNorm: maxNorm must be a non-negative number, got ${maxNorm}`);
  if (typeof normType !== 'number' || !(normType > 0)) {
    throw new RangeError(`clipGradNorm: normType must be a positive number or Infinity, got ${normType}`);
  }
  const ps = withGrad('clipGradNorm', params);
  const grads = ps.map((p) => p._grad as Tensor).filter((g) => g.size > 0);
  if (grads.length === 0) return zeros([]);
  return noGrad(() => {
    // per gradient max|g| or sum(|g|^p) in float32, as PyTorch, then combined by scalar ops: (), on the device
    const total = withTemps((t) => {
      const inf = normType === Number.POSITIVE_INFINITY;
      const parts = grads.map((g) => t(inf ? max(t(abs(g))) : sum(normType === 2 ? t(mul(g, g)) : t(pow(t(abs(g)), normType)))));
      let acc = parts[0];
      for (const part of parts.slice(1)) acc = t(inf ? maximum(acc, part) : add(acc, part));
      if (inf) return maximum(acc, 0); // a new tensor (acc is a temporary); NaN propagates
      return normType === 2 ? sqrt(acc) : pow(acc, 1 / normType);
    });
    const onHost = readsOnHost(total.storage.device);
    if (options.errorIfNonfinite && onHost) {
      const value = readValues(total, 'clipGradNorm')[0];
      if (!Number.isFinite(value)) {
        throw new RangeError(
          `clipGradNorm: the total norm of order ${normType} of the gradients is ${value}, so they cannot be clipped; ` +
            'pass { errorIfNonfinite: false } to scale by it anyway',
        );
      }
    }
    // PyTorch multiplies by min(maxNorm / (norm + 1e-6), 1) always (a NaN norm makes NaN gradients)
    let coef = withTemps((t) => minimum(t(div(maxNorm, t(add(total, 1e-6)))), 1)); // (), NaN stays NaN
    if (options.errorIfNonfinite && !onHost) {
      // no read here: a non-finite norm makes every gradient NaN instead of throwing
      coef = withTemps((t) => where(t(lt(t(abs(total)), Number.POSITIVE_INFINITY)), t(coef), Number.NaN));
    }
    for (const p of ps) {
      const g = p._grad as Tensor;
      if (g.size === 0) continue;
      if (isExpanded(g)) p._grad = mul(g, coef);
      else g.mul_(coef); // in place: one pass over the gradient
    }
    coef.dispose();
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
