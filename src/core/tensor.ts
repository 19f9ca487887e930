// The Tensor: a strided view (shape, strides, offset, dtype) of a Storage (a buffer of one
// device), plus its place in the autograd graph. Ops live in src/ops/; the methods here only forward to
// them, so each op is defined once and reachable both as `add(a, b)` and as `a.add(b)`.

import type { DeviceBuffer } from '../backend/backend.js';
import type { Device } from '../backend/device.js';
import { listDevices } from '../backend/registry.js';
import * as conv from '../ops/conv.js';
import * as ew from '../ops/elementwise.js';
import * as idx from '../ops/indexing.js';
import * as la from '../ops/linalg.js';
import * as mv from '../ops/movement.js';
import * as nnf from '../ops/nn.js';
import * as red from '../ops/reduce.js';
import { attach, type BackwardOptions, checkBackwardOptions, type Node, runBackward } from './autograd.js';
import { DTYPES, type DType, type TypedArray } from './dtype.js';
import * as exec from './exec.js';
import { release, type Storage } from './lifetime.js';
import { fmt, isContiguous, type Shape, sizeOf } from './shape.js';

export type Scalar = number | boolean;
/** A tensor or a number standing for a tensor of that value. */
export type TensorLike = Tensor | Scalar;
/** Nested arrays of numbers or booleans, as returned by `toArray()`. */
export type NestedArray = number | boolean | NestedArray[];

/**
 * An n-dimensional array of float32, int32 or bool values, with reverse-mode autograd.
 * Create one with `tensor`, `zeros`, `randn`, ...; memory is managed for you.
 *
 * @example
 * const x = tensor([[1, 2], [3, 4]], { requiresGrad: true });
 * const y = x.mul(x).sum();
 * y.backward();
 * x.grad?.toArray(); // [[2, 4], [6, 8]]
 */
export class Tensor {
  /** Whether gradients flow to this tensor. Set on leaves with `requiresGrad_()` or the creation option. */
  requiresGrad = false;
  /**
   * The gradient as tessera's own code reads and writes it (autograd, optimizers, clipping),
   * without handing it out. @internal
   */
  _grad: Tensor | null = null;
  /**
   * Set on a gradient once code outside tessera was given it (read or assigned through `.grad`):
   * `zeroGrad` then drops it like PyTorch and leaves it to the garbage collector; a gradient nobody
   * else saw is released at once, so a synchronous loop never has to copy dead gradients out. @internal
   */
  _handedOut = false;

  /** The accumulated gradient after `backward()` (leaves, and tensors that called `retainGrad()`). */
  get grad(): Tensor | null {
    const g = this._grad;
    if (g !== null) g._handedOut = true;
    return g;
  }

  set grad(g: Tensor | null) {
    if (g !== null) g._handedOut = true;
    this._grad = g;
  }

  /** Drops the gradient (`.grad` becomes null), releasing its memory when nobody else was given it. @internal */
  _dropGrad(): void {
    const g = this._grad;
    this._grad = null;
    if (g !== null && !g._handedOut) g.dispose();
  }
  /** The op that produced this tensor (null for leaves and outside grad mode). */
  gradFn: Node | null = null;
  /** Set by `retainGrad()`. */
  retainsGrad = false;

  /** The device buffer this tensor views, `storage.buffer` (a backend argument, with `offset`). @internal */
  readonly buffer: DeviceBuffer;

  constructor(
    /** The memory this tensor views: a buffer of its device. */
    readonly storage: Storage,
    readonly shape: readonly number[],
    readonly strides: readonly number[],
    /** Offset of element 0 in the storage, in elements. */
    readonly offset: number,
    readonly dtype: DType,
  ) {
    this.buffer = storage.buffer;
  }

  /** The name of the device this tensor lives on: 'cpu', 'reference', ... @example zeros([2]).device // 'cpu' */
  get device(): string {
    return this.storage.device.name;
  }

  /**
   * Makes this tensor view `storage` (dense row-major) instead: how `module.to(device)` moves a
   * parameter in place, keeping its identity for optimizers that hold it. @internal
   */
  _setStorage(storage: Storage, strides: readonly number[]): void {
    const self = this as { storage: Storage; buffer: DeviceBuffer; strides: readonly number[]; offset: number };
    self.storage = storage;
    self.buffer = storage.buffer;
    self.strides = strides;
    self.offset = 0;
  }

  /** Number of elements. */
  get size(): number {
    return sizeOf(this.shape);
  }

