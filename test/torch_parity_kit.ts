// The shared machinery of the PyTorch parity suites: the fixture format (see
// scripts/torch_fixtures.py), the op name -> tessera call tables, decoding of fixture tensors, and
// the tolerant comparison that names the first mismatching index. Used by test/torch_parity.test.ts
// (single ops) and test/torch_parity_compositions.test.ts (random compositions of ops).

import assert from 'node:assert/strict';
import type { TypedArray } from '../src/core/dtype.js';
import type { Conv1dOptions, Conv2dOptions, Pool2dOptions, SliceSpec } from '../src/index.js';
import * as T from '../src/index.js';
import { type DType, type NestedArray, Tensor, type TensorLike } from '../src/index.js';
import { withValues } from './helpers.js';

/** float32 against float64 references: |got - want| <= atol + rtol * |want|. */
export const DEFAULT_TOL: Tol = { rtol: 1e-4, atol: 1e-5 };

// ---- the fixture format (see scripts/torch_fixtures.py) -------------------------------------

export interface Tol {
  rtol: number;
  atol: number;
}

export type ViewStep = ['transpose', number, number] | ['permute', number[]] | ['expand', number[]] | ['slice', ...SliceSpec[]];

export interface TensorSpec {
  shape: number[];
  dtype: DType;
  /** Flat row-major values; non-finite ones as 'nan', 'inf', '-inf'. */
  data: (number | string)[];
  /** The input requires grad. */
  grad?: boolean;
  /** Views applied to the leaf before the op (gradients are the leaf's). */
  view?: ViewStep[];
}

export type Pair = number | [number, number];

/**
 * Op options, spelled as tessera's parameters. Fields an op cannot do without are typed as present:
 * the generator always writes them for the ops that use them.
 */
export interface Options {
  data: NestedArray;
  shape: number[];
  value: number;
  start: number;
  steps: number;
  n: number;
  low: number;
  high: number;
  dims: number[];
  specs: SliceSpec[];
  index: number;
  length: number;
  sizeOrSections: number | number[];
  chunks: number;
  kernelSize: Pair;
  dtype?: DType;
  end?: number;
  step?: number;
  m?: number;
  /** One dim, or several for reductions; omitted: all dims. */
  dim?: number | number[];
  keepDim?: boolean;
  correction?: number;
  unbiased?: boolean;
  negativeSlope?: number;
  alpha?: number;
  min?: number;
  max?: number;
  startDim?: number;
  endDim?: number;
  dim0?: number;
  dim1?: number;
  /** conv and pooling: Pair | 'same' | 'valid'; pad: the flat padding list. */
  padding?: Pair | 'same' | 'valid';
  stride?: Pair;
  dilation?: Pair;
  groups?: number;
  ceilMode?: boolean;
  countIncludePad?: boolean;
  p?: number;
  training?: boolean;
  reduction?: 'mean' | 'sum' | 'none';
  weight?: TensorSpec;
  ignoreIndex?: number;
  labelSmoothing?: number;
}

/** Distribution checks for random ops. */
export interface Stats {
  shape: number[];
  dtype: DType;
  n: number;
  mean?: number;
  std?: number;
  meanTol?: number;
  stdTol?: number;
  /** All values lie in [min, max). */
  min?: number;
  max?: number;
  integer?: boolean;
  /** dropout: the expected fraction of zeros, and the scale of kept values. */
  dropFraction?: number;
  fractionTol?: number;
  keepScale?: number;
}

/** Input `sameAs`'s leaf used again (through its own view); its gradient is reported there. */
export interface SameLeaf {
  sameAs: number;
  view?: ViewStep[];
}

export interface Case {
  name: string;
  op: string;
  inputs: (TensorSpec | SameLeaf | number)[];
  options: Options;
  out?: TensorSpec | TensorSpec[];
  upstream?: TensorSpec | TensorSpec[];
  grads?: (TensorSpec | null)[];
  stats?: Stats;
  tol?: Tol;
}

// ---- op name -> tessera call ----------------------------------------------------------------

export type Out = Tensor | Tensor[];

