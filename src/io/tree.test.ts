// Nested state with tensors: split into JSON + named tensors and joined back, including the values
// JSON cannot hold (NaN, infinities, Maps) and objects that look like markers.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Generator, tensor, zeros } from '../index.js';
import { flattenTree, unflattenTree } from './index.js';
import { assertJson } from './tree.js';

test('round-trips tensors, NaN and infinities, Maps, arrays and marker-like objects through JSON', () => {
  const g = new Generator(3);
  const m = zeros([2, 2]);
  const state = {
    state: { 0: { step: 3, expAvg: tensor([1, 2]), expAvgSq: tensor([3, 4]) }, 1: { step: 3, expAvg: m, expAvgSq: m } },
    paramGroups: [{ lr: 0.001, betas: [0.9, 0.999], eps: 1e-8, amsgrad: false, name: null }],
    rng: g.getState(), // ends in NaN (no spare normal)
    bounds: [Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY],
    byName: new Map<string, unknown>([
      ['a', tensor([5], { dtype: 'int32' })],
      ['b', 1],
    ]),
    tricky: { $tensor: 'not a reference' },
    skipped: undefined,
  };
  const { json, tensors } = flattenTree(state, 'optimizer');
  assert.deepEqual(
    [...tensors.keys()],
    [
      'optimizer.state.0.expAvg',
      'optimizer.state.0.expAvgSq',
      'optimizer.state.1.expAvg',
      'optimizer.state.1.expAvgSq',
      'optimizer.byName.a',
    ],
  );
  assert.equal(tensors.get('optimizer.state.1.expAvg'), m);
  const text = JSON.stringify(json);
  assert.ok(!text.includes('skipped'));
  const back = unflattenTree(JSON.parse(text), tensors, 'test') as typeof state;
  assert.deepEqual(back.paramGroups, state.paramGroups);
  assert.deepEqual(back.rng, state.rng);
  assert.ok(Number.isNaN(back.rng[4]));
  assert.deepEqual(back.bounds, state.bounds);
  assert.deepEqual(back.tricky, { $tensor: 'not a reference' });
  assert.ok(back.byName instanceof Map);
  assert.equal(back.byName.get('b'), 1);
  assert.equal(back.state[0].expAvg, tensors.get('optimizer.state.0.expAvg'));
  assert.deepEqual([...flattenTree({ a: { b: m }, 'a.b': m }, '').tensors.keys()], ['a.b', 'a.b~2']);
});

test('refuses what cannot be stored, naming its path', () => {
  assert.throws(() => flattenTree({ opt: { fn: () => 1 } }, 'ckpt'), /cannot store ckpt\.opt\.fn \(function\)/);
  assert.throws(() => flattenTree({ g: new Generator(1) }, ''), /cannot store g \(a Generator\); save its state/);
  assert.throws(() => flattenTree({ n: 10n }, ''), /cannot store n \(bigint\)/);
  const cyclic: Record<string, unknown> = {};
  cyclic.self = cyclic;
  assert.throws(() => flattenTree(cyclic, 'x'), /x\.self refers back to one of its parents/);
  assert.throws(
    () => unflattenTree({ w: { $tensor: 'w' } }, new Map(), 'ckpt.json'),
    /ckpt\.json: w refers to tensor "w", which the tensor file does not contain/,
  );
  assert.throws(() => unflattenTree({ x: { $number: 'eval' } }, new Map(), 'f'), /invalid \$number "eval"/);
  assert.throws(
    () => assertJson('saveModel', 'architecture', { layers: [{ act: Math.max }] }),
    /architecture\.layers\[0\]\.act must be plain JSON data, got function/,
  );
  assert.throws(() => assertJson('saveModel', 'architecture', { k: Number.NaN }), /architecture\.k must be a finite number/);
});