  /** Number of dimensions. */
  get ndim(): number {
    return this.shape.length;
  }

  /** Number of elements (PyTorch's name). */
  numel(): number {
    return this.size;
  }

  /** True for leaves: tensors not produced by a recorded op. */
  get isLeaf(): boolean {
    return this.gradFn === null;
  }

  isContiguous(): boolean {
    return isContiguous(this.shape, this.strides);
  }

  // ---- read back --------------------------------------------------------------------------

  /** The single value of a one-element tensor. Devices that cannot be read synchronously refuse it: use `await t.data()`. */
  item(): number {
    if (this.size !== 1) throw new RangeError(`item: only one-element tensors can be converted to a number, got shape ${fmt(this.shape)}`);
    return this.readSync('item')[0];
  }

  /** A flat row-major copy of the values (on devices that can be read synchronously; else `await t.data()`). */
  toTypedArray(): TypedArray {
    return this.readSync('toTypedArray');
  }

  private readSync(op: string): TypedArray {
    const dev = this.storage.device;
    if (!dev.syncRead || dev.readSync === undefined) {
      throw new Error(
        `${op}: tensors on '${dev.name}' cannot be read synchronously; use await t.data()${op === 'toArray' ? ' or await t.array()' : ''}`,
      );
    }
    return exec.readValues(this, op);
  }

  /** The values as nested arrays (numbers, or booleans for bool tensors); a number for a scalar. */
  toArray(): NestedArray {
    return nest(this.readSync('toArray'), this.shape, this.dtype === 'bool');
  }

  /**
   * The values as a flat row-major typed array, read from the tensor's device. Works on every
   * device; a device whose memory cannot be read synchronously (a GPU) supports only this and
   * `array()`, so code meant for every device reads values this way.
   * @example const [loss] = await lossTensor.data();
   */
  async data(): Promise<TypedArray> {
    const c = mv.contiguous(this);
    try {
      return await c.storage.device.read(c.storage.buffer, c.dtype, c.offset, c.size);
    } finally {
      if (c !== this) c.dispose(); // a private copy nothing else has seen
    }
  }

  /**
   * The values as nested arrays (a number for a scalar), read from the tensor's device: the
   * asynchronous `toArray()` that works on every device.
   * @example const rows = await logits.argmax(1).array();
   */
  async array(): Promise<NestedArray> {
    return nest(await this.data(), this.shape, this.dtype === 'bool');
  }

  toString(): string {
    const grad = this.gradFn ? `, gradFn=${this.gradFn.name}` : this.requiresGrad ? ', requiresGrad=true' : '';
    const readable = this.storage.device.syncRead;
    const body = this.size <= 1000 && readable ? JSON.stringify(this.toArray()) : `<${this.size} values>`;
    const dev = this.device === 'cpu' ? '' : `, device=${this.device}`;
    return `tensor(${body}, shape=${fmt(this.shape)}, dtype=${this.dtype}${dev}${grad})`;
  }

  // ---- autograd ---------------------------------------------------------------------------

  /**
   * Computes gradients of this tensor with respect to every leaf that requires grad, accumulating
   * them into `.grad`. A non-scalar output needs the upstream `gradient` of its shape. The options
   * may come second, or first for a one-element output.
   *
   * @example
   * loss.backward({ retainGraph: true }); // keep the graph for a second pass
   * y.backward(ones([2, 3]), { retainGraph: true }); // (2, 3) output: the upstream gradient first
   */
  backward(gradient?: Tensor | BackwardOptions, options?: BackwardOptions): void {
    let grad: Tensor | undefined;
    let opts: BackwardOptions = options ?? {};
    if (gradient instanceof Tensor) grad = gradient;
    else if (gradient !== undefined && gradient !== null) {
      if (typeof gradient !== 'object' || Array.isArray(gradient) || Object.getPrototypeOf(gradient) !== Object.prototype) {
        throw new TypeError(
          `backward: the first argument must be a gradient Tensor or an options object such as { retainGraph: true }, got ${describeValue(gradient)}`,
        );
      }
      if (options !== undefined)
        throw new TypeError(
          'backward: options given twice; call y.backward({ retainGraph: true }) or y.backward(grad, { retainGraph: true })',
        );
      opts = gradient;
    }
    checkBackwardOptions(opts);
    runBackward(this, grad, opts, (like) => ew.onesOf(like.shape, like.dtype, like.storage.device));
  }