/** Ops whose positional inputs are all tensors. */
export const OPS: Record<string, (x: Tensor[], o: Options) => Out> = {
  // creation
  tensor: (_, o) => T.tensor(o.data, { dtype: o.dtype }),
  zeros: (_, o) => T.zeros(o.shape, { dtype: o.dtype }),
  ones: (_, o) => T.ones(o.shape, { dtype: o.dtype }),
  full: (_, o) => T.full(o.shape, o.value, { dtype: o.dtype }),
  arange: (_, o) => T.arange(o.start, o.end, o.step, { dtype: o.dtype }),
  linspace: (_, o) => T.linspace(o.start, o.end as number, o.steps),
  eye: (_, o) => T.eye(o.n, o.m),
  zerosLike: ([x]) => T.zerosLike(x),
  onesLike: ([x]) => T.onesLike(x),
  fullLike: ([x], o) => T.fullLike(x, o.value),
  rand: (_, o) => T.rand(o.shape),
  randn: (_, o) => T.randn(o.shape),
  randint: (_, o) => T.randint(o.low, o.high, o.shape),
  randLike: ([x]) => T.randLike(x),
  randnLike: ([x]) => T.randnLike(x),
  randintLike: ([x], o) => T.randintLike(x, o.low, o.high),
  // elementwise
  neg: ([x]) => T.neg(x),
  exp: ([x]) => T.exp(x),
  log: ([x]) => T.log(x),
  log1p: ([x]) => T.log1p(x),
  expm1: ([x]) => T.expm1(x),
  sqrt: ([x]) => T.sqrt(x),
  rsqrt: ([x]) => T.rsqrt(x),
  abs: ([x]) => T.abs(x),
  sign: ([x]) => T.sign(x),
  sin: ([x]) => T.sin(x),
  cos: ([x]) => T.cos(x),
  tanh: ([x]) => T.tanh(x),
  sigmoid: ([x]) => T.sigmoid(x),
  relu: ([x]) => T.relu(x),
  leakyRelu: ([x], o) => T.leakyRelu(x, o.negativeSlope),
  elu: ([x], o) => T.elu(x, o.alpha),
  gelu: ([x]) => T.gelu(x),
  silu: ([x]) => T.silu(x),
  hardswish: ([x]) => T.hardswish(x),
  mish: ([x]) => T.mish(x),
  softplus: ([x]) => T.softplus(x),
  reciprocal: ([x]) => T.reciprocal(x),
  square: ([x]) => T.square(x),
  floor: ([x]) => T.floor(x),
  ceil: ([x]) => T.ceil(x),
  round: ([x]) => T.round(x),
  isNaN: ([x]) => T.isNaN(x),
  clamp: ([x], o) => T.clamp(x, o.min, o.max),
  logicalNot: ([x]) => T.logicalNot(x),
  maskedFill: ([x, mask], o) => T.maskedFill(x, mask, o.value),
  // reductions
  sum: ([x], o) => T.sum(x, o.dim, o.keepDim),
  mean: ([x], o) => T.mean(x, o.dim, o.keepDim),
  max: ([x], o) => T.max(x, o.dim, o.keepDim),
  min: ([x], o) => T.min(x, o.dim, o.keepDim),
  prod: ([x], o) => T.prod(x, o.dim, o.keepDim),
  argmax: ([x], o) => T.argmax(x, o.dim as number | undefined, o.keepDim),
  argmin: ([x], o) => T.argmin(x, o.dim as number | undefined, o.keepDim),
  variance: ([x], o) => T.variance(x, o.dim, { correction: o.correction, unbiased: o.unbiased, keepDim: o.keepDim }),
  var: ([x], o) => T.var(x, o.dim, { correction: o.correction, unbiased: o.unbiased, keepDim: o.keepDim }),
  std: ([x], o) => T.std(x, o.dim, { correction: o.correction, unbiased: o.unbiased, keepDim: o.keepDim }),
  logSumExp: ([x], o) => T.logSumExp(x, o.dim, o.keepDim),
  // movement
  reshape: ([x], o) => T.reshape(x, o.shape),
  view: ([x], o) => T.view(x, o.shape),
  flatten: ([x], o) => T.flatten(x, o.startDim, o.endDim),
  squeeze: ([x], o) => T.squeeze(x, o.dim),
  unsqueeze: ([x], o) => T.unsqueeze(x, o.dim as number),
  transpose: ([x], o) => T.transpose(x, o.dim0, o.dim1),
  permute: ([x], o) => T.permute(x, o.dims),
  expand: ([x], o) => T.expand(x, o.shape),
  slice: ([x], o) => T.slice(x, ...o.specs),
  narrow: ([x], o) => T.narrow(x, o.dim as number, o.start, o.length),
  select: ([x], o) => T.select(x, o.dim as number, o.index),
  concat: (xs, o) => T.concat(xs, o.dim as number | undefined),
  stack: (xs, o) => T.stack(xs, o.dim as number | undefined),
  split: ([x], o) => T.split(x, o.sizeOrSections, o.dim as number | undefined),
  chunk: ([x], o) => T.chunk(x, o.chunks, o.dim as number | undefined),
  pad: ([x], o) => T.pad(x, o.padding as readonly number[], o.value),
  // indexing and linear algebra
  gather: ([x, index], o) => T.gather(x, o.dim as number, index),
  indexSelect: ([x, index], o) => T.indexSelect(x, o.dim as number, index),
  embedding: ([indices, weight]) => T.embedding(indices, weight),
  matmul: ([a, b]) => T.matmul(a, b),
  dot: ([a, b]) => T.dot(a, b),
  outer: ([a, b]) => T.outer(a, b),
  // convolution and pooling (no bias: the case has two inputs)
  conv1d: ([x, w, b], o) => T.conv1d(x, w, b, o as Conv1dOptions),
  conv2d: ([x, w, b], o) => T.conv2d(x, w, b, o as Conv2dOptions),
  maxPool2d: ([x], o) => T.maxPool2d(x, o.kernelSize, o as Pool2dOptions),
  avgPool2d: ([x], o) => T.avgPool2d(x, o.kernelSize, o as Pool2dOptions),
  maxPool1d: ([x], o) => T.maxPool1d(x, o.kernelSize as number, o as { stride?: number; padding?: number }),
  avgPool1d: ([x], o) => T.avgPool1d(x, o.kernelSize as number, o as { stride?: number; padding?: number }),
  // nn functions
  softmax: ([x], o) => T.softmax(x, o.dim as number | undefined),
  logSoftmax: ([x], o) => T.logSoftmax(x, o.dim as number | undefined),
  dropout: ([x], o) => T.dropout(x, o.p, o.training),
  crossEntropy: ([x, target], o) => T.crossEntropy(x, target, { ...o, weight: o.weight && fromSpec(o.weight) }),
  mseLoss: ([x, target], o) => T.mseLoss(x, target, { reduction: o.reduction }),
  nllLoss: ([x, target], o) => T.nllLoss(x, target, { reduction: o.reduction }),
};

