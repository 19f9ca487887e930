// Activation layers against their formulas, Softplus' threshold, and argument checks.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { tensor } from '../index.js';
import { ELU, GELU, LeakyReLU, LogSoftmax, ReLU, Sigmoid, SiLU, Softmax, Softplus, Tanh } from './index.js';

const xs = [-3, -0.5, 0.25, 2];
const sig = (x: number) => 1 / (1 + Math.exp(-x));

test('each activation matches its formula', () => {
  const cases: [{ forward: (x: ReturnType<typeof tensor>) => ReturnType<typeof tensor> }, (x: number) => number][] = [
    [new ReLU(), (x) => Math.max(x, 0)],
    [new LeakyReLU(0.2), (x) => (x > 0 ? x : 0.2 * x)],
    [new ELU(0.5), (x) => (x > 0 ? x : 0.5 * Math.expm1(x))],
    [new GELU('tanh'), (x) => 0.5 * x * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (x + 0.044715 * x ** 3)))],
    [new SiLU(), (x) => x * sig(x)],
    [new Sigmoid(), sig],
    [new Tanh(), Math.tanh],
    [new Softplus(2, 3), (x) => (2 * x > 3 ? x : Math.log1p(Math.exp(2 * x)) / 2)],
  ];
  for (const [layer, f] of cases) {
    const got = layer.forward(tensor(xs)).toArray() as number[];
    got.forEach((v, i) => {
      assert.ok(Math.abs(v - f(xs[i])) < 1e-6, `${layer.constructor.name}(${xs[i]}) = ${v}, expected ${f(xs[i])}`);
    });
  }
});

test('Softmax and LogSoftmax work along their dim', () => {
  const x = tensor([
    [1, 2],
    [3, 5],
  ]);
  const s = new Softmax(0).forward(x).toArray() as number[][];
  assert.ok(Math.abs(s[0][0] + s[1][0] - 1) < 1e-6);
  const l = new LogSoftmax().forward(x).toArray() as number[][];
  assert.ok(Math.abs(Math.exp(l[1][0]) + Math.exp(l[1][1]) - 1) < 1e-6);
});

test('activation arguments are checked', () => {
  assert.throws(() => new GELU('fast' as never), /GELU: approximate must be one of 'none', 'tanh', got "fast"/);
  assert.throws(() => new Softplus(0), /Softplus: beta must be nonzero/);
  assert.throws(() => new LeakyReLU(Number.NaN), /LeakyReLU: negativeSlope must be a finite number, got NaN/);
  assert.throws(() => new Softmax(0.5), /Softmax: dim must be an integer/);
  assert.throws(() => new ReLU().forward(null as never), /ReLU\(\): input must be a Tensor, got null/);
});
