// The Backend interface: the small set of primitives every op is composed from, and the registry
// that picks the active backend. Only src/core talks to a backend.
//
// All primitives work on the shared tensor heap (src/core/heap.ts): arguments are byte addresses
// into it plus shapes and strides in elements, so a backend never copies a tensor to compute on it.
// Outputs are contiguous unless stated. Shapes arrive already validated and broadcast.

import type { DType } from '../core/dtype.js';
import type { BinaryOp } from '../core/primitives/binary.js';
import type { UnaryOp } from '../core/primitives/unary.js';
import { ReferenceBackend } from './reference/index.js';
import { WasmBackend } from './wasm/index.js';

/** A strided tensor argument: byte address of element 0, and per-dim sizes and element strides. */
export interface Strided {
  ptr: number;
  dtype: DType;
  shape: readonly number[];
  strides: readonly number[];
}

// The elementwise primitives are defined (name, dtype rule, scalar reference, gradient) once, in
// src/core/primitives; their names are the types every backend's dispatch is keyed by.
export type { BinaryOp } from '../core/primitives/binary.js';
export type { UnaryOp } from '../core/primitives/unary.js';

export type ReduceOp = 'sum' | 'max' | 'min' | 'prod';

/** A 2-D operand of a matrix product: row-major with leading dimension `ld`, or its transpose. */
export interface MatArg {
  ptr: number;
  ld: number;
  trans: boolean;
}

/** Convolution geometry, NCHW input (N, C, H, W), OIHW weight (O, C/groups, KH, KW). */
export interface Conv2dGeom {
  n: number;
  c: number;
  h: number;
  w: number;
  o: number;
  kh: number;
  kw: number;
  oh: number;
  ow: number;
  strideH: number;
  strideW: number;
  padH: number;
  padW: number;
  dilH: number;
  dilW: number;
  groups: number;
}

/** Pooling geometry on NCHW input. */
export interface Pool2dGeom {
  n: number;
  c: number;
  h: number;
  w: number;
  oh: number;
  ow: number;
  kh: number;
  kw: number;
  strideH: number;
  strideW: number;
  padH: number;
  padW: number;
  /** avgPool2d: whether zero padding counts in the divisor. */
  countIncludePad: boolean;
}

/**
 * One fused Adam/AdamW step (adamStep). Scalars as the unfused update uses them: c1 = 1 - beta1,
 * c2 = 1 - beta2, stepSize = lr / (1 - beta1^t), bc2 = sqrt(1 - beta2^t); `decay` = 1 - lr * wd
 * multiplies the parameter first when `decoupled` (AdamW); `l2` adds wd * param to the gradient (Adam).
 */
export interface AdamStepArgs {
  beta1: number;
  c1: number;
  beta2: number;
  c2: number;
  stepSize: number;
  bc2: number;
  eps: number;
  decay: number;
  wd: number;
  decoupled: boolean;
  l2: boolean;
  amsgrad: boolean;
  maximize: boolean;
}

