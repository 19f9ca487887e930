// Conformance: every op, forward and backward, on every registered backend, against the reference
// backend run on contiguous inputs. Shapes are seeded and random ('small', 'ones' for size-1 dims
// and broadcasting, 'empty' for size-0 dims, 'large' for odd sizes up to ~20,000 elements that
// reach SIMD tails and GEMM blocking), and inputs (and the upstream gradient) are given in each
// memory layout: contiguous, transposed, strided (sliced with step 2, unread gaps hold NaN),
// expanded (stride 0), and a random mix. Outputs and the gradients of float inputs must agree.
// With only the reference backend registered this still checks every layout against contiguous.
//
//   npx tsc -p tsconfig.json && node --test dist/test/conformance.test.js
//
// Adding an op means adding one row to CASES: a name and `make`, which draws the input data from
// the seeded Rng (shapes via r.shape, which follows the trial's mode) and returns the call.

import { describe, test } from 'node:test';
import * as T from '../src/index.js';
import { manualSeed, noGrad, type Tensor } from '../src/index.js';
import { sumTo } from '../src/ops/reduce.js';
import {
  assertClose,
  awayFromZero,
  bools,
  type Data,
  DEVICES,
  data,
  deviceReady,
  distinct,
  expandable,
  floats,
  hashString,
  ints,
  LAYOUTS,
  type Layout,
  makeTensor,
  Rng,
  type ShapeMode,
  type Snapshot,
  snapshotAsync,
  type Tolerance,
  withDevice,
} from './helpers.js';

type Out = Tensor | Tensor[];
type Made = { inputs: Data[]; call: (xs: Tensor[]) => Out };

interface OpCase {
  name: string;
  /** Draws the inputs for one trial and returns the op applied to them (built as tensors). */
  make: (r: Rng) => Made;
  /** Tolerance between backends. Default rtol 1e-4, atol 1e-5. */
  tol?: Tolerance;
  /** Input layouts to try; default all of LAYOUTS plus 'mixed'. In-place ops skip 'expanded'. */
  layouts?: readonly LayoutMode[];
}

type LayoutMode = Layout | 'mixed';
const ALL_LAYOUTS: readonly LayoutMode[] = [...LAYOUTS, 'mixed'];
const NO_EXPAND: readonly LayoutMode[] = ['contiguous', 'transposed', 'strided'];
/** Each case runs once per entry (a fresh seed each) and per layout. */
const TRIALS: readonly ShapeMode[] = ['small', 'ones', 'empty', 'large', 'small', 'ones', 'empty', 'large'];
const LINALG_TOL: Tolerance = { rtol: 1e-4, atol: 1e-4 };

// ---- row builders -------------------------------------------------------------------------

type Gen = (r: Rng, shape: number[]) => Data;
const any: Gen = (r, s) => floats(r, s);
const positive: Gen = (r, s) => floats(r, s, 0.3, 3);
const nonzero: Gen = (r, s) => awayFromZero(r, s);
const unique: Gen = (r, s) => distinct(r, s);
const smallInts: Gen = (r, s) => ints(r, s, -3, 4);
const intsAsFloat: Gen = (r, s) => ({ ...ints(r, s, -2, 3), dtype: 'float32' });
/** Integers, exact halves (round half to even) and arbitrary values. */
const halves: Gen = (r, s) => {
  const d = floats(r, s, -3, 3);
  return { ...d, values: d.values.map((v, i) => (i % 3 === 0 ? v : i % 3 === 1 ? Math.round(v * 2) / 2 : Math.round(v))) };
};
const nonzeroInts: Gen = (r, s) => {
  const d = ints(r, s, 1, 4);
  return { ...d, values: d.values.map((v, i) => (i % 2 ? -v : v)) };
};
const flags: Gen = (r, s) => bools(r, s);
const noGradData = (d: Data): Data => ({ ...d, grad: false });

const row = (name: string, make: (r: Rng) => Made, extra: Omit<OpCase, 'name' | 'make'> = {}): OpCase => ({ name, make, ...extra });

/** An op of one tensor of any rank 0..4. */
function unary(name: string, f: (x: Tensor) => Out, gen: Gen = any, extra: Omit<OpCase, 'name' | 'make'> = {}): OpCase {
  return row(name, (r) => ({ inputs: [gen(r, r.shape(r.rank(0, 5)))], call: ([x]) => f(x) }), extra);
}

/** An op of two tensors whose shapes broadcast (either way round). */
function binary(name: string, f: (a: Tensor, b: Tensor) => Out, genA: Gen = any, genB: Gen = genA): OpCase {
  return row(name, (r) => {
    const s = r.shape(r.rank(0, 5));
    const t = r.broadcastOf(s);
    const [sa, sb] = r.chance(0.5) ? [s, t] : [t, s];
    return { inputs: [genA(r, sa), genB(r, sb)], call: ([a, b]) => f(a, b) };
  });
}

