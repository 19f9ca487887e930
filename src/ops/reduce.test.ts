// Reduction semantics pinned: keepDim shapes, Bessel's correction, ties, empty inputs, stable
// logSumExp.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  argmax,
  argmin,
  logSumExp,
  max,
  mean,
  memoryStats,
  min,
  prod,
  randn,
  std,
  sum,
  type Tensor,
  tensor,
  variance,
  zeros,
} from '../index.js';

const close = (a: number, b: number, tol = 1e-6) =>
  assert.ok(Math.abs(a - b) <= tol * Math.max(1, Math.abs(b)), `${a} is not close to ${b}`);

test('keepDim keeps reduced dims as size 1; negative and listed dims work', () => {
  const x = zeros([2, 3, 4]);
  assert.deepEqual(sum(x, 1).shape, [2, 4]);
  assert.deepEqual(sum(x, -1, true).shape, [2, 3, 1]);
  assert.deepEqual(sum(x, [0, 2]).shape, [3]);
  assert.deepEqual(mean(x, [2, 0], true).shape, [1, 3, 1]);
  assert.deepEqual(sum(x).shape, []);
  assert.deepEqual(sum(x, [], false).shape, [2, 3, 4], 'an empty dim list reduces nothing');
  assert.deepEqual(argmax(x, 1, true).shape, [2, 1, 4]);
  assert.deepEqual(argmax(x, undefined, true).shape, [1, 1, 1]);
});

test('values over non-adjacent dims', () => {
  const x = tensor([
    [
      [1, 2],
      [3, 4],
    ],
    [
      [5, 6],
      [7, 8],
    ],
  ]);
  assert.deepEqual(sum(x, [0, 2]).toArray(), [14, 22]);
  assert.deepEqual(max(x, [0, 2]).toArray(), [6, 8]);
  assert.deepEqual(prod(x, 1).toArray(), [
    [3, 8],
    [35, 48],
  ]);
});

test('var and std use Bessel correction by default', () => {
  const x = tensor([1, 2, 3, 4]);
  close(variance(x).item(), 5 / 3);
  close(variance(x, 0, { correction: 0 }).item(), 1.25);
  close(std(x).item(), Math.sqrt(5 / 3));
  assert.deepEqual(
    variance(
      tensor([
        [1, 3],
        [2, 2],
      ]),
      1,
      { keepDim: true },
    ).toArray(),
    [[2], [0]],
  );
  assert.ok(Number.isNaN(variance(tensor([1])).item()), 'one sample with correction 1 is NaN, as in PyTorch');
});

test('max/min share the gradient evenly between ties; argmax/argmin pick the first', () => {
  const x = tensor([1, 3, 3, 0, 0], { requiresGrad: true });
  max(x).backward();
  assert.deepEqual(x.grad?.toArray(), [0, 0.5, 0.5, 0, 0]);
  assert.equal(argmax(x).item(), 1);
  assert.equal(argmin(x).item(), 3);
  const y = tensor(
    [
      [2, 2],
      [1, 5],
    ],
    { requiresGrad: true },
  );
  min(y, 1).sum().backward();
  assert.deepEqual(y.grad?.toArray(), [
    [0.5, 0.5],
    [1, 0],
  ]);
});

test('prod gradient is exact with zeros', () => {
  const x = tensor([2, 0, 3], { requiresGrad: true });
  prod(x).backward();
  assert.deepEqual(x.grad?.toArray(), [0, 6, 0]);
  const z = tensor([0, 0, 3], { requiresGrad: true });
  prod(z).backward();
  assert.deepEqual(z.grad?.toArray(), [0, 0, 0]);
});

test('empty inputs: sum 0, prod 1, mean NaN; max over an empty dim throws', () => {
  assert.equal(sum(zeros([0])).item(), 0);
  assert.equal(prod(zeros([2, 0]), 1).shape[0], 2);
  assert.deepEqual(prod(zeros([2, 0]), 1).toArray(), [1, 1]);
  assert.ok(Number.isNaN(mean(zeros([0])).item()));
  assert.deepEqual(max(zeros([0, 3]), 1).shape, [0], 'reducing a non-empty dim of an empty tensor is fine');
  assert.deepEqual(argmax(zeros([0, 3]), 1).shape, [0]);
  assert.throws(() => max(zeros([3, 0]), 1), /max: cannot reduce over an empty dimension/);
});

test('logSumExp is stable and handles infinities', () => {
  close(logSumExp(tensor([1000, 1000])).item(), 1000 + Math.log(2));
  close(logSumExp(tensor([-1000, -1000])).item(), -1000 + Math.log(2));
  assert.equal(logSumExp(tensor([Number.NEGATIVE_INFINITY, Number.NEGATIVE_INFINITY])).item(), Number.NEGATIVE_INFINITY);
  assert.equal(logSumExp(tensor([Number.POSITIVE_INFINITY, 1])).item(), Number.POSITIVE_INFINITY);
  assert.deepEqual(logSumExp(zeros([2, 3]), 1, true).shape, [2, 1]);
});

