// tessera/nn: Module and layers (one family per file), initialisers, losses, the functional ops
// they call (`functional`, like torch.nn.functional) and the layer registry that rebuilds an
// architecture from JSON. Importing this registers nothing.

export * from './activation.js';
export type { MultiheadAttentionForwardOptions, MultiheadAttentionOptions } from './attention.js';
export { MultiheadAttention } from './attention.js';
export type { BatchNormLayerOptions } from './batchnorm.js';
export { BatchNorm1d, BatchNorm2d } from './batchnorm.js';
export { Sequential } from './container.js';
export type { ConvOptions } from './conv.js';
export { Conv1d, Conv2d } from './conv.js';
export { Dropout } from './dropout.js';
export type { EmbeddingOptions } from './embedding.js';
export { Embedding } from './embedding.js';
export { Flatten, Unflatten } from './flatten.js';
export type { ScaledDotProductAttentionOptions } from './functional/attention.js';
export * as functional from './functional/index.js';
export { adaptiveAvgPool2d, batchNorm, layerNorm, linear, scaledDotProductAttention } from './functional/index.js';
export type { BCEOptions, BCEWithLogitsOptions, KLDivOptions, LossOptions, NLLOptions, Reduction } from './functional/loss.js';
export {
  binaryCrossEntropy,
  binaryCrossEntropyWithLogits,
  huberLoss,
  klDiv,
  l1Loss,
  mseLoss,
  nllLoss,
  smoothL1Loss,
} from './functional/loss.js';
export type { BatchNormOptions, LayerNormOptions, RMSNormOptions } from './functional/normalization.js';
export { rmsNorm } from './functional/normalization.js';
export type { FanMode, InitOptions, KaimingOptions, Nonlinearity, XavierOptions } from './init.js';
export * as init from './init.js';
export type { LinearOptions } from './linear.js';
export { Identity, Linear } from './linear.js';
export type { CrossEntropyLossOptions } from './loss.js';
export { BCELoss, BCEWithLogitsLoss, CrossEntropyLoss, HuberLoss, KLDivLoss, L1Loss, MSELoss, NLLLoss, SmoothL1Loss } from './loss.js';
export type { ConfigValues, JsonValue, LoadStateDictOptions, LoadStateDictResult, StateDict } from './module.js';
export { Module } from './module.js';
export type { LayerNormLayerOptions, RMSNormLayerOptions } from './normalization.js';
export { LayerNorm, RMSNorm } from './normalization.js';
export type { AvgPool2dOptions, Pool2dOptions as MaxPool2dOptions } from './pooling.js';
export { AdaptiveAvgPool2d, AvgPool2d, MaxPool2d } from './pooling.js';
export type { RotaryOptions, SinusoidalPositionalEncodingOptions } from './positional.js';
export {
  applyRotary,
  LearnedPositionalEmbedding,
  RotaryEmbedding,
  rotaryTables,
  SinusoidalPositionalEncoding,
  sinusoidalEncoding,
} from './positional.js';
export type { LSTMOptions, RecurrentInputs, RecurrentOptions, RecurrentResult, RNNOptions } from './recurrent.js';
export { GRU, LSTM, RNN } from './recurrent.js';
export { GRUCell, LSTMCell, RNNCell } from './recurrent_cells.js';
export type { LayerBuilder, LayerConfig } from './registry.js';
export { layerFromConfig, layerToConfig, layerTypes, registerLayer } from './registry.js';