  /** Sets `requiresGrad` on a leaf (float32 only) and returns this tensor. */
  requiresGrad_(flag = true): this {
    if (flag && this.dtype !== 'float32')
      throw new TypeError(`requiresGrad_: only float32 tensors can require gradients, got ${this.dtype}`);
    if (!flag && this.gradFn !== null) throw new Error('requiresGrad_: cannot switch off gradients of a non-leaf tensor; use detach()');
    this.requiresGrad = flag;
    return this;
  }

  /** Keeps `.grad` for this non-leaf tensor during backward. */
  retainGrad(): this {
    this.retainsGrad = true;
    return this;
  }

  /** A view sharing this tensor's data, cut from the graph. */
  detach(): Tensor {
    return new Tensor(this.storage, this.shape, this.strides, this.offset, this.dtype);
  }

  /** Releases this tensor's memory now. Optional: memory is reclaimed automatically. */
  dispose(): void {
    release(this.storage);
  }

  // ---- elementwise ------------------------------------------------------------------------
  add(other: TensorLike): Tensor {
    return ew.add(this, other);
  }
  sub(other: TensorLike): Tensor {
    return ew.sub(this, other);
  }
  mul(other: TensorLike): Tensor {
    return ew.mul(this, other);
  }
  div(other: TensorLike): Tensor {
    return ew.div(this, other);
  }
  pow(exponent: TensorLike): Tensor {
    return ew.pow(this, exponent);
  }
  minimum(other: TensorLike): Tensor {
    return ew.minimum(this, other);
  }
  maximum(other: TensorLike): Tensor {
    return ew.maximum(this, other);
  }
  neg(): Tensor {
    return ew.neg(this);
  }
  exp(): Tensor {
    return ew.exp(this);
  }
  log(): Tensor {
    return ew.log(this);
  }
  log1p(): Tensor {
    return ew.log1p(this);
  }
  expm1(): Tensor {
    return ew.expm1(this);
  }
  sqrt(): Tensor {
    return ew.sqrt(this);
  }
  rsqrt(): Tensor {
    return ew.rsqrt(this);
  }
  abs(): Tensor {
    return ew.abs(this);
  }
  sign(): Tensor {
    return ew.sign(this);
  }
  sin(): Tensor {
    return ew.sin(this);
  }
  cos(): Tensor {
    return ew.cos(this);
  }
  tanh(): Tensor {
    return ew.tanh(this);
  }
  sigmoid(): Tensor {
    return ew.sigmoid(this);
  }
  relu(): Tensor {
    return ew.relu(this);
  }
  leakyRelu(negativeSlope = 0.01): Tensor {
    return ew.leakyRelu(this, negativeSlope);
  }
  elu(alpha = 1): Tensor {
    return ew.elu(this, alpha);
  }
  gelu(): Tensor {
    return ew.gelu(this);
  }
  silu(): Tensor {
    return ew.silu(this);
  }
  softplus(): Tensor {
    return ew.softplus(this);
  }
  reciprocal(): Tensor {
    return ew.reciprocal(this);
  }
  square(): Tensor {
    return ew.square(this);
  }
  floor(): Tensor {
    return ew.floor(this);
  }
  ceil(): Tensor {
    return ew.ceil(this);
  }
  round(): Tensor {
    return ew.round(this);
  }
  clamp(min?: number | null, max?: number | null): Tensor {
    return ew.clamp(this, min, max);
  }
  eq(other: TensorLike): Tensor {
    return ew.eq(this, other);
  }
  ne(other: TensorLike): Tensor {
    return ew.ne(this, other);
  }
  lt(other: TensorLike): Tensor {
    return ew.lt(this, other);
  }
  le(other: TensorLike): Tensor {
    return ew.le(this, other);
  }
  gt(other: TensorLike): Tensor {
    return ew.gt(this, other);
  }
  ge(other: TensorLike): Tensor {
    return ew.ge(this, other);
  }
  logicalAnd(other: TensorLike): Tensor {
    return ew.logicalAnd(this, other);
  }
  logicalOr(other: TensorLike): Tensor {
    return ew.logicalOr(this, other);
  }
  logicalXor(other: TensorLike): Tensor {
    return ew.logicalXor(this, other);
  }
  logicalNot(): Tensor {
    return ew.logicalNot(this);
  }
  isNaN(): Tensor {
    return ew.isNaN(this);
  }
  where(condition: TensorLike, other: TensorLike): Tensor {
    return ew.where(condition, this, other);
  }
  maskedFill(mask: TensorLike, value: number): Tensor {
    return ew.maskedFill(this, mask, value);
  }
  /**
   * A copy converted to `dtype`, or moved to a device (a device name or Device); this tensor
   * itself when it already has it. A move stays in the graph: gradients flow back to this device.
   * @example x.to('int32'); x.to('reference'); await x.to('cpu').data()
   */
  to(dtypeOrDevice: DType | string | Device): Tensor {
    if (typeof dtypeOrDevice === 'string' && (DTYPES as readonly string[]).includes(dtypeOrDevice))
      return ew.cast(this, dtypeOrDevice as DType);
    return toDevice(this, dtypeOrDevice);
  }
  /**
   * A copy moved to `device`, for any pair of devices: the values are read with the source
   * device's asynchronous read, so it moves off a GPU, which `to` cannot (a GPU is never read
   * synchronously). Stays in the graph like `to`; this tensor itself when it is there already.
   * @example const y = await x.toAsync('cpu'); y.toArray()
   */
  async toAsync(device: string | Device): Promise<Tensor> {
    const { source, target } = deviceMove(this, device, 'toAsync');
    if (target === source) return this;
    const y = await exec.transferAsync(this, target);
    return attach(y, 'to', [this], (g) => [exec.transfer(g, source)]);
  }
  float(): Tensor {
    return ew.cast(this, 'float32');
  }
  int(): Tensor {
    return ew.cast(this, 'int32');
  }
  bool(): Tensor {
    return ew.cast(this, 'bool');
  }
  clone(): Tensor {
    return ew.clone(this);
  }

