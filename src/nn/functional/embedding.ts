// nn.functional's embedding lookup: rows of a weight matrix by int32 index, an engine op
// (src/ops/indexing.ts) with its scatter-add gradient, part of the functional namespace here.

export { embedding } from '../../ops/indexing.js';
