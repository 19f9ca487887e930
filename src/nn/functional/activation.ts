// nn.functional's activations, like torch.nn.functional's. The elementwise ones are primitives
// (src/core/primitives/unary.ts: definition and gradient); those Tensor also has as methods are
// built in src/ops (elementwise.ts, nn.ts for softmax) and re-exported here, the others are built
// here from their primitive. The activation layers (src/nn/activation.ts) call these.

export { elu, gelu, leakyRelu, relu, sigmoid, silu, softplus, tanh } from '../../ops/elementwise.js';
export { logSoftmax, softmax } from '../../ops/nn.js';