/** An op of no tensor input (creation). */
const create = (name: string, f: (r: Rng) => () => Out): OpCase =>
  row(name, (r) => {
    const call = f(r);
    return { inputs: [], call: () => call() };
  });

/** A random subset of 0..rank-1 (sorted), possibly empty when `allowNone`. */
function someDims(r: Rng, rank: number, allowNone = false): number[] {
  const dims = Array.from({ length: rank }, (_, i) => i).filter(() => r.chance(0.5));
  if (dims.length === 0 && !allowNone && rank > 0) dims.push(r.int(0, rank));
  return dims;
}

/** A reduction over a random set of dims (given as a list, a single negative dim, or all). */
function reduction(
  name: string,
  f: (x: Tensor, dims: number | number[] | undefined, keepDim: boolean) => Out,
  gen: Gen = any,
  needsElements = false,
): OpCase {
  return row(name, (r) => {
    const rank = r.rank(0, 5);
    const dims = someDims(r, rank);
    const arg = r.chance(0.2) || rank === 0 ? undefined : dims.length === 1 && r.chance(0.5) ? dims[0] - rank : dims;
    const reduced = arg === undefined ? Array.from({ length: rank }, (_, i) => i) : dims;
    const keepDim = r.chance(0.5);
    return { inputs: [gen(r, r.shape(rank, { nonEmpty: needsElements ? reduced : [] }))], call: ([x]) => f(x, arg, keepDim) };
  });
}

/** Conv/pool geometry: an input extent that fits kernel k with dilation d and padding p. */
const extent = (r: Rng, k: number, d = 1, p = 0) => Math.max(1, d * (k - 1) + 1 - 2 * p) + r.int(0, 3);

function conv2dCase(name: string, padding?: 'same'): OpCase {
  return row(
    name,
    (r) => {
      const groups = r.pick([1, 1, 2]);
      const [c, o] = [groups * r.size(1, 3, 2, 6), groups * r.size(1, 3, 2, 6)];
      const [kh, kw] = padding === 'same' ? [r.pick([1, 3]), r.pick([1, 3])] : [r.int(1, 4), r.int(1, 4)];
      const stride: [number, number] = padding === 'same' ? [1, 1] : [r.int(1, 3), r.int(1, 3)];
      const dilation: [number, number] = [r.int(1, 3), r.int(1, 3)];
      const pad: [number, number] = [r.int(0, 2), r.int(0, 2)];
      const n = r.mode === 'empty' ? 0 : r.size(1, 3, 2, 4);
      const [height, width] = [
        extent(r, kh, dilation[0], pad[0]) + r.size(0, 1, 8, 20),
        extent(r, kw, dilation[1], pad[1]) + r.size(0, 1, 8, 20),
      ];
      const x = floats(r, [n, c, height, width]);
      const w = floats(r, [o, c / groups, kh, kw]);
      const inputs = r.chance(0.6) ? [x, w, floats(r, [o])] : [x, w];
      return { inputs, call: ([xt, wt, b]) => T.conv2d(xt, wt, b, { stride, padding: padding ?? pad, dilation, groups }) };
    },
    { tol: LINALG_TOL },
  );
}

function pool2dCase(name: string, avg: boolean): OpCase {
  return row(name, (r) => {
    const [kh, kw] = [r.int(1, 4), r.int(1, 4)];
    const opts: T.Pool2dOptions = {
      stride: [r.int(1, 4), r.int(1, 4)],
      padding: [r.int(0, Math.floor(kh / 2) + 1), r.int(0, Math.floor(kw / 2) + 1)],
      ceilMode: r.chance(0.5),
      countIncludePad: r.chance(0.5),
    };
    const grow = () => r.size(1, 2, 10, 30);
    const shape = [r.mode === 'empty' ? 0 : r.size(1, 3, 2, 4), r.size(1, 3, 2, 6), extent(r, kh) + grow(), extent(r, kw) + grow()];
    const x = avg ? floats(r, shape) : distinct(r, shape);
    return { inputs: [x], call: ([t]) => (avg ? T.avgPool2d(t, [kh, kw], opts) : T.maxPool2d(t, [kh, kw], opts)) };
  });
}

