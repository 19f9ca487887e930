// Reproducible randomness: manualSeed, getRngState/setRngState, independent Generators.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { dropout, Generator, getRngState, manualSeed, ones, rand, randint, randn, setRngState } from '../index.js';

const draw = () => [rand([5]), randn([3]), randint(0, 100, [4])].map((t) => Array.from(t.toTypedArray()));

test('manualSeed makes rand, randn, randint and dropout reproducible', () => {
  manualSeed(42);
  const a = draw();
  const da = dropout(ones([20]), 0.5).toArray();
  manualSeed(42);
  assert.deepEqual(draw(), a);
  assert.deepEqual(dropout(ones([20]), 0.5).toArray(), da);
  manualSeed(43);
  assert.notDeepEqual(draw(), a);
});

test('setRngState resumes exactly where getRngState was taken, also mid normal pair', () => {
  manualSeed(7);
  randn([3]); // an odd count leaves a spare normal deviate in the state
  const state = getRngState();
  const next = draw();
  setRngState(state);
  assert.deepEqual(draw(), next);
  assert.deepEqual(getRngState().length, 5);
});

test('a Generator passed as an option leaves the default one alone', () => {
  manualSeed(1);
  const expected = rand([4]).toArray();
  manualSeed(1);
  const g = new Generator(99);
  rand([10], { generator: g });
  randn([10], { generator: g });
  assert.deepEqual(rand([4]).toArray(), expected);
  const g1 = new Generator(5);
  const g2 = new Generator(5);
  assert.deepEqual(randn([6], { generator: g1 }).toArray(), randn([6], { generator: g2 }).toArray());
});

test('ranges: rand in [0, 1), randint in [low, high) hitting every value', () => {
  manualSeed(3);
  const u = rand([2000]).toTypedArray();
  assert.ok(u.every((v) => v >= 0 && v < 1));
  const k = randint(-2, 3, [2000]).toTypedArray();
  assert.ok(k.every((v) => v >= -2 && v < 3));
  assert.deepEqual([...new Set(k)].sort(), [-1, -2, 0, 1, 2].sort());
});

test('randn has mean near 0 and variance near 1', () => {
  manualSeed(4);
  const z = randn([20000]);
  assert.ok(Math.abs(z.mean().item()) < 0.03);
  assert.ok(Math.abs(z.var().item() - 1) < 0.05);
});
