// The one place where tensors meet the backend: allocate outputs on the heap, pin inputs for the
// duration of a primitive, describe layouts as Strided arguments, and call the active backend.
// ops/ compose these calls; they never touch the heap or a backend directly.

import { type Backend, backend, type Strided } from '../backend/backend.js';
import { checkInt32Values, type DType, fitsInt32, int32Error, itemSize, position } from './dtype.js';
import { formatBytes, HeapOutOfMemory, heap, MAX_TENSOR_BYTES, type Storage } from './heap.js';
import { broadcastStrides, contiguousStrides, fmt, type Shape, sizeOf } from './shape.js';
import { Tensor } from './tensor.js';

/**
 * Throws, naming `op` and the shape, when a tensor of `shape` and `dtype` can never fit on the
 * tensor heap: creation ops call it before building their values in a JS array.
 * @example checkAllocation('randn', [1e6, 1e6], 'float32') // RangeError: randn: ... 3.64 TiB ...
 */
export function checkAllocation(op: string, shape: Shape, dtype: DType): void {
  const bytes = sizeOf(shape) * itemSize(dtype);
  if (bytes > MAX_TENSOR_BYTES) {
    throw new RangeError(
      `${op}: a ${dtype} tensor of shape ${fmt(shape)} needs ${bytes} bytes (${formatBytes(bytes)}), ` +
        `more than the tensor heap's limit of ${formatBytes(MAX_TENSOR_BYTES)}`,
    );
  }
}

/**
 * A new contiguous tensor with uninitialised contents. `op` names the caller in an out-of-memory
 * error, which also gives the shape and bytes; the heap is left as it was.
 */
export function emptyTensor(shape: Shape, dtype: DType = 'float32', op = 'allocate'): Tensor {
  checkAllocation(op, shape, dtype);
  const bytes = Math.max(1, sizeOf(shape)) * itemSize(dtype);
  let storage: Storage;
  try {
    storage = heap().allocate(bytes);
  } catch (e) {
    if (!(e instanceof HeapOutOfMemory)) throw e;
    throw new RangeError(
      `${op}: out of memory for a ${dtype} tensor of shape ${fmt(shape)} (${bytes} bytes, ${formatBytes(bytes)}): ${e.reason}`,
      {
        cause: e,
      },
    );
  }
  return new Tensor(storage, [...shape], contiguousStrides(shape), 0, dtype);
}

/**
 * Runs one primitive: starts an op epoch (so its inputs cannot be spilled while it runs), resolves
 * the input tensors' addresses, allocates the output, and calls `fn`.
 */
export function launch<T>(fn: (b: Backend) => T): T {
  heap().beginOp();
  return fn(backend());
}

/** The strided description of `t` (optionally broadcast to `target`). Pins `t` for the current op. */
export function strided(t: Tensor, target?: Shape): Strided {
  const ptr = t.ptr();
  if (target === undefined || sameShape(t.shape, target)) return { ptr, dtype: t.dtype, shape: t.shape, strides: t.strides };
  return { ptr, dtype: t.dtype, shape: target, strides: broadcastStrides(t.shape, t.strides, target) };
}

export function sameShape(a: Shape, b: Shape): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** `t` itself when dense row-major from its offset, else a contiguous copy. */
export function contiguous(t: Tensor): Tensor {
  return t.isContiguous() ? t : copyOf(t);
}

/**
 * Throws naming `op` when float32 `t` holds a value that does not convert to int32 (NaN, an
 * infinity, out of range): the check every float -> int32 copy makes first (see core/dtype.ts).
 */
function checkIntCast(op: string, t: Tensor): void {
  if (t.size === 0) return;
  const c = t.isContiguous() ? t : copyOf(t);
  try {
    const base = c.ptr() >>> 2;
    const f = heap().f32;
    for (let i = 0; i < t.size; i++) {
      const v = f[base + i];
      if (!fitsInt32(v)) throw int32Error(op, 'value', v, t.ndim === 0 ? '' : ` at ${position(i, t.shape)}`);
    }
  } finally {
    if (c !== t) c.dispose(); // a private copy nothing else has seen
  }
}

/** A contiguous copy of `t`, optionally converted to `dtype` (float32 -> int32 checked, see core/dtype.ts). */
export function copyOf(t: Tensor, dtype: DType = t.dtype, op = 'copy'): Tensor {
  if (t.dtype === 'float32' && dtype === 'int32') checkIntCast(op, t);
  return launch((b) => {
    const src = strided(t);
    const out = emptyTensor(t.shape, dtype, op);
    b.copy(src, strided(out));
    return out;
  });
}

/** Writes `src` (broadcast to dst's shape) into the possibly strided view `dst`. */
export function copyInto(src: Tensor, dst: Tensor, op = 'copy_'): void {
  if (src.dtype === 'float32' && dst.dtype === 'int32') checkIntCast(op, src);
  launch((b) => {
    const s = strided(src, dst.shape);
    b.copy(s, strided(dst));
  });
}

/** A contiguous tensor of `shape` filled with `value`. */
export function filled(shape: Shape, value: number, dtype: DType = 'float32', op = 'full'): Tensor {
  if (dtype === 'int32' && !fitsInt32(value)) throw int32Error(op, 'value', value);
  return launch((b) => {
    const out = emptyTensor(shape, dtype, op);
    b.fill(out.ptr(), dtype, sizeOf(shape), value);
    return out;
  });
}

/** A contiguous tensor holding `data` (converted to `dtype`; int32 by the rule of core/dtype.ts). */
export function fromArray(shape: Shape, data: ArrayLike<number>, dtype: DType = 'float32', op = 'tensor'): Tensor {
  if (dtype === 'int32') checkInt32Values(op, data, shape);
  const out = launch(() => emptyTensor(shape, dtype, op));
  const h = heap();
  const p = out.ptr();
  const view = dtype === 'float32' ? h.f32 : dtype === 'int32' ? h.i32 : h.u8;
  const base = dtype === 'bool' ? p : p >>> 2;
  if (dtype === 'bool')
    for (let i = 0; i < data.length; i++) view[base + i] = data[i] !== 0 ? 1 : 0; // NaN is true
  else view.set(data, base);
  return out;
}