function crossEntropyCase(name: string, kind: 'index' | 'probs' | 'spatial'): OpCase {
  return row(name, (r) => {
    const n = r.mode === 'empty' ? 0 : r.size(1, 5, 20, 80);
    const c = r.size(2, 6, 10, 60);
    const spatial = kind === 'spatial' ? [r.size(1, 4, 3, 9)] : [];
    const opts: T.CrossEntropyOptions = {
      reduction: r.mode === 'empty' ? 'sum' : r.pick(['mean', 'sum', 'none'] as const),
      labelSmoothing: r.chance(0.5) ? r.pick([0.1, 0.25]) : 0,
    };
    const logits = floats(r, [n, c, ...spatial], -3, 3);
    const extras: Data[] = [];
    if (r.chance(0.5)) extras.push(noGradData(floats(r, [c], 0.2, 2)));
    let target: Data;
    if (kind === 'index' || kind === 'spatial') {
      target = { ...ints(r, [n, ...spatial], 0, c), keep: true };
      if (r.chance(0.5)) {
        opts.ignoreIndex = r.pick([-100, 1]);
        target.values = target.values.map((v, i) => (i === 0 ? (opts.ignoreIndex ?? v) : v));
      }
    } else {
      const raw = floats(r, [n, c, ...spatial], 0.05, 1).values;
      const values = raw.map((v, i) => v / raw.slice(i - (i % c), i - (i % c) + c).reduce((a, b) => a + b, 0));
      target = { ...data([n, c, ...spatial], values), grad: false, keep: true };
    }
    return {
      inputs: [logits, target, ...extras],
      call: ([x, t, w]) => T.crossEntropy(x, t, { ...opts, weight: w }),
    };
  });
}

// ---- the table ----------------------------------------------------------------------------

