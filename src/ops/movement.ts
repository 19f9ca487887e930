// Movement ops: reshaping, views (transpose, permute, expand, slice: no copy), and the ops that
// assemble or cut tensors (concat, stack, split, pad). Views share storage with their base.

import { attach } from '../core/autograd.js';
import { promoteTypes } from '../core/dtype.js';
import { copyInto, copyOf, devicesOf, filled } from '../core/exec.js';
import { checkShape, contiguousStrides, fmt, normAxis, type Shape, sizeOf } from '../core/shape.js';
import { assertTensor, describeValue, Tensor } from '../core/tensor.js';
import { cast } from './elementwise.js';
import { sumTo } from './reduce.js';

/** A view of `x`'s storage with another layout. */
function viewOf(x: Tensor, shape: Shape, strides: readonly number[], offset = x.offset): Tensor {
  return new Tensor(x.storage, [...shape], [...strides], offset, x.dtype);
}

/** Accepts `f(2, 3)` and `f([2, 3])` for shape arguments. */
export function shapeArgs(args: readonly (number | readonly number[])[]): number[] {
  if (args.length === 1 && Array.isArray(args[0])) return [...(args[0] as number[])];
  return args as number[];
}

/** Resolves one -1 in a requested shape and checks the element count. */
function inferShape(op: string, x: Tensor, shape: readonly number[]): number[] {
  if (!Array.isArray(shape)) throw new TypeError(`${op}: shape must be an array of integers, got ${describeValue(shape)}`);
  const out = [...shape];
  const free = out.indexOf(-1);
  if (free !== out.lastIndexOf(-1)) throw new RangeError(`${op}: only one dimension can be -1, got ${fmt(shape)}`);
  if (free >= 0) out[free] = 1;
  checkShape(op, out);
  const known = sizeOf(out);
  if (free >= 0) {
    if (known === 0 || x.size % known !== 0)
      throw new RangeError(`${op}: cannot reshape tensor of shape ${fmt(x.shape)} (${x.size} elements) into ${fmt(shape)}`);
    out[free] = x.size / known;
  } else if (known !== x.size) {
    throw new RangeError(
      `${op}: cannot reshape tensor of shape ${fmt(x.shape)} (${x.size} elements) into ${fmt(shape)} (${known} elements)`,
    );
  }
  return out;
}

/** `x` itself when its layout is dense row-major, else a contiguous copy (gradient passes). */
export function contiguous(x: Tensor): Tensor {
  assertTensor('contiguous', x);
  if (x.isContiguous()) return x;
  const y = copyOf(x, x.dtype, 'contiguous');
  return attach(y, 'contiguous', [x], (g) => [g]);
}

/**
 * `x` with a new shape of the same size (one dim may be -1); a view when `x` is contiguous.
 * @example reshape(arange(6), [2, -1]).shape // [2, 3]
 */
export function reshape(x: Tensor, shape: readonly number[]): Tensor {
  assertTensor('reshape', x);
  const target = inferShape('reshape', x, shape);
  const src = contiguous(x);
  const y = viewOf(src, target, contiguousStrides(target));
  return attach(y, 'reshape', [src], (g) => [reshape(g, src.shape)]);
}

/** Like `reshape`, but only as a view: throws when `x` is not contiguous. */
export function view(x: Tensor, shape: readonly number[]): Tensor {
  assertTensor('view', x);
  if (!x.isContiguous()) {
    throw new Error(
      `view: tensor of shape ${fmt(x.shape)} is not contiguous (a transpose or slice?); use reshape() or contiguous().view()`,
    );
  }
  return reshape(x, shape);
}

/** Merges dims startDim..endDim into one. */
export function flatten(x: Tensor, startDim = 0, endDim = -1): Tensor {
  assertTensor('flatten', x);
  if (x.ndim === 0) return reshape(x, [1]);
  const s = normAxis('flatten', startDim, x.ndim, 'startDim');
  const e = normAxis('flatten', endDim, x.ndim, 'endDim');
  if (s > e) throw new RangeError(`flatten: startDim (${startDim}) must not come after endDim (${endDim})`);
  const shape = [...x.shape.slice(0, s), sizeOf(x.shape.slice(s, e + 1)), ...x.shape.slice(e + 1)];
  return reshape(x, shape);
}

