// nn.functional's linear layer function: y = x W^T + b, one recorded op (src/ops/linalg: linearOp,
// with a hand-written backward).

import { fmt } from '../../core/shape.js';
import { assertTensor, type Tensor } from '../../core/tensor.js';
import { linearOp } from '../../ops/linalg.js';

/**
 * y = x W^T + b, like torch.nn.functional.linear.
 * Shapes: x (*, in), weight (out, in), bias (out) -> (*, out).
 * @example linear(randn([32, 784]), w, b).shape // [32, 10] for w (10, 784)
 */
export function linear(x: Tensor, weight: Tensor, bias?: Tensor | null): Tensor {
  assertTensor('linear', x);
  assertTensor('linear', weight, 'weight');
  if (weight.ndim !== 2) throw new RangeError(`linear: weight must be 2-D (out, in), got shape ${fmt(weight.shape)}`);
  if (x.ndim === 0 || x.shape[x.ndim - 1] !== weight.shape[1]) {
    throw new RangeError(`linear: input must have ${weight.shape[1]} features in its last dim, got shape ${fmt(x.shape)}`);
  }
  if (bias != null && (bias.ndim !== 1 || bias.shape[0] !== weight.shape[0])) {
    throw new RangeError(`linear: bias must have shape [${weight.shape[0]}], got ${fmt(bias.shape)}`);
  }
  return linearOp(x, weight, bias ?? null);
}
