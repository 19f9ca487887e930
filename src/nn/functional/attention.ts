// nn.functional's attention: scaledDotProductAttention with PyTorch 2's semantics
// (torch.nn.functional.scaled_dot_product_attention), composed from engine ops (matmul, masked
// softmax, matmul) so it runs and differentiates on every device. `attentionWeights` is the
// softmax half on its own, which MultiheadAttention (src/nn/attention.ts) needs when it returns
// the weights.

import type { Tensor } from '../../core/tensor.js';
import { arange } from '../../ops/creation.js';
import { add, ge, logicalNot, maskedFill, mul } from '../../ops/elementwise.js';
import { matmul } from '../../ops/linalg.js';
import { reshape, transpose } from '../../ops/movement.js';
import { dropout, softmax } from '../../ops/nn.js';
import { checkAttentionArgs, type ScaledDotProductAttentionOptions } from './attention_args.js';
import { scaledDotProductAttentionTiled } from './attention_tiled.js';

export type { ScaledDotProductAttentionOptions } from './attention_args.js';

const OP = 'scaledDotProductAttention';
/**
 * The default takes the tiled path (attention_tiled.ts, blocks of TILE queries) from TILE_SCORES
 * scores per head. bench/attention_paths.ts, CPU, (2, 4, L, 64), forward + backward: at L = 1024
 * it holds 43 MiB instead of 228 (47 instead of 262 causal), 1.25x slower, and 1.5x faster causal
 * (it skips the masked triangle); at L = 256 the composition is faster (10 ms against 14).
 */
const TILE = 128;
const TILE_SCORES = 512 * 512;

/**
 * The (L, S) causal mask on `like`'s device: true where key j <= query i.
 * @example causalMask(3, 3, q).toArray() // [[true, false, false], [true, true, false], [true, true, true]]
 */
export function causalMask(L: number, S: number, like: Tensor): Tensor {
  const device = like.storage.device;
  const i = reshape(arange(L, undefined, 1, { dtype: 'int32', device }), [L, 1]);
  const j = reshape(arange(S, undefined, 1, { dtype: 'int32', device }), [1, S]);
  return ge(i, j); // (L, S)
}

/** The scaled, masked scores q k^T * scale (+ mask), before the softmax. (..., L, S) */
function scores(q: Tensor, k: Tensor, o: ScaledDotProductAttentionOptions, L: number, S: number, E: number): Tensor {
  const scale = o.scale ?? 1 / Math.sqrt(E);
  let s = mul(matmul(q, transpose(k, -2, -1)), scale); // (..., L, S)
  let mask = o.attnMask ?? null;
  if (o.isCausal) mask = causalMask(L, S, q);
  if (mask !== null) s = mask.dtype === 'bool' ? maskedFill(s, logicalNot(mask), -Infinity) : add(s, mask);
  return s;
}

/**
 * softmax(q k^T * scale + mask) with dropout: the attention weights (..., L, S) that
 * scaledDotProductAttention multiplies v by. Same arguments and options.
 * @example attentionWeights(q, k, { isCausal: true }).shape // [2, 4, 5, 5] for q, k (2, 4, 5, 8)
 */
export function attentionWeights(q: Tensor, k: Tensor, options: ScaledDotProductAttentionOptions = {}): Tensor {
  const [L, S, E] = checkAttentionArgs('attentionWeights', q, k, k, options);
  const w = softmax(scores(q, k, options, L, S, E), -1);
  return dropout(w, options.dropoutP ?? 0, true);
}

/**
 * Attention, like PyTorch 2's torch.nn.functional.scaled_dot_product_attention:
 * softmax(q k^T * scale + mask) v, on every device. Long sequences (from 512 x 512 scores, over
 * 128 queries) run scaledDotProductAttentionTiled, which never holds the (L x S) scores;
 * shorter ones, dropout, or a float attnMask that requires grad, the plain composition
 * (scaledDotProductAttentionComposed).
 * A query row whose keys are all masked out gives NaN, as in PyTorch.
 *
 * Shapes: q (..., L, E), k (..., S, E), v (..., S, Ev) -> (..., L, Ev); leading dims broadcast.
 * @example scaledDotProductAttention(q, k, v, { isCausal: true }).shape // [B, H, L, Ev]
 */
export function scaledDotProductAttention(q: Tensor, k: Tensor, v: Tensor, options: ScaledDotProductAttentionOptions = {}): Tensor {
  const [L, S] = checkAttentionArgs(OP, q, k, v, options);
  const long = L > TILE && L * S >= TILE_SCORES;
  if (long && (options.dropoutP ?? 0) === 0 && options.attnMask?.requiresGrad !== true) {
    return scaledDotProductAttentionTiled(q, k, v, { ...options, blockSize: TILE });
  }
  return scaledDotProductAttentionComposed(q, k, v, options);
}

/**
 * The plain composition (matmul, masked softmax, dropout, matmul; autograd's backward), for any
 * length: the reference the tiled path is tested against. Same arguments and result.
 * @example scaledDotProductAttentionComposed(q, k, v, { attnMask }).shape // [..., L, Ev]
 */
export function scaledDotProductAttentionComposed(q: Tensor, k: Tensor, v: Tensor, options: ScaledDotProductAttentionOptions = {}): Tensor {
  const [L, S, E] = checkAttentionArgs(OP, q, k, v, options);
  const w = dropout(softmax(scores(q, k, options, L, S, E), -1), options.dropoutP ?? 0, true);
  return matmul(w, v);
}