  // ---- in place (no gradient tracking through them) ---------------------------------------
  /** Copies `src` (broadcast) into this tensor's memory and returns this tensor. */
  copy_(src: TensorLike): this {
    ew.copyInPlace(this, src);
    return this;
  }
  add_(other: TensorLike, alpha = 1): this {
    ew.updateInPlace(this, 'add', alpha === 1 ? other : ew.mul(ew.toTensor(other, this), alpha), 'add_');
    return this;
  }
  sub_(other: TensorLike, alpha = 1): this {
    ew.updateInPlace(this, 'sub', alpha === 1 ? other : ew.mul(ew.toTensor(other, this), alpha), 'sub_');
    return this;
  }
  mul_(other: TensorLike): this {
    ew.updateInPlace(this, 'mul', other, 'mul_');
    return this;
  }
  fill_(value: number): this {
    ew.copyInPlace(this, value, 'fill_');
    return this;
  }
  zero_(): this {
    return this.fill_(0);
  }

  // ---- reductions -------------------------------------------------------------------------
  sum(dim?: number | number[], keepDim = false): Tensor {
    return red.sum(this, dim, keepDim);
  }
  mean(dim?: number | number[], keepDim = false): Tensor {
    return red.mean(this, dim, keepDim);
  }
  max(dim?: number | number[], keepDim = false): Tensor {
    return red.max(this, dim, keepDim);
  }
  min(dim?: number | number[], keepDim = false): Tensor {
    return red.min(this, dim, keepDim);
  }
  prod(dim?: number | number[], keepDim = false): Tensor {
    return red.prod(this, dim, keepDim);
  }
  argmax(dim?: number, keepDim = false): Tensor {
    return red.argmax(this, dim, keepDim);
  }
  argmin(dim?: number, keepDim = false): Tensor {
    return red.argmin(this, dim, keepDim);
  }
  var(dim?: number | number[], options?: red.VarOptions): Tensor {
    return red.variance(this, dim, options);
  }
  std(dim?: number | number[], options?: red.VarOptions): Tensor {
    return red.std(this, dim, options);
  }
  logSumExp(dim?: number | number[], keepDim = false): Tensor {
    return red.logSumExp(this, dim, keepDim);
  }

