// tessera/nn: Module and layers (one family per file), initialisers, losses, and the layer
// registry that rebuilds an architecture from JSON. Importing this registers nothing.

export { ELU, GELU, LeakyReLU, LogSoftmax, ReLU, Sigmoid, SiLU, Softmax, Softplus, Tanh } from './activation.js';
export type { BatchNormLayerOptions } from './batchnorm.js';
export { BatchNorm1d, BatchNorm2d } from './batchnorm.js';
export { Sequential } from './container.js';
export type { ConvOptions } from './conv.js';
export { Conv1d, Conv2d } from './conv.js';
export { Dropout } from './dropout.js';
export type { EmbeddingOptions } from './embedding.js';
export { Embedding } from './embedding.js';
export { Flatten, Unflatten } from './flatten.js';
export type { BatchNormOptions, LayerNormOptions } from './functional.js';
export { adaptiveAvgPool2d, batchNorm, layerNorm, linear } from './functional.js';
export type { FanMode, InitOptions, KaimingOptions, Nonlinearity, XavierOptions } from './init.js';
export * as init from './init.js';
export type { LinearOptions } from './linear.js';
export { Identity, Linear } from './linear.js';
export type {
  BCEOptions,
  BCEWithLogitsOptions,
  CrossEntropyLossOptions,
  KLDivOptions,
  LossOptions,
  NLLOptions,
  Reduction,
} from './loss.js';
export {
  BCELoss,
  BCEWithLogitsLoss,
  binaryCrossEntropy,
  binaryCrossEntropyWithLogits,
  CrossEntropyLoss,
  HuberLoss,
  huberLoss,
  KLDivLoss,
  klDiv,
  L1Loss,
  l1Loss,
  MSELoss,
  mseLoss,
  NLLLoss,
  nllLoss,
  SmoothL1Loss,
  smoothL1Loss,
} from './loss.js';
export type { ConfigValues, JsonValue, LoadStateDictOptions, LoadStateDictResult, StateDict } from './module.js';
export { Module } from './module.js';
export type { LayerNormLayerOptions } from './normalization.js';
export { LayerNorm } from './normalization.js';
export type { AvgPool2dOptions, Pool2dOptions as MaxPool2dOptions } from './pooling.js';
export { AdaptiveAvgPool2d, AvgPool2d, MaxPool2d } from './pooling.js';
export type { LayerBuilder, LayerConfig } from './registry.js';
export { layerFromConfig, layerToConfig, layerTypes, registerLayer } from './registry.js';
