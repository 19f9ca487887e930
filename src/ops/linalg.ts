// Matrix products: matmul with NumPy semantics (1-D operands, batched and broadcast leading
// dims). Transposed operands (views from .T / transpose) are passed to the kernel as such,
// without a copy.

import type { MatArg } from '../backend/backend.js';
import { attach } from '../core/autograd.js';
import { emptyTensor, launch, sameDevice } from '../core/exec.js';
import { broadcastShapes, broadcastStrides, fmt, sizeOf } from '../core/shape.js';
import { assertTensor, type Tensor } from '../core/tensor.js';
import { contiguous, reshape, squeeze, transpose, unsqueeze } from './movement.js';
import { sumTo } from './reduce.js';

/** Can the last two dims be read as a (possibly transposed) row-major matrix? */
function matrixLayout(t: Tensor): { ld: number; trans: boolean } | null {
  const r = t.shape[t.ndim - 2];
  const c = t.shape[t.ndim - 1];
  const rs = t.strides[t.ndim - 2];
  const cs = t.strides[t.ndim - 1];
  if ((cs === 1 || c === 1) && (r === 1 || rs >= c)) return { ld: r === 1 ? Math.max(c, 1) : rs, trans: false };
  if ((rs === 1 || r === 1) && (c === 1 || cs >= r)) return { ld: c === 1 ? Math.max(r, 1) : cs, trans: true };
  return null;
}

/**
 * Matrix product with broadcasting over leading (batch) dims, like torch.matmul.
 * Shapes: (m, k) @ (k, n) -> (m, n); (B..., m, k) @ (B..., k, n) -> (B..., m, n); 1-D operands
 * are treated as a row (left) or column (right) vector and that dim is removed from the result.
 * @example matmul(randn([32, 784]), randn([784, 10])).shape // [32, 10]
 */
export function matmul(a: Tensor, b: Tensor): Tensor {
  assertTensor('matmul', a, 'a');
  assertTensor('matmul', b, 'b');
  if (a.ndim === 0 || b.ndim === 0)
    throw new RangeError(`matmul: both operands need at least 1 dim, got ${fmt(a.shape)} @ ${fmt(b.shape)}`);
  if (a.dtype !== 'float32' || b.dtype !== 'float32') throw new TypeError(`matmul: expected float32 operands, got ${a.dtype} @ ${b.dtype}`);
  if (a.shape[a.ndim - 1] !== b.shape[b.ndim === 1 ? 0 : b.ndim - 2]) {
    throw new RangeError(`matmul: inner dimensions differ: ${fmt(a.shape)} @ ${fmt(b.shape)}`);
  }
  if (a.ndim === 1 && b.ndim === 1) return reshape(matmul(unsqueeze(a, 0), unsqueeze(b, 1)), []);
  if (a.ndim === 1) return squeeze(matmul(unsqueeze(a, 0), b), -2);
  if (b.ndim === 1) return squeeze(matmul(a, unsqueeze(b, 1)), -1);
  const [m, k] = a.shape.slice(-2);
  const n = b.shape[b.ndim - 1];
  const batch = broadcastShapes(`matmul ${fmt(a.shape)} @ ${fmt(b.shape)}: batch dims`, a.shape.slice(0, -2), b.shape.slice(0, -2));
  const y = matmulRaw(a, b, batch, m, n, k);
  return attach(y, 'matmul', [a, b], (g) => [
    a.requiresGrad ? sumTo(matmul(g, transpose(b, -2, -1)), a.shape) : null,
    b.requiresGrad ? sumTo(matmul(transpose(a, -2, -1), g), b.shape) : null,
  ]);
}