  // ---- movement ---------------------------------------------------------------------------
  reshape(...shape: (number | number[])[]): Tensor {
    return mv.reshape(this, mv.shapeArgs(shape));
  }
  view(...shape: (number | number[])[]): Tensor {
    return mv.view(this, mv.shapeArgs(shape));
  }
  flatten(startDim = 0, endDim = -1): Tensor {
    return mv.flatten(this, startDim, endDim);
  }
  squeeze(dim?: number | number[]): Tensor {
    return mv.squeeze(this, dim);
  }
  unsqueeze(dim: number): Tensor {
    return mv.unsqueeze(this, dim);
  }
  transpose(dim0 = -2, dim1 = -1): Tensor {
    return mv.transpose(this, dim0, dim1);
  }
  /** The transpose of a matrix (last two dims). */
  get T(): Tensor {
    return mv.transpose(this, -2, -1);
  }
  permute(...dims: (number | number[])[]): Tensor {
    return mv.permute(this, mv.shapeArgs(dims));
  }
  expand(...shape: (number | number[])[]): Tensor {
    return mv.expand(this, mv.shapeArgs(shape));
  }
  expandAs(other: Tensor): Tensor {
    return mv.expand(this, other.shape);
  }
  slice(...specs: mv.SliceSpec[]): Tensor {
    return mv.slice(this, ...specs);
  }
  narrow(dim: number, start: number, length: number): Tensor {
    return mv.narrow(this, dim, start, length);
  }
  select(dim: number, index: number): Tensor {
    return mv.select(this, dim, index);
  }
  contiguous(): Tensor {
    return mv.contiguous(this);
  }
  split(sizeOrSections: number | number[], dim = 0): Tensor[] {
    return mv.split(this, sizeOrSections, dim);
  }
  chunk(chunks: number, dim = 0): Tensor[] {
    return mv.chunk(this, chunks, dim);
  }
  pad(padding: readonly number[], value = 0): Tensor {
    return mv.pad(this, padding, value);
  }

  // ---- indexing, linear algebra, nn -------------------------------------------------------
  gather(dim: number, index: Tensor): Tensor {
    return idx.gather(this, dim, index);
  }
  indexSelect(dim: number, index: Tensor): Tensor {
    return idx.indexSelect(this, dim, index);
  }
  matmul(other: Tensor): Tensor {
    return la.matmul(this, other);
  }
  softmax(dim = -1): Tensor {
    return nnf.softmax(this, dim);
  }
  logSoftmax(dim = -1): Tensor {
    return nnf.logSoftmax(this, dim);
  }
  dropout(p = 0.5, training = true): Tensor {
    return nnf.dropout(this, p, training);
  }
  conv2d(weight: Tensor, bias?: Tensor | null, options?: conv.Conv2dOptions): Tensor {
    return conv.conv2d(this, weight, bias, options);
  }
}

/** `flat` (row-major) as nested arrays of `shape`; a number for a scalar. */
function nest(flat: TypedArray, shape: readonly number[], asBool: boolean): NestedArray {
  const build = (dim: number, start: number): NestedArray => {
    if (dim === shape.length) return asBool ? flat[start] !== 0 : flat[start];
    const step = sizeOf(shape.slice(dim + 1));
    const out: NestedArray[] = [];
    for (let i = 0; i < shape[dim]; i++) out.push(build(dim + 1, start + i * step));
    return out;
  };
  return build(0, 0);
}

/** Tensor.to(device): a copy on the other device, in the graph (the gradient is moved back). */
function toDevice(x: Tensor, device: string | Device): Tensor {
  const { source, target } = deviceMove(x, device, 'to');
  if (target === source) return x;
  const y = exec.transfer(x, target);
  return attach(y, 'to', [x], (g) => [exec.transfer(g, source)]);
}

/** The devices of a move of `x` to `device` (checked: a known device name, else what `to` accepts). */
function deviceMove(x: Tensor, device: string | Device, op: string): { source: Device; target: Device } {
  if (typeof device === 'string' && !listDevices().includes(device) && device !== 'wasm' && !/^webgpu(:\d+)?$/.test(device)) {
    const dtypes = op === 'to' ? `a dtype (${DTYPES.join(', ')}) or ` : '';
    throw new TypeError(`${op}: expected ${dtypes}a device (${listDevices().join(', ')}), got '${device}'`);
  }
  return { source: x.storage.device, target: exec.toDevice(device, op) };
}

/** How a non-tensor argument is named in error messages. */
export function describeValue(x: unknown): string {
  if (x === null) return 'null';
  if (Array.isArray(x)) return 'an array (wrap it with tensor(...))';
  if (typeof x === 'object' && Object.getPrototypeOf(x) !== Object.prototype) return `a ${x.constructor?.name ?? 'object'}`;
  return typeof x;
}

/** Throws a TypeError naming `op` and `arg` unless `value` is a Tensor. */
export function assertTensor(op: string, value: unknown, arg = 'input'): asserts value is Tensor {
  if (!(value instanceof Tensor)) throw new TypeError(`${op}: ${arg} must be a Tensor, got ${describeValue(value)}`);
}

/** Shape of a tensor-like value (numbers are scalars). */
export function shapeOf(x: TensorLike): Shape {
  return x instanceof Tensor ? x.shape : [];
}