const CASES: OpCase[] = [
  // creation: no inputs; exercises fill and host-to-heap copies on each backend
  create('zeros', (r) => {
    const s = r.shape(r.rank(0, 4));
    return () => T.zeros(s);
  }),
  create('ones int32', (r) => {
    const s = r.shape(2);
    return () => T.ones(s, { dtype: 'int32' });
  }),
  create('full', (r) => {
    const s = r.shape(3);
    return () => [T.full(s, 2.5), T.full(s, true), T.full(s, -3, { dtype: 'int32' })];
  }),
  create('arange', () => () => [T.arange(7), T.arange(1, 2, 0.25), T.arange(5, -3, -2, { dtype: 'int32' }), T.arange(3, 3)]),
  create('linspace', () => () => [T.linspace(-1, 1, 7), T.linspace(0, 1, 1), T.linspace(2, 3, 0)]),
  create('eye', (r) => {
    const [n, m] = [r.int(0, 5), r.int(0, 5)];
    return () => [T.eye(n), T.eye(n, m)];
  }),
  create('scalar and tensor', () => () => [
    T.scalar(1.5),
    T.tensor([
      [1, 2],
      [3, 4],
    ]),
    T.tensor([true, false]),
    T.tensor([[]]),
  ]),
  create('rand randn randint', (r) => {
    const s = r.shape(2);
    return () => {
      manualSeed(11);
      return [T.rand(s), T.randn(s), T.randint(-5, 5, s)];
    };
  }),
  unary('*Like', (x) => {
    manualSeed(3);
    return [T.zerosLike(x), T.onesLike(x), T.fullLike(x, 4), T.randLike(x), T.randnLike(x), T.randintLike(x, 0, 9)];
  }),

  // elementwise, one input
  unary('neg', T.neg),
  unary('neg int32', T.neg, smallInts),
  unary('exp', T.exp),
  unary('exp of int32', T.exp, smallInts),
  unary('log', T.log, positive),
  unary('log1p', T.log1p, (r, s) => floats(r, s, -0.5, 2)),
  unary('expm1', T.expm1),
  unary('sqrt', T.sqrt, positive),
  unary('rsqrt', T.rsqrt, positive),
  unary('abs', T.abs, nonzero),
  unary('sign', T.sign, intsAsFloat),
  unary('sin', T.sin),
  unary('cos', T.cos),
  unary('tanh', T.tanh),
  unary('sigmoid', T.sigmoid, (r, s) => floats(r, s, -8, 8)),
  unary('relu', T.relu, nonzero),
  unary('leakyRelu', (x) => T.leakyRelu(x, 0.2), nonzero),
  unary('elu', (x) => T.elu(x, 1.5), nonzero),
  unary('gelu', T.gelu, (r, s) => floats(r, s, -4, 4)),
  unary('silu', T.silu, (r, s) => floats(r, s, -4, 4)),
  unary('softplus', T.softplus, (r, s) => floats(r, s, -5, 25)),
  unary('reciprocal', T.reciprocal, nonzero),
  unary('square', T.square),
  unary('floor', T.floor, halves),
  unary('ceil', T.ceil, halves),
  unary('round (half to even)', T.round, halves),
  unary('logicalNot', T.logicalNot, flags),
  unary('isNaN', T.isNaN, (r, s) => ({ ...floats(r, s), values: floats(r, s).values.map((v) => (v > 1 ? Number.NaN : v)) })),
  unary('cast float32 -> int32, bool', (x) => [x.to('int32'), T.cast(x, 'bool'), x.int().float()], halves),
  unary('cast int32 -> float32, bool', (x) => [x.float(), x.bool()], smallInts),
  unary('cast bool -> float32, int32', (x) => [x.float(), x.int()], flags),
  unary('clone', T.clone),
  unary('contiguous', T.contiguous),

  // elementwise, two inputs with broadcasting
  binary('add', T.add),
  binary('sub', T.sub),
  binary('mul', T.mul),
  binary('div', T.div, any, nonzero),
  binary('pow', T.pow, positive, any),
  binary('minimum', T.minimum),
  binary('maximum', T.maximum),
  binary('eq', T.eq, intsAsFloat),
  binary('ne', T.ne, intsAsFloat),
  binary('lt', T.lt, intsAsFloat),
  binary('le', T.le, intsAsFloat),
  binary('gt', T.gt, intsAsFloat),
  binary('ge', T.ge, intsAsFloat),
  binary('logicalAnd', T.logicalAnd, flags),
  binary('logicalOr', T.logicalOr, flags),
  binary('logicalXor', T.logicalXor, flags),
  binary('add int32 + float32', T.add, smallInts, any),
  binary('add int32 + int32', T.add, smallInts),
  binary('sub int32 - int32', T.sub, smallInts),
  binary('mul bool * float32', T.mul, flags, any),
  binary('add bool + bool', T.add, flags),
  binary('div int32 / int32', T.div, smallInts, nonzeroInts),
  binary('maximum int32', T.maximum, smallInts),
  binary('eq int32 vs float32', T.eq, smallInts, intsAsFloat),
  unary('tensor op scalar', (x) => [T.add(x, 2.5), T.sub(3, x), T.mul(x, -1.5), T.div(x, 4), T.maximum(x, 0.3), T.minimum(-0.2, x)]),
  unary('int32 op scalar', (x) => [T.add(x, 2), T.mul(x, 2.5), T.sub(x, 1), T.div(x, 2)], smallInts),
  unary('pow scalar exponent', (x) => [T.pow(x, 2), T.pow(x, 0.5), T.pow(x, -1.5)], positive),
  unary('pow scalar base', (x) => T.pow(2, x)),
  row('where', (r) => {
    const s = r.shape(r.rank(0, 4));
    return { inputs: [bools(r, r.broadcastOf(s)), floats(r, r.broadcastOf(s)), floats(r, s)], call: ([c, a, b]) => T.where(c, a, b) };
  }),
  row('where with scalars', (r) => {
    const s = r.shape(r.rank(0, 4));
    return { inputs: [bools(r, s), floats(r, r.broadcastOf(s))], call: ([c, a]) => [T.where(c, a, 0.5), T.where(c, -1, a), a.where(c, 2)] };
  }),
  row('maskedFill', (r) => {
    const s = r.shape(r.rank(0, 4));
    return { inputs: [floats(r, s), bools(r, r.broadcastOf(s))], call: ([x, m]) => T.maskedFill(x, m, -1.5) };
  }),
  unary('clamp', (x) => [T.clamp(x, -0.5, 0.7), T.clamp(x, -0.5), T.clamp(x, null, 0.5)]),
  unary('clamp int32', (x) => [T.clamp(x, -1, 2), T.clamp(x, 0.5)], smallInts),

  // reductions
  reduction('sum', T.sum),
  reduction('sum of bool', T.sum, flags),
  reduction('sum of int32', T.sum, smallInts),
  reduction('mean', T.mean),
  reduction('max', T.max, unique, true),
  reduction('min', T.min, unique, true),
  reduction('max with ties', T.max, intsAsFloat, true),
  reduction('max of int32', T.max, smallInts, true),
  reduction('prod', T.prod, (r, s) => awayFromZero(r, s, 0.5, 1.5)),
  reduction('prod with zeros', T.prod, intsAsFloat),
  reduction('var', (x, d, keepDim) => [T.variance(x, d, { keepDim }), T.var(x, d, { correction: 0, keepDim })]),
  reduction('std', (x, d, keepDim) => T.std(x, d, { keepDim, correction: 0 })),
  row('sumTo (a broadcast gradient folded back)', (r) => {
    const s = r.shape(r.rank(0, 5));
    const target = r.broadcastOf(s);
    return { inputs: [floats(r, s)], call: ([x]) => sumTo(x, target) };
  }),
  reduction('logSumExp', T.logSumExp, (r, s) => floats(r, s, -4, 4), true),
  row('argmax, argmin', (r) => {
    const rank = r.int(1, 5);
    const dim = r.int(-rank, rank);
    return { inputs: [distinct(r, r.shape(rank, { nonEmpty: [dim] }))], call: ([x]) => [T.argmax(x, dim), T.argmin(x, dim, true)] };
  }),
  row('argmax flat', (r) => {
    const rank = r.rank(0, 4);
    const s = r.shape(rank, { nonEmpty: Array.from({ length: rank }, (_, i) => i) });
    return { inputs: [distinct(r, s)], call: ([x]) => [T.argmax(x), T.argmin(x, undefined, true)] };
  }),

  // movement
  row('reshape', (r) => {
    const s = r.shape(r.rank(0, 5));
    const n = s.reduce((a, b) => a * b, 1);
    const targets = [[n], [...s].reverse(), [1, ...s, 1], s.length > 1 && !s.includes(0) ? [s[0], -1] : [-1]];
    const target = r.pick(targets);
    return { inputs: [floats(r, s)], call: ([x]) => T.reshape(x, target) };
  }),
  row(
    'view',
    (r) => {
      const s = r.shape(r.int(1, 4));
      return { inputs: [floats(r, s)], call: ([x]) => T.view(x, [s.reduce((a, b) => a * b, 1)]) };
    },
    { layouts: ['contiguous'] },
  ),
  row('flatten', (r) => {
    const rank = r.rank(0, 5);
    const start = rank === 0 ? 0 : r.int(0, rank);
    const end = rank === 0 ? -1 : r.int(start, rank);
    return { inputs: [floats(r, r.shape(rank))], call: ([x]) => T.flatten(x, start, end) };
  }),
  row('squeeze', (r) => {
    const s = r.shape(r.rank(0, 5));
    const ones = s.map((_, i) => i).filter((i) => s[i] === 1);
    const dim = ones.length > 0 ? r.pick(ones) : undefined;
    return { inputs: [floats(r, s)], call: ([x]) => [T.squeeze(x), T.squeeze(x, dim)] };
  }),
  row('unsqueeze', (r) => {
    const rank = r.rank(0, 4);
    const dim = r.int(-rank - 1, rank + 1);
    return { inputs: [floats(r, r.shape(rank))], call: ([x]) => T.unsqueeze(x, dim) };
  }),
  row('transpose', (r) => {
    const rank = r.int(1, 5);
    const [a, b] = [r.int(-rank, rank), r.int(-rank, rank)];
    return { inputs: [floats(r, r.shape(rank))], call: ([x]) => [T.transpose(x, a, b), x.T] };
  }),
  row('permute', (r) => {
    const rank = r.rank(0, 5);
    const perm = r.shuffle(Array.from({ length: rank }, (_, i) => i));
    return { inputs: [floats(r, r.shape(rank))], call: ([x]) => T.permute(x, perm) };
  }),
  row('expand', (r) => {
    const target = r.shape(r.rank(0, 5));
    const lead = r.int(0, target.length + 1);
    const own = target.slice(lead).map((d) => (r.chance(0.5) ? 1 : d));
    const arg = target.map((d, i) => (i >= lead && own[i - lead] === d && r.chance(0.3) ? -1 : d));
    return { inputs: [floats(r, own)], call: ([x]) => T.expand(x, arg) };
  }),
  row('slice', (r) => {
    const s = r.shape(r.int(1, 5));
    const specs: T.SliceSpec[] = s.map((n) => {
      const kind = r.int(0, 4);
      if (kind === 0 && n > 0) return r.int(-n, n);
      if (kind === 1) return null;
      return [r.chance(0.3) ? null : r.int(-n - 1, n + 2), r.chance(0.3) ? null : r.int(-n - 1, n + 2), r.int(1, 4)];
    });
    return { inputs: [floats(r, s)], call: ([x]) => T.slice(x, ...specs) };
  }),
  row('narrow, select', (r) => {
    const rank = r.int(1, 5);
    const dim = r.int(0, rank);
    const s = r.shape(rank, { nonEmpty: [dim] });
    const start = r.int(0, s[dim]);
    const len = r.int(0, s[dim] - start + 1);
    return { inputs: [floats(r, s)], call: ([x]) => [T.narrow(x, dim, start, len), T.select(x, dim, -1 - start)] };
  }),
  row('concat', (r) => {
    const rank = r.int(1, 4);
    const dim = r.int(-rank, rank);
    const s = r.shape(rank);
    const parts = Array.from({ length: r.int(1, 4) }, () =>
      floats(
        r,
        s.map((d, i) => (i === (dim + rank) % rank ? r.int(r.mode === 'empty' ? 0 : 1, 4) : d)),
      ),
    );
    return { inputs: parts, call: (xs) => T.concat(xs, dim) };
  }),
  row('concat mixed dtypes', (r) => {
    const s = r.shape(2);
    return { inputs: [smallInts(r, s), floats(r, s), flags(r, s)], call: (xs) => [T.concat(xs, 1), T.cat(xs.slice(0, 1), 0)] };
  }),
  row('stack', (r) => {
    const rank = r.rank(0, 4);
    const s = r.shape(rank);
    const dim = r.int(-rank - 1, rank + 1);
    return { inputs: Array.from({ length: r.int(1, 4) }, () => floats(r, s)), call: (xs) => T.stack(xs, dim) };
  }),
  row('split, chunk', (r) => {
    const rank = r.int(1, 4);
    const dim = r.int(0, rank);
    const s = r.shape(rank, { nonEmpty: [dim] });
    const sections: number[] = [];
    for (let left = s[dim]; left > 0; ) {
      const k = r.int(0, left + 1);
      sections.push(k);
      left -= k;
    }
    const size = r.size(1, 4, Math.max(1, Math.floor(s[dim] / 3)), s[dim] + 1);
    const chunks = r.int(1, 4);
    return { inputs: [floats(r, s)], call: ([x]) => [...T.split(x, size, dim), ...T.split(x, sections, dim), ...T.chunk(x, chunks, dim)] };
  }),
  row('pad', (r) => {
    const s = r.shape(r.int(1, 5));
    const padding: number[] = [];
    for (let d = s.length - 1; d >= Math.max(0, s.length - r.int(1, 4)); d--) {
      const lo = r.int(s[d] > 1 ? -1 : 0, 3);
      const hi = r.int(s[d] > 1 ? -1 : 0, 3);
      padding.push(lo, hi);
    }
    const value = r.pick([0, -2.5]);
    return { inputs: [floats(r, s)], call: ([x]) => T.pad(x, padding, value) };
  }),

  // indexing
  row('gather', (r) => {
    const rank = r.int(1, 4);
    const dim = r.int(0, rank);
    const s = r.shape(rank, { nonEmpty: [dim] });
    const idxShape = s.map((n, k) => (k === dim ? r.int(r.mode === 'empty' ? 0 : 1, 5) : r.int(Math.min(n, 1), n + 1)));
    return { inputs: [floats(r, s), ints(r, idxShape, 0, s[dim])], call: ([x, i]) => T.gather(x, dim - rank, i) };
  }),
  row('indexSelect', (r) => {
    const rank = r.int(1, 4);
    const dim = r.int(0, rank);
    const s = r.shape(rank, { nonEmpty: [dim] });
    return {
      inputs: [floats(r, s), ints(r, [r.int(r.mode === 'empty' ? 0 : 1, 6)], 0, s[dim])],
      call: ([x, i]) => T.indexSelect(x, dim, i),
    };
  }),
  row('indexSelect int32', (r) => {
    const s = r.shape(2, { nonEmpty: [0] });
    return { inputs: [smallInts(r, s), ints(r, [4], 0, s[0])], call: ([x, i]) => T.indexSelect(x, 0, i) };
  }),
  row('embedding', (r) => {
    const num = r.int(1, 6);
    return { inputs: [ints(r, r.shape(r.rank(0, 3)), 0, num), floats(r, [num, r.int(1, 5)])], call: ([i, w]) => T.embedding(i, w) };
  }),

  // linear algebra
  row(
    'matmul 2-D',
    (r) => {
      const [m, k, n] = r.mode === 'large' ? [r.int(40, 150), r.int(20, 150), r.int(40, 150)] : r.shape(3);
      return { inputs: [floats(r, [m, k]), floats(r, [k, n])], call: ([a, b]) => T.matmul(a, b) };
    },
    { tol: LINALG_TOL },
  ),
  row(
    'matmul batched, broadcast',
    (r) => {
      const [m, k, n] = r.shape(3);
      const batch = r.mode === 'large' ? [r.int(2, 4), r.int(1, 3)] : r.shape(r.int(1, 3));
      const [ba, bb] = r.chance(0.5) ? [batch, r.broadcastOf(batch)] : [r.broadcastOf(batch), batch];
      return { inputs: [floats(r, [...ba, m, k]), floats(r, [...bb, k, n])], call: ([a, b]) => T.matmul(a, b) };
    },
    { tol: LINALG_TOL },
  ),
  row(
    'matmul with 1-D operands',
    (r) => {
      const [m, k, n] = r.mode === 'large' ? [r.int(40, 150), r.int(20, 150), r.int(40, 150)] : r.shape(3);
      const b = r.mode === 'large' ? [3] : r.shape(1);
      const inputs = [
        floats(r, [k]),
        floats(r, [k, n]),
        floats(r, [m, k]),
        floats(r, [k]),
        floats(r, [...b, k, n]),
        floats(r, [...b, m, k]),
      ];
      return {
        inputs,
        call: ([v, bm, am, w, bb, ab]) => [
          T.matmul(v, bm),
          T.matmul(am, w),
          T.matmul(v, w),
          T.matmul(v, bb),
          T.matmul(ab, w),
          T.dot(v, w),
          T.outer(v, w),
        ],
      };
    },
    { tol: LINALG_TOL },
  ),

  // convolution and pooling
  conv2dCase('conv2d'),
  conv2dCase("conv2d padding 'same'", 'same'),
  row(
    'conv1d',
    (r) => {
      const groups = r.pick([1, 2]);
      const [c, o, k, stride, dilation, padding] = [
        groups * r.size(1, 3, 2, 6),
        groups * r.size(1, 3, 2, 6),
        r.int(1, 4),
        r.int(1, 3),
        r.int(1, 3),
        r.int(0, 2),
      ];
      const x = floats(r, [r.mode === 'empty' ? 0 : r.size(1, 3, 2, 4), c, extent(r, k, dilation, padding) + r.size(0, 1, 20, 90)]);
      return {
        inputs: [x, floats(r, [o, c / groups, k]), floats(r, [o])],
        call: ([xt, w, b]) => T.conv1d(xt, w, b, { stride, padding, dilation, groups }),
      };
    },
    { tol: LINALG_TOL },
  ),
  pool2dCase('maxPool2d', false),
  pool2dCase('avgPool2d', true),
  row('maxPool1d, avgPool1d', (r) => {
    const k = r.int(1, 4);
    const opts = { stride: r.int(1, 4), padding: r.int(0, Math.floor(k / 2) + 1) };
    return {
      inputs: [distinct(r, [r.size(1, 3, 2, 4), r.size(1, 3, 2, 6), extent(r, k) + r.size(2, 3, 20, 90)])],
      call: ([x]) => [T.maxPool1d(x, k, opts), T.avgPool1d(x, k, opts)],
    };
  }),

  // nn functions
  row('softmax, logSoftmax', (r) => {
    const rank = r.int(1, 5);
    const dim = r.int(-rank, rank);
    return { inputs: [floats(r, r.shape(rank), -5, 5)], call: ([x]) => [T.softmax(x, dim), T.logSoftmax(x, dim)] };
  }),
  unary('dropout', (x) => {
    manualSeed(5);
    return [T.dropout(x, 0.3), T.dropout(x, 0.3, false), T.dropout(x, 1), x.dropout(0)];
  }),
  crossEntropyCase('crossEntropy', 'index'),
  crossEntropyCase('crossEntropy probability targets', 'probs'),
  crossEntropyCase('crossEntropy (N, C, d)', 'spatial'),

  // in place (no graph); destinations may be strided but not expanded (stride 0 is read-only)
  row(
    'copy_',
    (r) => {
      const s = r.shape(r.rank(0, 4));
      return {
        inputs: [noGradData(floats(r, s)), floats(r, r.broadcastOf(s)), noGradData(smallInts(r, s))],
        call: ([a, b, c]) => [a.copy_(b), c.copy_(b)],
      };
    },
    { layouts: NO_EXPAND },
  ),
  row(
    'in place under noGrad',
    (r) => {
      const s = r.shape(r.rank(0, 4));
      return { inputs: [floats(r, s), floats(r, s)], call: ([a, b]) => [noGrad(() => a.mul_(2).add_(b)), b] };
    },
    { layouts: NO_EXPAND },
  ),
  row(
    'add_, sub_, mul_, fill_, zero_',
    (r) => {
      const s = r.shape(r.rank(0, 4));
      const inputs = [noGradData(floats(r, s)), floats(r, r.broadcastOf(s)), noGradData(floats(r, s)), noGradData(floats(r, s))];
      return { inputs, call: ([a, b, c, d]) => [a.add_(b, 0.5).sub_(b).mul_(b), c.fill_(3), d.zero_()] };
    },
    { layouts: NO_EXPAND },
  ),
];

