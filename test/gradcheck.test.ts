// Finite-difference gradient checks of every differentiable op, on every device.
//
//   npx tsc -p tsconfig.json && node --test dist/test/gradcheck.test.js
//
// Storage is float32, so inputs are chosen well-conditioned and away from kinks by construction
// (relu/abs away from 0, max/min/maxPool/minimum without ties, clamp away from its bounds).
// Ops linear in each input element (movement, indexing, matmul, conv, avg pooling, mul, prod)
// are checked with eps = 1: a central difference is exact for them, so only rounding remains.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { attach } from '../src/core/autograd.js';
import * as T from '../src/index.js';
import { manualSeed, type Tensor } from '../src/index.js';
import {
  asyncOnly,
  awayFromZero,
  type Data,
  DEVICES,
  data,
  deviceReady,
  distinct,
  floats,
  type GradcheckOptions,
  gradcheck,
  gradcheckAsync,
  hashString,
  ints,
  makeTensor,
  Rng,
} from './helpers.js';

interface GradCase {
  name: string;
  /** Builds the inputs (float ones require grad unless `grad: false`) and the function to check. */
  make: (r: Rng) => { inputs: Data[]; fn: (...xs: Tensor[]) => Tensor | Tensor[] };
  opts?: GradcheckOptions;
}

const LINEAR: GradcheckOptions = { eps: 1, atol: 2e-5, rtol: 2e-5 };
const fixed = (d: Data): Data => ({ ...d, grad: false });
const g = (name: string, make: GradCase['make'], opts?: GradcheckOptions): GradCase => ({ name, make, opts });

/** One input of shape [3, 4] drawn by `gen`, passed to `fn`. */
function unary(
  name: string,
  fn: (x: Tensor) => Tensor | Tensor[],
  gen: (r: Rng, s: number[]) => Data = floats,
  opts?: GradcheckOptions,
): GradCase {
  return g(name, (r) => ({ inputs: [gen(r, [3, 4])], fn }), opts);
}

/** Values in [lo, hi). */
const range = (lo: number, hi: number) => (r: Rng, s: number[]) => floats(r, s, lo, hi);
/** Values at a distance in [0.2, 0.4] above an integer: floor/ceil/round are flat around them. */
const offInteger = (r: Rng, s: number[]) => {
  const d = floats(r, s, -3, 3);
  return { ...d, values: d.values.map((v) => Math.floor(v) + 0.2 + 0.2 * r.next()) };
};
/** Two tensors drawn from one distinct pool: |a - b| >= 0.1 everywhere. */
function separated(r: Rng, sa: number[], sb: number[]): [Data, Data] {
  const na = sa.reduce((x, y) => x * y, 1);
  const pool = distinct(r, [na + sb.reduce((x, y) => x * y, 1)]).values;
  return [data(sa, pool.slice(0, na)), data(sb, pool.slice(na))];
}

