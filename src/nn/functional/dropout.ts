// nn.functional's dropout: an engine op (src/ops/nn.ts, where Tensor.dropout also reaches it),
// part of the functional namespace here.

export { dropout } from '../../ops/nn.js';