// ---- the runner ---------------------------------------------------------------------------

interface Result {
  outs: Snapshot[];
  grads: (Snapshot | null)[];
}

/**
 * Builds the inputs in `layouts` on the default device, runs the op and backward with a seeded
 * upstream gradient, and reads the results back through the device (data()).
 */
async function run(made: Made, inputs: Data[], layouts: Layout[], upLayout: Layout, seed: number): Promise<Result> {
  const xs = inputs.map((d, i) => makeTensor(d, layouts[i], d.dtype === 'float32' && d.grad !== false));
  const out = made.call(xs);
  const outs = Array.isArray(out) ? out : [out];
  const result: Result = { outs: [], grads: [] };
  for (const o of outs) result.outs.push(await snapshotAsync(o));
  const r = new Rng(seed);
  const ups = outs.map((o) => makeTensor(floats(r, [...o.shape], -1, 1), upLayout));
  const live = outs.map((o, i) => [o, ups[i]] as const).filter(([o]) => o.requiresGrad && o.dtype === 'float32');
  if (live.length === 1) live[0][0].backward(live[0][1]);
  else if (live.length > 1)
    live
      .map(([o, u]) => o.mul(u).sum())
      .reduce((a, b) => a.add(b))
      .backward();
  for (const x of xs) result.grads.push(x.requiresGrad && x.grad !== null ? await snapshotAsync(x.grad) : null);
  return result;
}

