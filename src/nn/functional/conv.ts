// nn.functional's convolutions: conv1d and conv2d are engine primitives with their gradients
// (src/ops/conv.ts, where Tensor.conv2d also reaches them); this file makes them part of the
// functional namespace.

export type { Conv1dOptions, Conv2dOptions } from '../../ops/conv.js';
export { conv1d, conv2d } from '../../ops/conv.js';
