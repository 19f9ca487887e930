// Memory-efficient attention: scaledDotProductAttention computed one block of queries at a time,
// forward and backward, so the (L x S) score matrix is never materialised: a block holds
// (blockSize x S), freed before the next. One recorded op with its own backward, the algorithm of
// FlashAttention (Dao et al., 2022) over the engine's primitives: the forward saves the output and
// each row's log-sum-exp; the backward recomputes each block's probabilities from them
// (P = exp(s - lse)), with D = rowsum(dO * O), dS = P * (dP - D). Keys are not tiled: a block sees
// all its keys at once, so no online (running) softmax is needed; under isCausal a block stops at
// its last query's key, which skips the masked upper triangle. Runs on every device (composed of
// engine ops); the composed path of attention.ts is its reference.

import { attach, noGrad } from '../../core/autograd.js';
import { capture, release } from '../../core/lifetime.js';
import { broadcastShapes } from '../../core/shape.js';
import type { Tensor } from '../../core/tensor.js';
import { arange, zeros } from '../../ops/creation.js';
import { add, div, exp, ge, log, logicalNot, maskedFill, mul, sub } from '../../ops/elementwise.js';
import { matmul } from '../../ops/linalg.js';
import { narrow, reshape, transpose } from '../../ops/movement.js';
import { max, sum, sumTo } from '../../ops/reduce.js';
import { checkAttentionArgs, type ScaledDotProductAttentionOptions } from './attention_args.js';

export interface TiledAttentionOptions extends ScaledDotProductAttentionOptions {
  /** Queries per block: the scores held at once are (..., blockSize, S). Default 128. */
  blockSize?: number;
}

const OP = 'scaledDotProductAttentionTiled';

/** Runs `fn` and frees everything it allocated except the storages of `keep(result)`. */
function scoped<T>(fn: () => T, keep: (r: T) => readonly Tensor[]): T {
  const [r, made] = capture(fn);
  const kept = new Set(keep(r).map((t) => t.storage));
  for (const s of made) if (!kept.has(s)) release(s);
  return r;
}

/**
 * scaledDotProductAttention with memory O(blockSize x S) instead of O(L x S), forward and backward
 * (see the file header). Same arguments and results; dropoutP must be 0 and a float attnMask gets
 * no gradient (use the composed op for either).
 *
 * Shapes: q (..., L, E), k (..., S, E), v (..., S, Ev) -> (..., L, Ev).
 * @example scaledDotProductAttentionTiled(q, k, v, { isCausal: true, blockSize: 64 }) // q, k, v (B, H, 1024, 64)
 */