function describeInputs(inputs: Data[]): string {
  return inputs.map((d) => `${d.dtype}[${d.shape.join(', ')}]`).join(', ');
}

/**
 * Cases that draw random numbers: a device with its own generator (a GPU: 'deterministic per
 * device, not the CPU's stream') is compared on shapes and dtypes only; its kernel tests check the
 * distributions.
 */
const RANDOM_CASES = new Set(['rand randn randint', '*Like', 'dropout']);
/** Devices whose random stream is not the CPU's. */
const OWN_STREAM = new Set(['webgpu']);

/**
 * The tolerance for a GPU against the CPU: the case's, with the absolute part scaled by
 * sqrt(K/256) for sums over K terms (GPU reductions add in another order); K is bounded by the
 * largest input or output, so a short reduction keeps the plain tolerance.
 */
function deviceTol(tol: Tolerance, device: string, got: Result, inputs: Data[]): Tolerance {
  if (device !== 'webgpu') return tol;
  const k = Math.max(1, ...inputs.map((d) => d.values.length), ...got.outs.map((o) => o.values.length));
  return { ...tol, atol: (tol.atol ?? 1e-6) * Math.sqrt(Math.max(1, k / 256)) };
}

function compare(got: Result, want: Result, label: string, tol: Tolerance, valuesToo = true): void {
  if (got.outs.length !== want.outs.length) throw new Error(`${label}: ${got.outs.length} outputs, expected ${want.outs.length}`);
  got.outs.forEach((o, i) => {
    if (valuesToo) assertClose(o, want.outs[i], `${label}: output ${i}`, tol);
    else
      assertClose(
        { ...o, values: new Float64Array(o.values.length) },
        { ...want.outs[i], values: new Float64Array(want.outs[i].values.length) },
        `${label}: output ${i}`,
      );
  });
  got.grads.forEach((g, i) => {
    const w = want.grads[i];
    if ((g === null) !== (w === null))
      throw new Error(`${label}: gradient of input ${i} is ${g === null ? 'missing' : 'present'}, expected ${w === null ? 'none' : 'one'}`);
    if (g !== null && w !== null && valuesToo) assertClose(g, w, `${label}: gradient of input ${i}`, tol);
  });
}