/** Ops that also take plain numbers as operands. */
export const MIXED_OPS: Record<string, (x: TensorLike[], o: Options) => Out> = {
  add: ([a, b]) => T.add(a, b),
  sub: ([a, b]) => T.sub(a, b),
  mul: ([a, b]) => T.mul(a, b),
  div: ([a, b]) => T.div(a, b),
  pow: ([a, b]) => T.pow(a, b),
  minimum: ([a, b]) => T.minimum(a, b),
  maximum: ([a, b]) => T.maximum(a, b),
  eq: ([a, b]) => T.eq(a, b),
  ne: ([a, b]) => T.ne(a, b),
  lt: ([a, b]) => T.lt(a, b),
  le: ([a, b]) => T.le(a, b),
  gt: ([a, b]) => T.gt(a, b),
  ge: ([a, b]) => T.ge(a, b),
  logicalAnd: ([a, b]) => T.logicalAnd(a, b),
  logicalOr: ([a, b]) => T.logicalOr(a, b),
  logicalXor: ([a, b]) => T.logicalXor(a, b),
  where: ([cond, a, b]) => T.where(cond, a, b),
};

// ---- decoding -------------------------------------------------------------------------------

export function decodeNumber(v: number | string): number {
  if (typeof v === 'number') return v;
  if (v === 'nan') return Number.NaN;
  if (v === 'inf') return Number.POSITIVE_INFINITY;
  if (v === '-inf') return Number.NEGATIVE_INFINITY;
  throw new TypeError(`fixture: unknown number ${JSON.stringify(v)}`);
}

/** The leaf tensor a spec describes (requiring grad when the spec says so). */
export function fromSpec(s: TensorSpec): Tensor {
  const flat = T.tensor(s.data.map(decodeNumber), { dtype: s.dtype });
  const leaf = T.reshape(flat, s.shape).detach();
  return s.grad ? leaf.requiresGrad_() : leaf;
}

export function applyView(t: Tensor, steps: readonly ViewStep[] = []): Tensor {
  let v = t;
  for (const step of steps) {
    if (step[0] === 'transpose') v = T.transpose(v, step[1], step[2]);
    else if (step[0] === 'permute') v = T.permute(v, step[1]);
    else if (step[0] === 'expand') v = T.expand(v, step[1]);
    else v = T.slice(v, ...(step.slice(1) as SliceSpec[]));
  }
  return v;
}

