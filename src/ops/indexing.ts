// Index ops: gather (torch.gather), indexSelect and embedding lookup, with scatter-add gradients.
// Indices must lie in [0, size) as in PyTorch: a negative index is an error, never the last row.

import { attach } from '../core/autograd.js';
import { position } from '../core/dtype.js';
import { emptyTensor, filled, launch, readValues, sameDevice } from '../core/exec.js';
import { fmt, normAxis, sizeOf } from '../core/shape.js';
import { assertTensor, type Tensor } from '../core/tensor.js';
import { contiguous, reshape } from './movement.js';

/**
 * Checks an index tensor's dtype and that every index lies in [0, n), like PyTorch, which raises
 * for negative indices here ("index out of range in self"); the error names the op, the
 * argument, the first bad index with its position, and the valid range (`of` says of what).
 * Returns the index as a contiguous tensor.
 * @example checkIndex('indexSelect', tensor([0, -1], { dtype: 'int32' }), 3, 0) // RangeError: indexSelect: index -1 at [1] ...
 */
export function checkIndex(op: string, index: Tensor, n: number, dim: number, arg = 'index', of = `dim ${dim} of size ${n}`): Tensor {
  if (index.dtype !== 'int32') throw new TypeError(`${op}: ${arg} must be an int32 tensor, got ${index.dtype}`);
  const c = contiguous(index);
  if (index.size === 0) return c;
  const flat = readValues(c, op);
  for (let i = 0; i < flat.length; i++) {
    const v = flat[i];
    if (v < 0 || v >= n) {
      const valid = n === 0 ? 'none: the dim is empty' : `0 to ${n - 1}`;
      const at = index.ndim === 0 ? '' : ` at ${position(i, index.shape)}`;
      throw new RangeError(`${op}: ${arg} ${v}${at} is out of range for ${of} (valid: ${valid}; negative indices are not allowed)`);
    }
  }
  return c;
}

/**
 * Rows of `x` along `dim` picked by a 1-D int32 `index` (torch.index_select).
 * @example indexSelect(x, 0, tensor([2, 0], { dtype: 'int32' }))
 */
export function indexSelect(x: Tensor, dim: number, index: Tensor): Tensor {
  assertTensor('indexSelect', x);
  assertTensor('indexSelect', index, 'index');
  const d = normAxis('indexSelect', dim, x.ndim);
  if (index.ndim !== 1) throw new RangeError(`indexSelect: index must be 1-D, got shape ${fmt(index.shape)}`);
  return selectRows(x, d, checkIndex('indexSelect', index, x.shape[d], d));
}

/** indexSelect on a checked, contiguous 1-D index. */
function selectRows(x: Tensor, d: number, idx: Tensor): Tensor {
  const cx = contiguous(x);
  const outer = sizeOf(x.shape.slice(0, d));
  const inner = sizeOf(x.shape.slice(d + 1));
  const shape = [...x.shape];
  shape[d] = idx.size;
  const dev = sameDevice('indexSelect', x, idx, 'input', 'index');
  const y = launch(dev, (b) => {
    const out = emptyTensor(shape, x.dtype, 'indexSelect', dev);
    b.indexSelect(cx, x.dtype, outer, x.shape[d], inner, idx, idx.size, out);
    return out;
  });
  return attach(y, 'indexSelect', [cx], (g) => {
    const cg = contiguous(g);
    const gx = filled(x.shape, 0, 'float32', 'indexSelect', dev);
    launch(dev, (b) => b.indexAdd(cg, outer, idx.size, inner, idx, x.shape[d], gx));
    return [gx];
  });
}

/**
 * torch.gather: out[i][j] = x[index[i][j]][j] for dim 0 (and likewise for other dims).
 * `index` is int32 with x's rank; its size may be smaller than x's in any dim.
 */
export function gather(x: Tensor, dim: number, index: Tensor): Tensor {
  assertTensor('gather', x);
  assertTensor('gather', index, 'index');
  const d = normAxis('gather', dim, x.ndim);
  if (index.ndim !== x.ndim)
    throw new RangeError(`gather: index must have the same rank as input (${x.ndim}), got shape ${fmt(index.shape)}`);
  index.shape.forEach((n, k) => {
    if (k !== d && n > x.shape[k])
      throw new RangeError(`gather: index shape ${fmt(index.shape)} exceeds input shape ${fmt(x.shape)} at dim ${k}`);
  });
  const idx = checkIndex('gather', index, x.shape[d], d);
  const cx = contiguous(x);
  // x viewed at the index's extent in the other dims: gather over a cropped contiguous source
  const dev = sameDevice('gather', x, idx, 'input', 'index');
  const y = launch(dev, (b) => {
    const out = emptyTensor(idx.shape, x.dtype, 'gather', dev);
    b.gather(cx, x.dtype, x.shape, d, idx, idx.shape, out);
    return out;
  });
  return attach(y, 'gather', [cx], (g) => {
    const cg = contiguous(g);
    const gx = filled(x.shape, 0, 'float32', 'gather', dev);
    launch(dev, (b) => b.scatterAdd(cg, idx.shape, d, idx, x.shape, gx));
    return [gx];
  });
}

/**
 * Looks up rows of `weight` (numEmbeddings, dim) for int32 `indices` of any shape: out (...indices, dim).
 * @example embedding(tensor([[1, 3]], { dtype: 'int32' }), weight) // (1, 2, dim)
 */
export function embedding(indices: Tensor, weight: Tensor): Tensor {
  assertTensor('embedding', indices, 'indices');
  assertTensor('embedding', weight, 'weight');
  if (weight.ndim !== 2) throw new RangeError(`embedding: weight must be 2-D (numEmbeddings, dim), got shape ${fmt(weight.shape)}`);
  const idx = checkIndex('embedding', indices, weight.shape[0], 0, 'indices', `weight ${fmt(weight.shape)} with ${weight.shape[0]} rows`);
  const rows = selectRows(weight, 0, reshape(idx, [indices.size]));
  return reshape(rows, [...indices.shape, weight.shape[1]]);
}