async function checkCase(c: OpCase, backendName: string): Promise<number> {
  const tol = c.tol ?? { rtol: 1e-4, atol: 1e-5 };
  let runs = 0;
  for (const [trial, mode] of TRIALS.entries()) {
    for (const layout of c.layouts ?? ALL_LAYOUTS) {
      const seed = (hashString(c.name) + 7919 * trial) >>> 0;
      const r = new Rng(seed);
      r.mode = mode;
      const made = c.make(r);
      const layouts = made.inputs.map((): Layout => (layout === 'mixed' ? r.pick(LAYOUTS) : layout));
      const inputs = made.inputs.map((d, i) => (layouts[i] === 'expanded' ? expandable(d, r) : d));
      const upLayout: Layout = layout === 'transposed' || layout === 'strided' ? layout : 'contiguous';
      const label = `${c.name} on '${backendName}' (${mode} shapes, ${layout} layout [${layouts.join(', ')}]; inputs ${describeInputs(inputs)})`;
      const want = await withDevice('reference', () =>
        run(
          made,
          inputs,
          inputs.map(() => 'contiguous'),
          'contiguous',
          seed,
        ),
      );
      let got: Result;
      try {
        got = await withDevice(backendName, () => run(made, inputs, layouts, upLayout, seed));
      } catch (e) {
        throw new Error(`${label}: threw ${(e as Error).stack}`);
      }
      const ownStream = RANDOM_CASES.has(c.name) && OWN_STREAM.has(backendName);
      compare(got, want, label, deviceTol(tol, backendName, got, inputs), !ownStream);
      runs++;
    }
  }
  return runs;
}

for (const backendName of DEVICES) {
  describe(`conformance on '${backendName}'`, () => {
    for (const c of CASES)
      test(c.name, async (t) => {
        if (await deviceReady(backendName, t)) await checkCase(c, backendName);
      });
  });
}

export const CASE_COUNT = CASES.length;