export const list = <X>(x: X | X[]): X[] => (Array.isArray(x) ? x : [x]);

/** Runs a case's op on its inputs: the leaves (for gradients) and the output(s). */
export function runOp(c: Case): { leaves: (Tensor | number)[]; outs: Tensor[] } {
  const own = c.inputs.map((a) => (typeof a === 'number' ? a : 'sameAs' in a ? null : fromSpec(a)));
  const leaves = c.inputs.map((a, i) => (typeof a === 'object' && 'sameAs' in a ? (own[a.sameAs] as Tensor) : (own[i] as Tensor | number)));
  const args = leaves.map((l, i) => {
    const a = c.inputs[i];
    return l instanceof Tensor && typeof a === 'object' ? applyView(l, a.view) : l;
  });
  const mixed = MIXED_OPS[c.op];
  if (mixed !== undefined) return { leaves, outs: list(mixed(args, c.options)) };
  const op = OPS[c.op];
  assert.ok(op !== undefined, `${c.name}: no tessera mapping for op '${c.op}' (add it to OPS in test/torch_parity.test.ts)`);
  const tensors = args.map((a, i) => {
    if (!(a instanceof Tensor)) throw new TypeError(`${c.name}: input ${i} of '${c.op}' must be a tensor, got ${a}`);
    return a;
  });
  return { leaves, outs: list(op(tensors, c.options)) };
}

// ---- comparison -----------------------------------------------------------------------------

export function unravel(flat: number, shape: readonly number[]): number[] {
  const idx = new Array<number>(shape.length).fill(0);
  for (let d = shape.length - 1, r = flat; d >= 0; d--) {
    idx[d] = r % shape[d];
    r = Math.floor(r / shape[d]);
  }
  return idx;
}

export function sameValue(got: number, want: number, tol: Tol): boolean {
  if (Number.isNaN(want)) return Number.isNaN(got);
  if (!Number.isFinite(want)) return got === want;
  return Math.abs(got - want) <= tol.atol + tol.rtol * Math.abs(want);
}

/** Fails with the case, backend and first mismatching index when `got` differs from `want`. */
export function expectClose(label: string, got: Tensor, want: TensorSpec, tol: Tol): void {
  const shape = `[${got.shape.join(', ')}]`;
  const wantShape = `[${want.shape.join(', ')}]`;
  if (shape !== wantShape) assert.fail(`${label}: shape ${shape}, expected ${wantShape}`);
  if (got.dtype !== want.dtype) assert.fail(`${label}: dtype ${got.dtype}, expected ${want.dtype}`);
  withValues([got], ([values]) => compareValues(label, values, want, tol));
}

function compareValues(label: string, values: TypedArray, want: TensorSpec, tol: Tol): void {
  const exact = want.dtype !== 'float32';
  let bad = 0;
  let first = -1;
  for (let i = 0; i < values.length; i++) {
    const w = decodeNumber(want.data[i]);
    if (exact ? values[i] !== w : !sameValue(values[i], w, tol)) {
      if (first < 0) first = i;
      bad++;
    }
  }
  if (bad === 0) return;
  const w = decodeNumber(want.data[first]);
  const where = `[${unravel(first, want.shape).join(', ')}] (flat ${first})`;
  const bound = exact
    ? 'exact'
    : `|diff| ${Math.abs(values[first] - w).toExponential(3)} > tol ${(tol.atol + tol.rtol * Math.abs(w)).toExponential(3)}`;
  assert.fail(`${label}: ${bad} of ${values.length} values differ; first at ${where}: got ${values[first]}, expected ${w} (${bound})`);
}

// ---- running a case -------------------------------------------------------------------------