/** Removes size-1 dims (all of them, or those in `dim`). */
export function squeeze(x: Tensor, dim?: number | readonly number[]): Tensor {
  assertTensor('squeeze', x);
  const dims = dim === undefined ? null : (typeof dim === 'number' ? [dim] : dim).map((d) => normAxis('squeeze', d, x.ndim));
  const keep = x.shape.map((d, i) => !(d === 1 && (dims === null || dims.includes(i))));
  const y = viewOf(
    x,
    x.shape.filter((_, i) => keep[i]),
    x.strides.filter((_, i) => keep[i]),
  );
  return attach(y, 'squeeze', [x], (g) => [reshape(g, x.shape)]);
}

/** Inserts a size-1 dim at `dim` (which may be `ndim`). */
export function unsqueeze(x: Tensor, dim: number): Tensor {
  assertTensor('unsqueeze', x);
  const d = normAxis('unsqueeze', dim, x.ndim + 1);
  const shape = [...x.shape];
  const strides = [...x.strides];
  shape.splice(d, 0, 1);
  strides.splice(d, 0, d < x.ndim ? x.strides[d] * x.shape[d] : 1);
  const y = viewOf(x, shape, strides);
  return attach(y, 'unsqueeze', [x], (g) => [reshape(g, x.shape)]);
}

/** Reorders dims: output dim i is input dim `dims[i]`. A view. */
export function permute(x: Tensor, dims: readonly number[]): Tensor {
  assertTensor('permute', x);
  if (!Array.isArray(dims)) throw new TypeError(`permute: dims must be an array of integers, got ${describeValue(dims)}`);
  if (dims.length !== x.ndim) throw new RangeError(`permute: expected ${x.ndim} dims for shape ${fmt(x.shape)}, got ${fmt(dims)}`);
  const order = dims.map((d) => normAxis('permute', d, x.ndim));
  if (new Set(order).size !== order.length) throw new RangeError(`permute: dims ${fmt(dims)} repeat a dimension`);
  const y = viewOf(
    x,
    order.map((d) => x.shape[d]),
    order.map((d) => x.strides[d]),
  );
  const inverse = new Array<number>(order.length);
  order.forEach((d, i) => {
    inverse[d] = i;
  });
  return attach(y, 'permute', [x], (g) => [permute(g, inverse)]);
}

/** Swaps two dims. A view. */
export function transpose(x: Tensor, dim0 = -2, dim1 = -1): Tensor {
  assertTensor('transpose', x);
  if (x.ndim < 2 && dim0 === -2 && dim1 === -1) return x;
  const a = normAxis('transpose', dim0, x.ndim, 'dim0');
  const b = normAxis('transpose', dim1, x.ndim, 'dim1');
  const order = x.shape.map((_, i) => i);
  order[a] = b;
  order[b] = a;
  return permute(x, order);
}

/** Repeats size-1 dims (and adds leading dims) to reach `shape`, without copying. -1 keeps a dim. */
export function expand(x: Tensor, shape: readonly number[]): Tensor {
  assertTensor('expand', x);
  if (!Array.isArray(shape)) throw new TypeError(`expand: shape must be an array of integers, got ${describeValue(shape)}`);
  if (shape.length < x.ndim) throw new RangeError(`expand: target ${fmt(shape)} has fewer dims than the tensor's ${fmt(x.shape)}`);
  const lead = shape.length - x.ndim;
  const target = shape.map((d, i) => (d === -1 && i >= lead ? x.shape[i - lead] : d));
  checkShape('expand', target);
  const strides = target.map((d, i) => {
    if (i < lead) return 0;
    const own = x.shape[i - lead];
    if (own === d) return x.strides[i - lead];
    if (own === 1) return 0;
    throw new RangeError(`expand: cannot expand shape ${fmt(x.shape)} to ${fmt(shape)} (dim ${i}: ${own} is not 1)`);
  });
  const y = viewOf(x, target, strides);
  return attach(y, 'expand', [x], (g) => [sumTo(g, x.shape)]);
}

/** One dim's slice: an index (drops the dim), null (all), or [start, end, step] like Python's. */
export type SliceSpec = number | null | readonly [start?: number | null, end?: number | null, step?: number];

/**
 * A strided view selected per dim; missing trailing specs keep whole dims.
 * @example x.slice(0, [1, null], [null, null, 2]) // x[0, 1:, ::2]
 */