const CASES: GradCase[] = [
  // elementwise, one input
  unary('neg', T.neg, floats, LINEAR),
  unary('exp', T.exp, range(-1.5, 1.5)),
  unary('log', T.log, range(0.5, 2)),
  unary('log1p', T.log1p, range(-0.4, 1.5)),
  unary('expm1', T.expm1, range(-1.5, 1.5)),
  unary('sqrt', T.sqrt, range(0.5, 2)),
  unary('rsqrt', T.rsqrt, range(0.5, 2)),
  unary('abs', T.abs, (r, s) => awayFromZero(r, s, 0.1)),
  unary('sin', T.sin),
  unary('cos', T.cos),
  unary('tanh', T.tanh),
  unary('sigmoid', T.sigmoid, range(-3, 3)),
  unary('relu', T.relu, distinct),
  unary('leakyRelu', (x) => T.leakyRelu(x, 0.2), distinct),
  unary('elu', (x) => T.elu(x, 1.5), distinct),
  unary('gelu', T.gelu, range(-3, 3)),
  unary('silu', T.silu, range(-3, 3)),
  unary('softplus', T.softplus, range(-3, 3)),
  unary('softplus above its linear threshold', T.softplus, range(20.5, 24)),
  unary('hardswish below -3 (flat)', T.hardswish, range(-6, -3.2)),
  unary('hardswish on (-3, 3)', T.hardswish, range(-2.8, 2.8)),
  unary('hardswish above 3 (identity)', T.hardswish, range(3.2, 6)),
  unary('mish', T.mish, range(-4, 4)),
  unary('mish, negative tail', T.mish, range(-12, -5)),
  unary('mish, positive side', T.mish, range(4, 25)),
  unary('reciprocal', T.reciprocal, (r, s) => awayFromZero(r, s, 0.5)),
  unary('square', T.square),
  unary('floor, ceil, round, sign (zero gradient)', (x) => [T.floor(x), T.ceil(x), T.round(x), T.sign(x)], offInteger),
  unary('clone, contiguous of a transpose', (x) => [T.clone(x), T.contiguous(x.T)], floats, LINEAR),
  unary(
    'dropout (fixed seed)',
    (x) => {
      manualSeed(9);
      return T.dropout(x, 0.4);
    },
    floats,
    { ...LINEAR, randomStream: true },
  ),

  // elementwise, two inputs (broadcast)
  g('add, sub (broadcast)', (r) => ({ inputs: [floats(r, [3, 4]), floats(r, [4])], fn: (a, b) => [T.add(a, b), T.sub(b, a)] }), LINEAR),
  g('mul (broadcast both ways)', (r) => ({ inputs: [floats(r, [3, 1]), floats(r, [2, 1, 4])], fn: T.mul }), LINEAR),
  g('div', (r) => ({ inputs: [floats(r, [3, 4]), awayFromZero(r, [3, 1], 0.5)], fn: T.div })),
  g('pow, both operands', (r) => ({ inputs: [floats(r, [3, 4], 0.5, 2), floats(r, [4], -1.5, 1.5)], fn: T.pow })),
  unary('pow, scalar exponent', (x) => [T.pow(x, 3), T.pow(x, 0.5), T.pow(x, -1.5)], range(0.5, 2)),
  unary('pow, scalar base', (x) => T.pow(2.5, x)),
  g('minimum, maximum', (r) => {
    const [a, b] = separated(r, [3, 4], [4]);
    return { inputs: [a, b], fn: (x, y) => [T.minimum(x, y), T.maximum(y, x)] };
  }),
  g('minimum, maximum with a scalar', (r) => ({ inputs: [distinct(r, [3, 4])], fn: (x) => [T.minimum(x, 0.05), T.maximum(-0.05, x)] })),
  g(
    'where',
    (r) => ({
      inputs: [floats(r, [3, 4]), floats(r, [3, 1]), { ...floats(r, [4]), dtype: 'bool', values: [1, 0, 0, 1] }],
      fn: (a, b, c) => T.where(c, a, b),
    }),
    LINEAR,
  ),
  g('maskedFill', (r) => ({ inputs: [floats(r, [3, 4]), data([3, 1], [1, 0, 1], 'bool')], fn: (x, m) => T.maskedFill(x, m, 2) }), LINEAR),
  unary('clamp (inputs away from the bounds)', (x) => [T.clamp(x, -0.2, 0.3), T.clamp(x, -0.2), T.clamp(x, null, 0.3)], distinct),

  // reductions
  g('sum', (r) => ({ inputs: [floats(r, [2, 3, 4])], fn: (x) => [T.sum(x), T.sum(x, [0, 2]), T.sum(x, -1, true)] }), LINEAR),
  g('mean', (r) => ({ inputs: [floats(r, [2, 3, 4])], fn: (x) => [T.mean(x), T.mean(x, [0, 2], true), T.mean(x, 1)] }), LINEAR),
  g('max, min (no ties)', (r) => ({
    inputs: [distinct(r, [2, 3, 4])],
    fn: (x) => [T.max(x), T.max(x, [0, 2]), T.min(x, 1, true), T.min(x)],
  })),
  g('prod', (r) => ({ inputs: [awayFromZero(r, [2, 3, 4], 0.5, 1.5)], fn: (x) => [T.prod(x, 1), T.prod(x, [0, 2], true)] }), LINEAR),
  g(
    'prod with one and with two zeros',
    () => ({
      inputs: [data([2, 4], [0.5, 0, 1.5, -1.2, 0, 0.7, 0, 1.1])],
      fn: (x) => [T.prod(x, 1), T.prod(x, 0), T.prod(x)],
    }),
    LINEAR,
  ),
  g('var', (r) => ({
    inputs: [floats(r, [2, 3, 4])],
    fn: (x) => [T.variance(x), T.variance(x, [0, 2], { correction: 0 }), T.variance(x, 1, { keepDim: true })],
  })),
  g('std', (r) => ({ inputs: [floats(r, [2, 3, 4])], fn: (x) => [T.std(x), T.std(x, -1, { correction: 0, keepDim: true })] })),
  g('logSumExp', (r) => ({
    inputs: [floats(r, [2, 3, 4], -3, 3)],
    fn: (x) => [T.logSumExp(x), T.logSumExp(x, [0, 2]), T.logSumExp(x, 1, true)],
  })),

  // movement
  unary('reshape, view, flatten', (x) => [T.reshape(x, [2, -1]), T.view(x, [4, 3]), T.flatten(x.T), T.reshape(x.T, [12])], floats, LINEAR),
  g(
    'squeeze, unsqueeze',
    (r) => ({ inputs: [floats(r, [3, 1, 4])], fn: (x) => [T.squeeze(x), T.squeeze(x, 1), T.unsqueeze(x, 0), T.unsqueeze(x, -1)] }),
    LINEAR,
  ),
  g(
    'transpose, permute',
    (r) => ({ inputs: [floats(r, [2, 3, 4])], fn: (x) => [T.transpose(x, 0, 2), T.permute(x, [1, 2, 0]), x.T] }),
    LINEAR,
  ),
  g('expand', (r) => ({ inputs: [floats(r, [3, 1])], fn: (x) => [T.expand(x, [2, 3, 4]), T.expand(x, [-1, 2])] }), LINEAR),
  g(
    'slice (steps, negative bounds), narrow, select',
    (r) => ({
      inputs: [floats(r, [4, 5])],
      fn: (x) => [
        T.slice(x, [null, null, 2], [-4, -1]),
        T.slice(x, 1),
        T.slice(x, [1, 4], [0, 5, 3]),
        T.narrow(x, 1, 1, 3),
        T.select(x, 0, -1),
      ],
    }),
    LINEAR,
  ),
  g(
    'concat, stack',
    (r) => ({
      inputs: [floats(r, [2, 3]), floats(r, [2, 1]), floats(r, [2, 3])],
      fn: (a, b, c) => [T.concat([a, b, c], 1), T.concat([a, c], 0), T.stack([a, c, a], 1)],
    }),
    LINEAR,
  ),
  unary('split, chunk', (x) => [...T.split(x, 3, 1), ...T.split(x, [1, 2], 0), ...T.chunk(x, 2, 1)], floats, LINEAR),
  g(
    'pad (with crop)',
    (r) => ({ inputs: [floats(r, [2, 3, 4])], fn: (x) => [T.pad(x, [1, 2]), T.pad(x, [-1, 1, 2, -1], 0.5), T.pad(x, [0, 0, 0, 0, 1, 1])] }),
    LINEAR,
  ),

  // indexing (repeated indices accumulate)
  g(
    'gather',
    (r) => ({
      inputs: [floats(r, [3, 4]), data([2, 4], [0, 2, 2, 1, 0, 0, 1, 2], 'int32'), data([3, 2], [3, 3, 0, 1, 2, 0], 'int32')],
      fn: (x, i0, i1) => [T.gather(x, 0, i0), T.gather(x, 1, i1)],
    }),
    LINEAR,
  ),
  g(
    'indexSelect',
    (r) => ({
      inputs: [floats(r, [3, 4]), data([5], [2, 0, 2, 1, 3], 'int32')],
      fn: (x, i) => [T.indexSelect(x, 0, T.slice(i, [0, 3])), T.indexSelect(x, 1, i)],
    }),
    LINEAR,
  ),
  g('embedding', (r) => ({ inputs: [ints(r, [2, 3], 0, 4), floats(r, [4, 3])], fn: T.embedding }), LINEAR),

  // linear algebra
  g('matmul 2-D', (r) => ({ inputs: [floats(r, [3, 4]), floats(r, [4, 2])], fn: T.matmul }), LINEAR),
  g('matmul batched with broadcast', (r) => ({ inputs: [floats(r, [2, 1, 3, 4]), floats(r, [3, 4, 2])], fn: T.matmul }), LINEAR),
  g(
    'matmul with transposed operands',
    (r) => ({ inputs: [floats(r, [4, 3]), floats(r, [2, 4])], fn: (a, b) => T.matmul(a.T, b.T) }),
    LINEAR,
  ),
  g(
    'matmul 1-D: vector-matrix, matrix-vector, dot, outer',
    (r) => ({
      inputs: [floats(r, [4]), floats(r, [4, 3]), floats(r, [2, 3, 4]), floats(r, [4])],
      fn: (v, m, b, w) => [T.matmul(v, m), T.matmul(b, v), T.matmul(v, w), T.dot(v, w), T.outer(v, w), T.matmul(v, b.transpose(-1, -2))],
    }),
    LINEAR,
  ),

  // convolution and pooling
  g(
    'conv2d (stride, padding, dilation, groups, bias)',
    (r) => ({
      inputs: [floats(r, [2, 4, 6, 5]), floats(r, [6, 2, 3, 2]), floats(r, [6])],
      fn: (x, w, b) => T.conv2d(x, w, b, { stride: [2, 1], padding: [1, 2], dilation: [1, 2], groups: 2 }),
    }),
    LINEAR,
  ),
  g(
    "conv2d padding 'same', no bias",
    (r) => ({ inputs: [floats(r, [1, 2, 4, 4]), floats(r, [3, 2, 3, 3])], fn: (x, w) => T.conv2d(x, w, null, { padding: 'same' }) }),
    LINEAR,
  ),
  g(
    'conv1d',
    (r) => ({
      inputs: [floats(r, [2, 2, 7]), floats(r, [4, 1, 3]), floats(r, [4])],
      fn: (x, w, b) => T.conv1d(x, w, b, { stride: 2, padding: 1, dilation: 2, groups: 2 }),
    }),
    LINEAR,
  ),
  g('maxPool2d (padding, ceilMode; no ties)', (r) => ({
    inputs: [distinct(r, [2, 2, 5, 6])],
    fn: (x) => [T.maxPool2d(x, 2), T.maxPool2d(x, [3, 2], { stride: [2, 1], padding: [1, 1], ceilMode: true })],
  })),
  g(
    'avgPool2d (padding counted or not, ceilMode)',
    (r) => ({
      inputs: [floats(r, [2, 2, 5, 6])],
      fn: (x) => [
        T.avgPool2d(x, 2),
        T.avgPool2d(x, 3, { stride: 2, padding: 1, ceilMode: true }),
        T.avgPool2d(x, [3, 2], { stride: 2, padding: 1, countIncludePad: false }),
      ],
    }),
    LINEAR,
  ),
  g('maxPool1d, avgPool1d', (r) => ({
    inputs: [distinct(r, [2, 3, 7])],
    fn: (x) => [T.maxPool1d(x, 3, { stride: 2, padding: 1 }), T.avgPool1d(x, 2)],
  })),

  // nn functions
  g('softmax, logSoftmax', (r) => ({
    inputs: [floats(r, [2, 3, 4], -2, 2)],
    fn: (x) => [T.softmax(x, -1), T.softmax(x, 0), T.logSoftmax(x, 1), T.logSoftmax(x, -1)],
  })),
  g('crossEntropy, class indices', (r) => ({
    inputs: [floats(r, [4, 5], -2, 2), data([4], [1, 0, 4, 1], 'int32')],
    fn: (x, t) => [T.crossEntropy(x, t), T.crossEntropy(x, t, { reduction: 'sum' }), T.crossEntropy(x, t, { reduction: 'none' })],
  })),
  g('crossEntropy with weight, labelSmoothing, ignoreIndex', (r) => ({
    inputs: [floats(r, [5, 4], -2, 2), data([5], [1, 3, -100, 0, 3], 'int32'), fixed(floats(r, [4], 0.3, 2))],
    fn: (x, t, w) => [
      T.crossEntropy(x, t, { weight: w }),
      T.crossEntropy(x, t, { labelSmoothing: 0.2 }),
      T.crossEntropy(x, t, { weight: w, labelSmoothing: 0.1, reduction: 'none' }),
      T.crossEntropy(x, T.where(T.eq(t, -100), 2, t), { ignoreIndex: 2, weight: w, labelSmoothing: 0.3 }),
    ],
  })),
  g('crossEntropy with probability targets', (r) => {
    const p = floats(r, [3, 4], 0.1, 1).values;
    const q = p.map((v, i) => v / p.slice(i - (i % 4), i - (i % 4) + 4).reduce((a, b) => a + b, 0));
    return {
      inputs: [floats(r, [3, 4], -2, 2), fixed(data([3, 4], q)), fixed(floats(r, [4], 0.3, 2))],
      fn: (x, t, w) => [T.crossEntropy(x, t), T.crossEntropy(x, t, { weight: w, labelSmoothing: 0.2, reduction: 'sum' })],
    };
  }),
  g('crossEntropy (N, C, d1, d2)', (r) => ({
    inputs: [floats(r, [2, 3, 2, 2], -2, 2), ints(r, [2, 2, 2], 0, 3)],
    fn: (x, t) => [T.crossEntropy(x, t), T.crossEntropy(x, t, { reduction: 'none', labelSmoothing: 0.1 })],
  })),

  // a composition: a two-layer network under a cross-entropy loss
  g('mlp: tanh(x W1 + b1) W2 -> crossEntropy', (r) => ({
    inputs: [
      floats(r, [4, 3]),
      floats(r, [3, 5], -1, 1),
      floats(r, [5], -0.5, 0.5),
      floats(r, [5, 3], -1, 1),
      data([4], [0, 2, 1, 2], 'int32'),
    ],
    fn: (x, w1, b1, w2, t) => T.crossEntropy(T.matmul(T.tanh(T.add(T.matmul(x, w1), b1)), w2), t),
  })),
];

for (const device of DEVICES) {
  for (const c of CASES) {
    test(`gradcheck ${c.name} (${device})`, async (t) => {
      if (!(await deviceReady(device, t))) return;
      const { inputs, fn } = c.make(new Rng(hashString(c.name)));
      const leaves = inputs.map((d) => makeTensor(d, 'contiguous', d.dtype === 'float32' && d.grad !== false));
      if (asyncOnly(device)) await gradcheckAsync(c.name, fn, leaves, { ...c.opts, device, maxPerInput: undefined });
      else gradcheck(c.name, fn, leaves, { ...c.opts, device });
    });
  }
}

test('gradcheck itself catches a wrong gradient', () => {
  // exp whose backward forgets the factor exp(x)
  const badExp = (x: Tensor) => attach(T.exp(x).detach(), 'badExp', [x], (grad) => [grad]);
  const x = makeTensor(floats(new Rng(1), [3]), 'contiguous', true);
  assert.throws(() => gradcheck('badExp', badExp, [x]), /gradcheck badExp: \d+ of 3 gradient elements differ/);
});

export const GRAD_CASE_COUNT = CASES.length;