export interface Backend {
  readonly name: string;
  /** out[i] = value, `n` elements of `dtype`. */
  fill(out: number, dtype: DType, n: number, value: number): void;
  /** dst = src elementwise (same shape), converting dtype if they differ. */
  copy(src: Strided, dst: Strided): void;
  /** out = op(x); out contiguous of x's shape; `alpha` parameterises leakyRelu/elu. */
  unary(op: UnaryOp, x: Strided, out: number, outDtype: DType, alpha: number): void;
  /** out = op(a, b); a and b have the (broadcast) output shape, with 0 strides on repeated dims. */
  binary(op: BinaryOp, a: Strided, b: Strided, out: number, outDtype: DType): void;
  /** out = cond ? a : b, all three broadcast to the output shape. */
  where(cond: Strided, a: Strided, b: Strided, out: number, outDtype: DType): void;
  /** Contiguous x viewed as (outer, r, inner) reduced over r: out (outer, inner). */
  reduce(op: ReduceOp, x: number, dtype: DType, outer: number, r: number, inner: number, out: number): void;
  /** Index of the max (or min) along r of contiguous (outer, r, inner): int32 out (outer, inner). */
  argReduce(op: 'argmax' | 'argmin', x: number, dtype: DType, outer: number, r: number, inner: number, out: number): void;
  /** C (m, n) = A (m, k) @ B (k, n), plus C when `accumulate`. float32. */
  matmul(m: number, n: number, k: number, a: MatArg, b: MatArg, c: number, ldc: number, accumulate: boolean): void;
  /** Row-wise softmax (or log-softmax) of contiguous (rows, cols) float32. */
  softmax(x: number, rows: number, cols: number, out: number, log: boolean): void;
  /** y (N, O, OH, OW) = conv2d(x, w) + bias, the bias (O) broadcast over (N, ., OH, OW); bias 0 for none. */
  conv2d(x: number, w: number, bias: number, y: number, g: Conv2dGeom): void;
  /** gx (N, C, H, W) = gradient of conv2d with respect to x. */
  conv2dBackwardInput(gy: number, w: number, gx: number, g: Conv2dGeom): void;
  /** gw (O, C/groups, KH, KW) = gradient of conv2d with respect to w. */
  conv2dBackwardWeight(x: number, gy: number, gw: number, g: Conv2dGeom): void;
  /** Max pooling; writes the flat input index (within each (n, c) plane) of each max to `indices`. */
  maxPool2d(x: number, y: number, indices: number, g: Pool2dGeom): void;
  maxPool2dBackward(gy: number, indices: number, gx: number, g: Pool2dGeom): void;
  avgPool2d(x: number, y: number, g: Pool2dGeom): void;
  avgPool2dBackward(gy: number, gx: number, g: Pool2dGeom): void;
  /** out (outer, n, inner) = x (outer, d, inner) at rows idx (n int32 in 0..d-1). */
  indexSelect(x: number, dtype: DType, outer: number, d: number, inner: number, idx: number, n: number, out: number): void;
  /** out (outer, d, inner) += src (outer, n, inner) at rows idx. float32. */
  indexAdd(src: number, outer: number, n: number, inner: number, idx: number, d: number, out: number): void;
  /** torch.gather along `axis`: out[..i..] = x[..index[..i..]..]; all contiguous, index int32 of out's shape. */
  gather(x: number, dtype: DType, xShape: readonly number[], axis: number, index: number, outShape: readonly number[], out: number): void;
  /** The adjoint of gather: out (xShape, zeroed by caller) += src at index along axis. float32. */
  scatterAdd(src: number, outShape: readonly number[], axis: number, index: number, xShape: readonly number[], out: number): void;
  /**
   * In place over n contiguous float32 elements: m, v (and vmax when amsgrad, else vmax = 0) and
   * the parameter p take one Adam step with gradient g, in f32 exactly as the unfused ops would.
   */
  adamStep(p: number, g: number, m: number, v: number, vmax: number, n: number, a: AdamStepArgs): void;
}

// The built-in backends; each is created on first use, so importing starts nothing.
const registry = new Map<string, () => Backend>([
  ['wasm', () => new WasmBackend()],
  ['reference', () => new ReferenceBackend()],
]);
let active: Backend | null = null;
let defaultName = 'wasm';

/** Makes a backend available under `name`; the factory runs on first use. */
export function registerBackend(name: string, factory: () => Backend): void {
  registry.set(name, factory);
}

const instances = new Map<string, Backend>();

function instantiate(name: string): Backend {
  let b = instances.get(name);
  if (b === undefined) {
    const factory = registry.get(name);
    if (factory === undefined) {
      throw new Error(`setBackend: unknown backend '${name}' (available: ${[...registry.keys()].join(', ')})`);
    }
    b = factory();
    instances.set(name, b);
  }
  return b;
}

/** The backend ops run on (created on first use). */
export function backend(): Backend {
  if (active === null) active = instantiate(defaultName);
  return active;
}

/**
 * Chooses the backend for all following ops: `'wasm'` (default: WebAssembly SIMD on every core)
 * or `'reference'` (plain TypeScript, the test oracle).
 * @example setBackend('reference')
 */
export function setBackend(name: string): void {
  active = instantiate(name);
  defaultName = name;
}

/** Name of the active backend. */
export function getBackend(): string {
  return backend().name;
}

/** Names of the registered backends. */
export function listBackends(): string[] {
  return [...registry.keys()];
}