export function slice(x: Tensor, ...specs: SliceSpec[]): Tensor {
  assertTensor('slice', x);
  if (specs.length > x.ndim) throw new RangeError(`slice: ${specs.length} specs for a tensor of rank ${x.ndim}`);
  const shape: number[] = [];
  const strides: number[] = [];
  let offset = x.offset;
  x.shape.forEach((n, d) => {
    const spec = specs[d] ?? null;
    if (typeof spec === 'number') {
      if (!Number.isInteger(spec) || spec < -n || spec >= n)
        throw new RangeError(`slice: index ${spec} is out of range for dim ${d} of size ${n}`);
      offset += (spec < 0 ? spec + n : spec) * x.strides[d];
      return;
    }
    if (spec !== null && !Array.isArray(spec))
      throw new TypeError(`slice: spec for dim ${d} must be an index, null or [start, end, step], got ${describeValue(spec)}`);
    const [start, end, step = 1] = spec ?? [];
    if (!Number.isInteger(step) || step <= 0) throw new RangeError(`slice: step must be a positive integer, got ${step} (dim ${d})`);
    for (const [name, v] of [
      ['start', start],
      ['end', end],
    ] as const) {
      if (v != null && !Number.isInteger(v)) throw new RangeError(`slice: ${name} must be an integer or null, got ${v} (dim ${d})`);
    }
    const clampIdx = (v: number | null | undefined, dflt: number) => (v == null ? dflt : Math.min(Math.max(v < 0 ? v + n : v, 0), n));
    const s = clampIdx(start, 0);
    const e = clampIdx(end, n);
    const len = e > s ? Math.ceil((e - s) / step) : 0;
    shape.push(len);
    strides.push(x.strides[d] * step);
    if (len > 0) offset += s * x.strides[d];
  });
  const y = viewOf(x, shape, strides, offset);
  return attach(y, 'slice', [x], (g) => {
    const gx = filled(x.shape, 0, 'float32', 'slice', x.storage.device);
    copyInto(g, slice(gx, ...specs));
    return [gx];
  });
}

/** The `length` elements of `dim` from `start`. A view. */
export function narrow(x: Tensor, dim: number, start: number, length: number): Tensor {
  assertTensor('narrow', x);
  const d = normAxis('narrow', dim, x.ndim);
  const n = x.shape[d];
  const s = start < 0 ? start + n : start;
  if (!Number.isInteger(s) || !Number.isInteger(length) || s < 0 || length < 0 || s + length > n) {
    throw new RangeError(`narrow: start ${start} and length ${length} do not fit dim ${dim} of size ${n}`);
  }
  const specs: SliceSpec[] = x.shape.map(() => null);
  specs[d] = [s, s + length];
  return slice(x, ...specs);
}

/** The slice at `index` along `dim`, with that dim removed. A view. */
export function select(x: Tensor, dim: number, index: number): Tensor {
  assertTensor('select', x);
  const d = normAxis('select', dim, x.ndim);
  const n = x.shape[d];
  if (!Number.isInteger(index) || index < -n || index >= n) {
    throw new RangeError(`select: index ${index} is out of range for dim ${dim} of size ${n}`);
  }
  const specs: SliceSpec[] = x.shape.map(() => null);
  specs[d] = index;
  return slice(x, ...specs);
}

/**
 * Joins tensors along an existing dim; all other dims must match.
 * @example concat([zeros([2, 3]), ones([1, 3])], 0).shape // [3, 3]
 */
export function concat(tensors: readonly Tensor[], dim = 0): Tensor {
  if (!Array.isArray(tensors) || tensors.length === 0) throw new RangeError('concat: expected a non-empty array of tensors');
  tensors.forEach((t, i) => {
    assertTensor('concat', t, `tensors[${i}]`);
  });
  const first = tensors[0];
  const d = normAxis('concat', dim, first.ndim);
  const dtype = tensors.reduce((t, x) => promoteTypes(t, x.dtype), first.dtype);
  let total = 0;
  tensors.forEach((t, i) => {
    if (t.ndim !== first.ndim || t.shape.some((n: number, k: number) => k !== d && n !== first.shape[k])) {
      throw new RangeError(
        `concat: tensors[${i}] has shape ${fmt(t.shape)}, expected ${fmt(first.shape.map((n: number, k: number) => (k === d ? '*' : n)) as unknown as number[])} to join along dim ${d}`,
      );
    }
    total += t.shape[d];
  });
  const shape = [...first.shape];
  shape[d] = total;
  const dev = devicesOf(
    'concat',
    tensors,
    tensors.map((_, i) => `tensors[${i}]`),
  );
  const y = filled(shape, 0, dtype, 'concat', dev);
  let at = 0;
  for (const t of tensors) {
    copyInto(t.dtype === dtype ? t : cast(t, dtype), narrow(y, d, at, t.shape[d]));
    at += t.shape[d];
  }
  return attach(y, 'concat', tensors, (g) => {
    let from = 0;
    return tensors.map((t) => {
      const piece = narrow(g, d, from, t.shape[d]);
      from += t.shape[d];
      return piece;
    });
  });
}

