// nn.functional (torch.nn.functional): every functional op a model calls, one family per file:
// activations (and softmax), dropout, losses, convolution and pooling, normalisation, linear,
// embedding. Exported as `nn.functional` and `functional`; the layers in src/nn call these.
//
// @example
// import { functional as F } from 'tessera';
// const loss = F.crossEntropy(F.linear(F.relu(x), w), labels);

export * from './activation.js';
export type { ScaledDotProductAttentionOptions } from './attention.js';
export { attentionWeights, causalMask, scaledDotProductAttention, scaledDotProductAttentionComposed } from './attention.js';
export type { TiledAttentionOptions } from './attention_tiled.js';
export { scaledDotProductAttentionTiled } from './attention_tiled.js';
export * from './conv.js';
export * from './dropout.js';
export * from './embedding.js';
export * from './linear.js';
export * from './loss.js';
export type { BatchNormOptions, LayerNormOptions, RMSNormOptions } from './normalization.js';
export { batchNorm, FLOAT32_EPS, layerNorm, rmsNorm } from './normalization.js';
export * from './pooling.js';
