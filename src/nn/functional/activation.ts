// nn.functional's activations, like torch.nn.functional's. The elementwise ones are primitives
// (src/core/primitives/unary.ts: definition and gradient); those Tensor also has as methods are
// built in src/ops (elementwise.ts, nn.ts for softmax) and re-exported here, the others are built
// here from their primitive. The activation layers (src/nn/activation.ts) call these.

import type { Tensor } from '../../core/tensor.js';
import { unaryOp } from '../../ops/elementwise.js';

export { elu, gelu, leakyRelu, relu, sigmoid, silu, softplus, tanh } from '../../ops/elementwise.js';
export { logSoftmax, softmax } from '../../ops/nn.js';

const hardswishOp = unaryOp('hardswish');
/**
 * x * relu6(x + 3) / 6 (torch.nn.functional.hardswish): 0 below -3, x above 3. Shape: any, same out.
 * @example hardswish(tensor([-4, 0, 1, 4])).toArray() // [0, 0, 0.6667, 4]
 */
export const hardswish = (x: Tensor): Tensor => hardswishOp(x);

const mishOp = unaryOp('mish');
/**
 * x * tanh(softplus(x)) (torch.nn.functional.mish), a smooth non-monotonic activation. Shape: any, same out.
 * @example mish(tensor([-1, 0, 1])).toArray() // [-0.3034, 0, 0.8651]
 */
export const mish = (x: Tensor): Tensor => mishOp(x);