/** Joins same-shaped tensors along a new dim. */
export function stack(tensors: readonly Tensor[], dim = 0): Tensor {
  if (!Array.isArray(tensors) || tensors.length === 0) throw new RangeError('stack: expected a non-empty array of tensors');
  tensors.forEach((t, i) => {
    assertTensor('stack', t, `tensors[${i}]`);
  });
  const d = normAxis('stack', dim, tensors[0].ndim + 1);
  tensors.forEach((t, i) => {
    if (t.ndim !== tensors[0].ndim || t.shape.some((n: number, k: number) => n !== tensors[0].shape[k])) {
      throw new RangeError(`stack: tensors[${i}] has shape ${fmt(t.shape)}, expected ${fmt(tensors[0].shape)}`);
    }
  });
  return concat(
    tensors.map((t) => unsqueeze(t, d)),
    d,
  );
}

/** Cuts `x` along `dim` into pieces of `size` (the last may be smaller) or of the given sizes. Views. */
export function split(x: Tensor, sizeOrSections: number | readonly number[], dim = 0): Tensor[] {
  assertTensor('split', x);
  const d = normAxis('split', dim, x.ndim);
  const n = x.shape[d];
  let sizes: number[];
  if (typeof sizeOrSections === 'number') {
    if (!Number.isInteger(sizeOrSections) || sizeOrSections <= 0)
      throw new RangeError(`split: size must be a positive integer, got ${sizeOrSections}`);
    sizes = [];
    for (let s = 0; s < n; s += sizeOrSections) sizes.push(Math.min(sizeOrSections, n - s));
  } else {
    sizes = [...sizeOrSections];
    const total = sizes.reduce((a, b) => a + b, 0);
    if (total !== n) throw new RangeError(`split: sections ${fmt(sizes)} sum to ${total}, but dim ${dim} has size ${n}`);
  }
  let at = 0;
  return sizes.map((s) => {
    const piece = narrow(x, d, at, s);
    at += s;
    return piece;
  });
}

/** Cuts `x` into `chunks` nearly equal pieces along `dim`. */
export function chunk(x: Tensor, chunks: number, dim = 0): Tensor[] {
  assertTensor('chunk', x);
  if (!Number.isInteger(chunks) || chunks <= 0) throw new RangeError(`chunk: chunks must be a positive integer, got ${chunks}`);
  const n = x.shape[normAxis('chunk', dim, x.ndim)];
  return split(x, Math.max(1, Math.ceil(n / chunks)), dim);
}

/**
 * Pads with `value`; `padding` pairs start from the last dim: [left, right, top, bottom, ...],
 * like torch.nn.functional.pad (negative values crop).
 */
export function pad(x: Tensor, padding: readonly number[], value = 0): Tensor {
  assertTensor('pad', x);
  if (padding.length % 2 !== 0 || padding.length / 2 > x.ndim || padding.some((p) => !Number.isInteger(p))) {
    throw new RangeError(`pad: padding must hold an even number of integers, at most 2 per dim (${2 * x.ndim}), got ${fmt(padding)}`);
  }
  const shape = [...x.shape];
  const inner: SliceSpec[] = x.shape.map(() => null);
  const crop: SliceSpec[] = x.shape.map(() => null);
  for (let i = 0; i < padding.length / 2; i++) {
    const d = x.ndim - 1 - i;
    const [lo, hi] = [padding[2 * i], padding[2 * i + 1]];
    shape[d] = x.shape[d] + lo + hi;
    if (shape[d] < 0) throw new RangeError(`pad: padding ${fmt(padding)} makes dim ${d} negative`);
    crop[d] = [Math.max(0, -lo), x.shape[d] - Math.max(0, -hi)];
    inner[d] = [Math.max(0, lo), shape[d] - Math.max(0, hi)];
  }
  const src = slice(x, ...crop);
  const y = filled(shape, value, x.dtype, 'pad', x.storage.device);
  copyInto(src, slice(y, ...inner));
  return attach(y, 'pad', [src], (g) => [contiguous(slice(g, ...inner))]);
}