function matmulRaw(a0: Tensor, b0: Tensor, batch: number[], m: number, n: number, k: number): Tensor {
  const a = matrixLayout(a0) ? a0 : contiguous(a0);
  const b = matrixLayout(b0) ? b0 : contiguous(b0);
  const la = matrixLayout(a) as { ld: number; trans: boolean };
  const lb = matrixLayout(b) as { ld: number; trans: boolean };
  const nb = sizeOf(batch);
  const aStr = broadcastStrides(a.shape.slice(0, -2), a.strides.slice(0, -2), batch);
  const bStr = broadcastStrides(b.shape.slice(0, -2), b.strides.slice(0, -2), batch);
  const dev = sameDevice('matmul', a0, b0);
  return launch(dev, (be) => {
    const out = emptyTensor([...batch, m, n], 'float32', 'matmul', dev);
    const buf = out.storage.buffer;
    const idx = new Array<number>(batch.length).fill(0);
    for (let i = 0; i < nb; i++) {
      let oa = 0;
      let ob = 0;
      for (let d = 0; d < batch.length; d++) {
        oa += idx[d] * aStr[d];
        ob += idx[d] * bStr[d];
      }
      const A: MatArg = { buffer: a.storage.buffer, offset: a.offset + oa, ld: la.ld, trans: la.trans };
      const B: MatArg = { buffer: b.storage.buffer, offset: b.offset + ob, ld: lb.ld, trans: lb.trans };
      const C = nb === 1 ? out : { buffer: buf, offset: i * m * n };
      if (k === 0) be.fill(C, 'float32', m * n, 0);
      else be.matmul(m, n, k, A, B, C, n, false);
      for (let d = batch.length - 1; d >= 0; d--) {
        if (++idx[d] < batch[d]) break;
        idx[d] = 0;
      }
    }
    return out;
  });
}

/** Inner product of two 1-D tensors. */
export function dot(a: Tensor, b: Tensor): Tensor {
  assertTensor('dot', a, 'a');
  assertTensor('dot', b, 'b');
  if (a.ndim !== 1 || b.ndim !== 1) throw new RangeError(`dot: expected two 1-D tensors, got ${fmt(a.shape)} and ${fmt(b.shape)}`);
  return matmul(a, b);
}

/** The outer product of two 1-D tensors: (m) x (n) -> (m, n). */
export function outer(a: Tensor, b: Tensor): Tensor {
  assertTensor('outer', a, 'a');
  assertTensor('outer', b, 'b');
  if (a.ndim !== 1 || b.ndim !== 1) throw new RangeError(`outer: expected two 1-D tensors, got ${fmt(a.shape)} and ${fmt(b.shape)}`);
  return matmul(reshape(a, [a.size, 1]), reshape(b, [1, b.size]));
}

/**
 * `x @ weight^T + bias`, as one recorded op whose backward gives the weight's gradient directly
 * in its own (out, in) layout (`g^T @ x`), so it needs no transposing copy, and adds the bias in
 * place into the product. Shapes: x (*, in), weight (out, in), bias (out) -> (*, out).
 * Arguments are checked by the callers (nn's `linear`).
 */
export function linearOp(x: Tensor, weight: Tensor, bias: Tensor | null): Tensor {
  const [outF, inF] = weight.shape;
  const x2 = x.ndim === 2 ? x : reshape(x, [-1, inF]); // (M, in)
  const y = matmulData(x2, weight, bias);
  const out = attach(y, 'linear', bias === null ? [x2, weight] : [x2, weight, bias], (g) => [
    x2.requiresGrad ? matmul(g, weight) : null, // (M, in)
    weight.requiresGrad ? matmul(transpose(g, 0, 1), x2) : null, // (out, in), contiguous
    bias?.requiresGrad ? sumTo(g, bias.shape) : null, // (out)
  ]);
  return x.ndim === 2 ? out : reshape(out, [...x.shape.slice(0, -1), outF]);
}

/** The values of x2 @ weight^T + bias, with no graph: a fresh product the bias is added into. */
function matmulData(x2: Tensor, weight: Tensor, bias: Tensor | null): Tensor {
  const y = matmul(x2.detach(), transpose(weight.detach(), 0, 1)); // (M, out)
  if (bias !== null) y.add_(bias.detach());
  return y;
}
