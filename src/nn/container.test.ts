// Sequential: construction (positional or named), access, appending, and argument checks.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { randn } from '../index.js';
import { Identity, Linear, ReLU, Sequential, Tanh } from './index.js';

test('Sequential chains its layers; at, length, iteration and add', () => {
  const seq = new Sequential(new Linear(3, 4), new ReLU());
  assert.equal(seq.length, 2);
  assert.ok(seq.at(-1) instanceof ReLU);
  seq.add(new Linear(4, 2)).add(new Tanh(), 'squash');
  assert.deepEqual(
    seq.namedChildren().map(([n]) => n),
    ['0', '1', '2', 'squash'],
  );
  assert.deepEqual(
    [...seq].map((m) => m.constructor.name),
    ['Linear', 'ReLU', 'Linear', 'Tanh'],
  );
  assert.deepEqual(seq.forward(randn([5, 3])).shape, [5, 2]);
  assert.throws(() => seq.at(4), /index 4 is out of range for 4 layers/);
});

test('an empty Sequential is the identity; named children keep their names', () => {
  const x = randn([2]);
  assert.equal(new Sequential().forward(x), x);
  const named = new Sequential({ encoder: new Linear(2, 2), head: new Identity() });
  assert.deepEqual(
    named.namedParameters().map(([n]) => n),
    ['encoder.weight', 'encoder.bias'],
  );
});

test('Sequential refuses non-modules and duplicate names', () => {
  assert.throws(() => new Sequential(new ReLU(), 3 as unknown as ReLU), /Sequential: argument 1 must be a Module, got number/);
  assert.throws(() => new Sequential(new ReLU()).add(new ReLU(), '0'), /a layer named '0' already exists/);
});
