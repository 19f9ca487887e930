// tessera's public surface: tensors, autograd, ops, devices and memory controls.
// Importing this module starts nothing: the heap, the kernels and the threads start on first use.

export type { Backend, DeviceBuffer } from './backend/backend.js';
export type { Device, DeviceMemoryStats } from './backend/device.js';
export type { ReferenceDeviceOptions } from './backend/reference/index.js';
export { ReferenceDevice } from './backend/reference/index.js';
export {
  getBackend,
  getDefaultDevice,
  getDevice,
  listBackends,
  listDevices,
  registerDevice,
  setBackend,
  setDefaultDevice,
} from './backend/registry.js';
export { CpuDevice } from './backend/wasm/device.js';
export { getNumThreads, setNumThreads } from './backend/wasm/index.js';
export type { WebGpuDevice, WebGpuMemoryStats } from './backend/webgpu/device.js';
export { listWebGpuAdapters, registerWebGpu, type WebGpuOptions } from './backend/webgpu/register.js';
export { enableGrad, isGradEnabled, noGrad } from './core/autograd.js';
export type { DType } from './core/dtype.js';
export { ownByGraph } from './core/lifetime.js';
export { memoryStats, setMemoryBudget } from './core/memory.js';
export { Generator, getRngState, manualSeed, setRngState } from './core/random.js';
export type { NestedArray, TensorLike } from './core/tensor.js';
export { Tensor } from './core/tensor.js';
export * from './data/index.js';
export * from './eval/index.js';
export * from './io/index.js';
export { saveModel as saveModelFiles } from './io/index.js';
// every activation of nn.functional at the top level too (relu, gelu, hardswish, ...)
export * from './nn/functional/activation.js';
export * from './nn/index.js';
export * as nn from './nn/index.js';
export type { Conv1dOptions, Conv2dOptions, Pool2dOptions } from './ops/conv.js';
export { avgPool1d, avgPool2d, conv1d, conv2d, maxPool1d, maxPool2d } from './ops/conv.js';
export * from './ops/creation.js';
export {
  abs,
  add,
  cast,
  ceil,
  clamp,
  clone,
  cos,
  div,
  elu,
  eq,
  exp,
  expm1,
  floor,
  ge,
  gelu,
  gt,
  isNaN,
  le,
  leakyRelu,
  log,
  log1p,
  logicalAnd,
  logicalNot,
  logicalOr,
  logicalXor,
  lt,
  maskedFill,
  maximum,
  minimum,
  mul,
  ne,
  neg,
  pow,
  reciprocal,
  relu,
  round,
  rsqrt,
  sigmoid,
  sign,
  silu,
  sin,
  softplus,
  sqrt,
  square,
  sub,
  tanh,
  where,
} from './ops/elementwise.js';
export { embedding, gather, indexSelect } from './ops/indexing.js';
export { dot, matmul, outer } from './ops/linalg.js';
export type { SliceSpec } from './ops/movement.js';
export {
  chunk,
  concat,
  concat as cat,
  contiguous,
  expand,
  flatten,
  narrow,
  pad,
  permute,
  reshape,
  select,
  slice,
  split,
  squeeze,
  stack,
  transpose,
  unsqueeze,
  view,
} from './ops/movement.js';
export type { CrossEntropyOptions } from './ops/nn.js';
export { crossEntropy, dropout, logSoftmax, softmax } from './ops/nn.js';
export type { VarOptions } from './ops/reduce.js';
export { argmax, argmin, logSumExp, max, mean, min, prod, std, sum, variance, variance as var } from './ops/reduce.js';
export * from './optim/index.js';
export * as text from './text/index.js';
// tokenizers: the main ones at the top level, everything under `text` (its TokenizerJSON is Hugging Face's format,
// not the word Tokenizer's of src/data)
export { ByteLevelBPE, CharTokenizer, fromTokenizerJSON, toTokenizerJSON, trainByteLevelBPE } from './text/index.js';
export * from './train/index.js';
// the model-level saveModel(model, dir) wins over the file-level one, which stays reachable
export { saveModel } from './train/index.js';