export function checkCase(c: Case, backend: string): void {
  const label = `${c.name} [${backend}]`;
  const tol = c.tol ?? DEFAULT_TOL;
  const { leaves, outs } = runOp(c);
  const want = list(c.out as TensorSpec | TensorSpec[]);
  assert.equal(outs.length, want.length, `${label}: ${outs.length} outputs, expected ${want.length}`);
  for (const [i, o] of outs.entries()) expectClose(`${label} output ${i}`, o, want[i], tol);
  if (c.upstream === undefined || c.grads === undefined) return;

  const ups = list(c.upstream).map(fromSpec);
  const several = outs.length > 1;
  outs.forEach((o, i) => {
    // torch tracks every output of a differentiable op whose inputs require grad
    if (!o.requiresGrad)
      assert.fail(`${label} output ${i}: not tracked by autograd (requiresGrad false), so backward() would throw; torch tracks it`);
    o.backward(ups[i], { retainGraph: several });
  });
  c.grads.forEach((g, i) => {
    const leaf = leaves[i];
    const input = c.inputs[i];
    if (!(leaf instanceof Tensor) || !leaf.requiresGrad || (typeof input === 'object' && 'sameAs' in input)) return;
    const what = `${label} grad of input ${i}`;
    if (g === null) {
      // torch found no path to this input: tessera may leave .grad unset or give zeros
      if (leaf.grad !== null) expectClose(what, leaf.grad, zerosSpec(leaf.shape), tol);
      return;
    }
    if (leaf.grad === null) {
      const zero = g.data.every((v) => v === 0);
      if (!zero) assert.fail(`${what}: no gradient reached this input (expected nonzero values)`);
      return;
    }
    expectClose(what, leaf.grad, g, tol);
  });
}

export function zerosSpec(shape: readonly number[]): TensorSpec {
  const n = shape.reduce((a, b) => a * b, 1);
  return { shape: [...shape], dtype: 'float32', data: new Array<number>(n).fill(0) };
}

/** Random ops: shape, dtype, range and moments; dropout: kept values scaled, and its gradient. */
export function checkStats(c: Case, backend: string): void {
  const label = `${c.name} [${backend}]`;
  const s = c.stats as Stats;
  const { leaves, outs } = runOp(c);
  const y = outs[0];
  assert.deepEqual([...y.shape], s.shape, `${label}: shape [${y.shape.join(', ')}], expected [${s.shape.join(', ')}]`);
  assert.equal(y.dtype, s.dtype, `${label}: dtype ${y.dtype}, expected ${s.dtype}`);
  if (s.dropFraction !== undefined) {
    checkDropout(label, c, leaves[0] as Tensor, y);
    return;
  }
  withValues([y], ([yv]) => checkMoments(label, s, Array.from(yv)));
}

function checkMoments(label: string, s: Stats, v: number[]): void {
  v.forEach((x, i) => {
    if (s.min !== undefined && s.max !== undefined && !(x >= s.min && x < s.max))
      assert.fail(`${label}: value ${x} at flat ${i} is outside [${s.min}, ${s.max})`);
    if (s.integer && !Number.isInteger(x)) assert.fail(`${label}: value ${x} at flat ${i} is not an integer`);
  });
  const mean = v.reduce((a, b) => a + b, 0) / v.length;
  const std = Math.sqrt(v.reduce((a, b) => a + (b - mean) ** 2, 0) / v.length);
  const [wm, ws] = [s.mean as number, s.std as number];
  assert.ok(Math.abs(mean - wm) <= (s.meanTol as number), `${label}: sample mean ${mean}, expected ${wm} ± ${s.meanTol}`);
  assert.ok(Math.abs(std - ws) <= (s.stdTol as number), `${label}: sample std ${std}, expected ${ws} ± ${s.stdTol}`);
}

export function checkDropout(label: string, c: Case, x: Tensor, y: Tensor): void {
  const s = c.stats as Stats;
  const up = fromSpec(c.upstream as TensorSpec);
  y.backward(up);
  assert.ok(x.grad !== null, `${label}: no gradient reached the input`);
  withValues([x, y, up, x.grad], ([xv, yv, upv, gv]) => checkDropoutValues(label, s, Array.from(yv), xv, upv, gv));
}

function checkDropoutValues(label: string, s: Stats, v: number[], xv: TypedArray, upv: TypedArray, gv: TypedArray): void {
  const scale = s.keepScale as number;
  let dropped = 0;
  v.forEach((yi, i) => {
    if (yi === 0) dropped++;
    else if (!sameValue(yi, xv[i] * scale, DEFAULT_TOL))
      assert.fail(`${label}: kept value at flat ${i} is ${yi}, expected x * ${scale} = ${xv[i] * scale}`);
  });
  const frac = dropped / v.length;
  assert.ok(
    Math.abs(frac - (s.dropFraction as number)) <= (s.fractionTol as number),
    `${label}: dropped fraction ${frac}, expected ${s.dropFraction} ± ${s.fractionTol}`,
  );
  v.forEach((yi, i) => {
    const want = yi === 0 ? 0 : upv[i] * scale;
    if (!sameValue(gv[i], want, DEFAULT_TOL))
      assert.fail(`${label}: grad at flat ${i} is ${gv[i]}, expected ${want} (${yi === 0 ? 'dropped' : 'kept'})`);
  });
}