export function scaledDotProductAttentionTiled(q: Tensor, k: Tensor, v: Tensor, options: TiledAttentionOptions = {}): Tensor {
  const [L, S, E] = checkAttentionArgs(OP, q, k, v, options);
  const { attnMask = null, isCausal = false, dropoutP = 0, blockSize = 128 } = options;
  if (dropoutP !== 0)
    throw new RangeError(`${OP}: dropoutP must be 0 (dropout needs the weights: use scaledDotProductAttention), got ${dropoutP}`);
  if (!(Number.isInteger(blockSize) && blockSize >= 1))
    throw new RangeError(`${OP}: blockSize must be a positive integer, got ${blockSize}`);
  const scale = options.scale ?? 1 / Math.sqrt(E);
  const Ev = v.shape[v.ndim - 1];
  const device = q.storage.device;
  let batch = broadcastShapes(OP, q.shape.slice(0, -2), k.shape.slice(0, -2));
  batch = broadcastShapes(OP, batch, v.shape.slice(0, -2));
  if (attnMask !== null && attnMask.ndim > 2) batch = broadcastShapes(OP, batch, attnMask.shape.slice(0, -2));
  const [qd, kd, vd] = [q.detach(), k.detach(), v.detach()];
  const mask = attnMask?.detach() ?? null;
  const maskRows = mask !== null && mask.ndim >= 2 && mask.shape[mask.ndim - 2] === L && L > 1;
  const blocks: [number, number, number][] = []; // [first query, queries, keys seen]
  for (let i0 = 0; i0 < L; i0 += blockSize) {
    const n = Math.min(blockSize, L - i0);
    blocks.push([i0, n, isCausal ? Math.min(S, i0 + n) : S]);
  }

  /** The scaled, masked scores of one block: (..., n, kEnd). */
  const blockScores = (qb: Tensor, i0: number, n: number, kEnd: number): Tensor => {
    const kb = kEnd === S ? kd : narrow(kd, -2, 0, kEnd);
    let s = mul(matmul(qb, transpose(kb, -2, -1)), scale);
    if (isCausal) {
      const i = reshape(arange(i0, i0 + n, 1, { dtype: 'int32', device }), [n, 1]);
      const j = reshape(arange(kEnd, undefined, 1, { dtype: 'int32', device }), [1, kEnd]);
      s = maskedFill(s, logicalNot(ge(i, j)), -Infinity);
    } else if (mask !== null) {
      const mb = maskRows ? narrow(mask, -2, i0, n) : mask;
      s = mask.dtype === 'bool' ? maskedFill(s, logicalNot(mb), -Infinity) : add(s, mb);
    }
    return s;
  };

  const [out, lse] = noGrad(() => {
    const out = zeros([...batch, L, Ev], { device }); // (..., L, Ev)
    const lse = zeros([...batch, L, 1], { device }); // (..., L, 1): log sum exp of each score row
    for (const [i0, n, kEnd] of blocks) {
      scoped(
        () => {
          const s = blockScores(narrow(qd, -2, i0, n), i0, n, kEnd); // (..., n, kEnd)
          const m = max(s, -1, true);
          const p = exp(sub(s, m));
          const l = sum(p, -1, true);
          const vb = kEnd === S ? vd : narrow(vd, -2, 0, kEnd);
          narrow(out, -2, i0, n).copy_(div(matmul(p, vb), l));
          narrow(lse, -2, i0, n).copy_(add(m, log(l)));
        },
        () => [],
      );
    }
    return [out, lse];
  });

  return attach(
    out,
    OP,
    [q, k, v],
    (g) =>
      noGrad(() => {
        const dq = zeros([...batch, L, E], { device });
        const dk = zeros([...batch, S, E], { device });
        const dv = zeros([...batch, S, Ev], { device });
        const d = scoped(
          () => sum(mul(g, out), -1, true),
          (r) => [r],
        ); // (..., L, 1)
        for (const [i0, n, kEnd] of blocks) {
          scoped(
            () => {
              const qb = narrow(qd, -2, i0, n);
              const gb = narrow(g, -2, i0, n); // (..., n, Ev)
              const p = exp(sub(blockScores(qb, i0, n, kEnd), narrow(lse, -2, i0, n))); // (..., n, kEnd)
              const kb = kEnd === S ? kd : narrow(kd, -2, 0, kEnd);
              const vb = kEnd === S ? vd : narrow(vd, -2, 0, kEnd);
              narrow(dv, -2, 0, kEnd).add_(matmul(transpose(p, -2, -1), gb));
              const ds = mul(p, sub(matmul(gb, transpose(vb, -2, -1)), narrow(d, -2, i0, n))); // (..., n, kEnd)
              narrow(dq, -2, i0, n).copy_(mul(matmul(ds, kb), scale));
              narrow(dk, -2, 0, kEnd).add_(mul(matmul(transpose(ds, -2, -1), qb), scale));
            },
            () => [],
          );
        }
        release(d.storage);
        return [
          q.requiresGrad ? sumTo(dq, q.shape) : null,
          k.requiresGrad ? sumTo(dk, k.shape) : null,
          v.requiresGrad ? sumTo(dv, v.shape) : null,
        ];
      }),
    [lse],
  );
}
