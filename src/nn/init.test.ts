// Initialisers: bounds and moments over large tensors, orthogonality, gains, fans, seeding, and
// the PyTorch default initialisation of each layer.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Generator, manualSeed, matmul, type Tensor, transpose, zeros } from '../index.js';
import { BatchNorm2d, Conv2d, Embedding, init, LayerNorm, Linear } from './index.js';

function moments(t: Tensor): { min: number; max: number; mean: number; std: number } {
  const v = t.toTypedArray() as Float32Array;
  let [min, max, s, s2] = [Infinity, -Infinity, 0, 0];
  for (const x of v) {
    min = Math.min(min, x);
    max = Math.max(max, x);
    s += x;
    s2 += x * x;
  }
  const mean = s / v.length;
  return { min, max, mean, std: Math.sqrt(s2 / v.length - mean * mean) };
}

const near = (got: number, want: number, relTol: number, what: string) =>
  assert.ok(Math.abs(got - want) <= relTol * Math.abs(want), `${what}: ${got} is not within ${relTol * 100}% of ${want}`);

test('calculateGain follows PyTorch', () => {
  assert.equal(init.calculateGain('linear'), 1);
  assert.equal(init.calculateGain('sigmoid'), 1);
  assert.equal(init.calculateGain('tanh'), 5 / 3);
  assert.equal(init.calculateGain('relu'), Math.SQRT2);
  assert.equal(init.calculateGain('leakyRelu'), Math.sqrt(2 / (1 + 0.01 ** 2)));
  assert.equal(init.calculateGain('leakyRelu', 0.2), Math.sqrt(2 / 1.04));
  assert.equal(init.calculateGain('selu'), 0.75);
  assert.throws(() => init.calculateGain('swish' as init.Nonlinearity), /unknown nonlinearity 'swish'/);
});

test('fans: (in, out) times the receptive field', () => {
  assert.deepEqual(init.calculateFans(zeros([10, 20])), [20, 10]);
  assert.deepEqual(init.calculateFans(zeros([32, 3, 5, 5])), [75, 800]);
  assert.throws(() => init.kaimingUniform(zeros([5])), /at least 2 dims, got shape \[5\]/);
});

test('kaimingUniform: within +-gain*sqrt(3/fan), with the uniform std; fanOut mode', () => {
  manualSeed(0);
  const w = init.kaimingUniform(zeros([256, 400]), { nonlinearity: 'relu' });
  const bound = Math.SQRT2 * Math.sqrt(3 / 400);
  const m = moments(w);
  assert.ok(m.min >= -bound && m.max <= bound);
  near(m.max, bound, 0.01, 'max');
  near(m.std, bound / Math.sqrt(3), 0.01, 'std');
  assert.ok(Math.abs(m.mean) < 0.002);
  const out = moments(init.kaimingUniform(zeros([256, 400]), { mode: 'fanOut' }));
  near(out.std, Math.SQRT2 / Math.sqrt(256), 0.01, 'fanOut std');
});

test('kaimingNormal, xavierUniform and xavierNormal have the stated spread', () => {
  manualSeed(1);
  const kn = moments(init.kaimingNormal(zeros([300, 200]), { a: 0.1, nonlinearity: 'leakyRelu' }));
  near(kn.std, Math.sqrt(2 / 1.01) / Math.sqrt(200), 0.01, 'kaimingNormal std');
  const xu = moments(init.xavierUniform(zeros([300, 200]), { gain: 2 }));
  const a = 2 * Math.sqrt(6 / 500);
  assert.ok(xu.min >= -a && xu.max <= a);
  near(xu.max, a, 0.01, 'xavierUniform max');
  const xn = moments(init.xavierNormal(zeros([300, 200])));
  near(xn.std, Math.sqrt(2 / 500), 0.01, 'xavierNormal std');
  assert.ok(Math.abs(xn.mean) < 0.001);
});

test('uniform, normal, constant, zeros and ones fill in place', () => {
  const t = zeros([100, 100]);
  assert.equal(init.uniform(t, 2, 3), t);
  const u = moments(t);
  assert.ok(u.min >= 2 && u.max < 3);
  const n = moments(init.normal(t, 5, 0.5));
  near(n.mean, 5, 0.01, 'normal mean');
  near(n.std, 0.5, 0.02, 'normal std');
  assert.deepEqual(moments(init.constant(t, 1.5)), { min: 1.5, max: 1.5, mean: 1.5, std: 0 });
  assert.equal(moments(init.zeros(t)).max, 0);
  assert.equal(moments(init.ones(t)).min, 1);
  assert.throws(() => init.uniform(zeros([2], { dtype: 'int32' })), /expected a float32 tensor, got int32/);
});

test('orthogonal gives orthonormal rows or columns (times gain), also for conv weights', () => {
  const check = (q: Tensor, gain: number) => {
    const gram = q.shape[0] <= q.shape[1] ? matmul(q, transpose(q, 0, 1)) : matmul(transpose(q, 0, 1), q);
    const g = gram.toArray() as number[][];
    for (const [i, row] of g.entries()) {
      for (const [j, v] of row.entries()) assert.ok(Math.abs(v - (i === j ? gain * gain : 0)) < 1e-5, `gram[${i}][${j}] = ${v}`);
    }
  };
  manualSeed(3);
  check(init.orthogonal(zeros([40, 12])), 1);
  check(init.orthogonal(zeros([12, 40]), { gain: 2 }), 2);
  const conv = init.orthogonal(zeros([8, 3, 3, 3]));
  check(conv.reshape(8, 27), 1);
});

test('initialisers are reproducible under manualSeed and take an explicit generator', () => {
  manualSeed(7);
  const a = init.kaimingUniform(zeros([3, 4])).toArray();
  manualSeed(7);
  assert.deepEqual(init.kaimingUniform(zeros([3, 4])).toArray(), a);
  const g1 = init.normal(zeros([5]), 0, 1, { generator: new Generator(9) }).toArray();
  assert.deepEqual(init.normal(zeros([5]), 0, 1, { generator: new Generator(9) }).toArray(), g1);
});

test("layers use PyTorch's default initialisation", () => {
  manualSeed(0);
  const fc = new Linear(400, 300);
  const bound = 1 / Math.sqrt(400); // kaimingUniform(a = sqrt(5)) reduces to this
  for (const t of [fc.weight, fc.bias as Tensor]) {
    const m = moments(t);
    assert.ok(m.min >= -bound && m.max <= bound);
    near(m.max, bound, 0.02, 'Linear bound');
  }
  const conv = moments(new Conv2d(16, 64, 3).weight);
  near(conv.max, 1 / Math.sqrt(16 * 9), 0.02, 'Conv2d bound');
  const emb = new Embedding(1000, 64, { paddingIdx: 3 });
  near(moments(emb.weight).std, 1, 0.02, 'Embedding std');
  assert.deepEqual(emb.weight.select(0, 3).toArray(), new Array(64).fill(0));
  const bn = new BatchNorm2d(4);
  assert.deepEqual(
    [bn.weight?.toArray(), bn.bias?.toArray()],
    [
      [1, 1, 1, 1],
      [0, 0, 0, 0],
    ],
  );
  assert.deepEqual(new LayerNorm(2).weight?.toArray(), [1, 1]);
});