test('sum of a broadcast view counts repeated elements', () => {
  assert.equal(sum(tensor([[1, 2]]).expand([3, 2])).item(), 9);
});

test('composite reductions (var, std, logSumExp) leave only their result behind, with or without a graph', () => {
  const x = randn([64, 256]); // 64 KiB: a full-size temporary left behind shows
  for (const f of [(t: Tensor) => variance(t, 1), (t: Tensor) => std(t, 1), (t: Tensor) => logSumExp(t, 1)]) {
    const before = memoryStats().residentBytes;
    const y = f(x); // no graph: the centred copy, its square, exp(...) are released at once
    assert.ok(memoryStats().residentBytes - before <= 1024, `${memoryStats().residentBytes - before} bytes left`);
    assert.equal(y.shape[0], 64);
    const leaf = x.clone().requiresGrad_();
    const start = memoryStats().residentBytes;
    f(leaf).sum().backward(); // with a graph: released when backward frees it
    const left = memoryStats().residentBytes - start;
    assert.ok(left <= 65536 + 1024, `${left} bytes left (the gradient is 65536)`);
  }
});

test('std has gradient 0 where the spread is zero, like PyTorch (was NaN)', () => {
  for (const options of [undefined, { correction: 0 }, { unbiased: false }]) {
    const x = tensor(
      [
        [2, 2, 2],
        [1, 2, 4],
      ],
      { requiresGrad: true },
    );
    std(x, 1, options).sum().backward();
    const g = x.grad?.toArray() as number[][];
    assert.deepEqual(g[0], [0, 0, 0], `zero spread, options ${JSON.stringify(options)}`);
    // the other row: (x - mean) / ((n - c) std), as torch.autograd gives
    const c = options === undefined ? 1 : 0;
    const m = 7 / 3;
    const s = Math.sqrt(((1 - m) ** 2 + (2 - m) ** 2 + (4 - m) ** 2) / (3 - c));
    for (const [i, v] of [1, 2, 4].entries()) close(g[1][i], (v - m) / ((3 - c) * s), 1e-5);
  }
  const z = zeros([4], { requiresGrad: true });
  std(z).backward();
  assert.deepEqual(z.grad?.toArray(), [0, 0, 0, 0]);
});

test('var and std read { unbiased: false } as PyTorch does, and refuse conflicting or unknown options', () => {
  const x = tensor([1, 2, 3, 4]);
  close(variance(x, 0, { unbiased: false }).item(), 1.25); // was 1.6666666 (the option was ignored)
  close(variance(x, 0, { unbiased: true }).item(), 5 / 3);
  close(std(x, 0, { unbiased: false }).item(), Math.sqrt(1.25));
  close(x.var(0, { correction: 0 }).item(), 1.25);
  close(variance(x, 0, { unbiased: false, correction: 0 }).item(), 1.25);
  assert.deepEqual(variance(tensor([[1, 3]]), 1, { unbiased: false, keepDim: true }).shape, [1, 1]);
  assert.throws(
    () => variance(x, 0, { unbiased: false, correction: 1 }),
    /^RangeError: var: unbiased: false \(correction 0\) conflicts with correction: 1; give one of them$/,
  );
  assert.throws(
    () => std(x, 0, { unbaised: false } as never),
    /^TypeError: std: unknown option 'unbaised' \(known: correction, unbiased, keepDim\)$/,
  );
  assert.throws(() => std(x, 0, { unbiased: 0 } as never), /^TypeError: std: unbiased must be a boolean, got number$/);
  assert.throws(() => variance(x, 0, { correction: -1 }), /^RangeError: var: correction must be a non-negative number, got -1$/);
  assert.throws(() => variance(x, 0, true as never), /^TypeError: var: options must be an object/);
});

test('var and std of equal values are exactly 0 even where the float32 mean rounds, with gradient 0 (found by the composition suite)', () => {
  // float32 values whose mean of 3 (or 5) rounds off: fround(fround(3 v) / 3) !== v
  for (const v of [3.6795248985290527, 0.11744357645511627, -1.944807529449463]) {
    const x = tensor([v, v, v], { requiresGrad: true });
    const s = std(x);
    assert.equal(s.item(), 0, `std of three ${v}`);
    s.backward();
    assert.deepEqual(x.grad?.toArray(), [0, 0, 0], `gradient at ${v}`);
    assert.equal(variance(tensor([[v], [v], [v], [v], [v]]), 0).item(), 0);
  }
  // equal values along an expanded dim (a view with stride 0), as in the case the suite found
  const w = tensor([[3.6795248985290527], [-3.3788671493530273]], { requiresGrad: true });
  std(w.expand([2, 3]), 1, { correction: 1 })
    .sum()
    .backward();
  assert.deepEqual(w.grad?.toArray(), [[0], [0]]);
});
