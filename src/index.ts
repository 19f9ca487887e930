// tessera's public surface: tensors, autograd, ops, backends and memory controls.
// Importing this module starts nothing: the heap, the kernels and the threads start on first use.

import { registerBackend } from './backend/backend.js';
import { ReferenceBackend } from './backend/reference/index.js';

registerBackend('reference', () => new ReferenceBackend());

export { getBackend, listBackends, registerBackend, setBackend } from './backend/backend.js';
export type { Backend } from './backend/backend.js';
export { enableGrad, isGradEnabled, noGrad } from './core/autograd.js';
export type { DType } from './core/dtype.js';
export { manualSeed, getRngState, setRngState, Generator } from './core/random.js';
export { Tensor } from './core/tensor.js';
export type { NestedArray, TensorLike } from './core/tensor.js';
export * from './ops/creation.js';
export * from './ops/elementwise.js';
export * from './ops/reduce.js';
export { variance as var } from './ops/reduce.js';
export * from './ops/movement.js';
export { concat as cat } from './ops/movement.js';
export * from './ops/indexing.js';
export * from './ops/linalg.js';
export * from './ops/conv.js';
export * from './ops/nn.js';
export { memoryStats, setMemoryBudget } from './core/memory.js';
