// GroupKFold: groups never split, folds balanced by size, any kind of group id, clear errors.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Generator } from '../../core/random.js';
import { GroupKFold } from './group_kfold.js';
import { numpyArgsort } from './numpy_argsort.js';

test('no group has rows on both sides, every row is tested once, folds balanced', () => {
  const g = new Generator(4);
  const groups = Array.from({ length: 200 }, () => `patient-${g.int(0, 23)}`);
  const folds = [...new GroupKFold({ nSplits: 4 }).split({ groups })];
  assert.equal(folds.length, 4);
  const tested = new Int32Array(200);
  for (const { train, test } of folds) {
    const testGroups = new Set([...test].map((r) => groups[r]));
    for (const r of train) assert.ok(!testGroups.has(groups[r]), `group ${groups[r]} on both sides`);
    for (const r of test) tested[r]++;
  }
  assert.ok(tested.every((t) => t === 1));
  const sizes = folds.map((f) => f.test.length);
  const largestGroup = Math.max(...[...new Set(groups)].map((id) => groups.filter((x) => x === id).length));
  assert.ok(Math.max(...sizes) - Math.min(...sizes) <= largestGroup, `fold sizes ${sizes}`);
});

test('the greedy rule: largest group first, into the lightest fold', () => {
  // sizes: a 5, b 4, c 3, d 2, e 1 -> fold0 a(5) d(2) = 7, fold1 b(4) c(3) = 7, then e to fold 0
  const groups = [...'aaaaabbbbcccdde'];
  const folds = [...new GroupKFold({ nSplits: 2 }).split({ groups })];
  assert.deepEqual(
    folds.map((f) => [...new Set([...f.test].map((r) => groups[r]))].sort().join('')),
    ['ade', 'bc'],
  );
});

test('errors: missing groups, more folds than groups', () => {
  assert.throws(() => new GroupKFold().split({ n: 5 }), /GroupKFold.split: needs the group of every row, as split\(\{ groups \}\)/);
  assert.throws(
    () => new GroupKFold({ nSplits: 3 }).split({ groups: [1, 1, 2, 2] }),
    /GroupKFold: nSplits=3 is greater than the number of groups \(2\); use nSplits <= 2/,
  );
  assert.throws(() => new GroupKFold({ nSplits: 1 }), /GroupKFold: nSplits must be an integer >= 2, got 1/);
  assert.throws(() => new GroupKFold().split({ groups: [1, 2, 3, 4, 5, 6], n: 5 }), /groups has 6 ids but n=5/);
});

test('numpyArgsort sorts, and agrees with a stable sort when values are distinct', () => {
  const g = new Generator(9);
  const v = Array.from({ length: 500 }, (_, i) => i);
  for (let i = v.length - 1; i > 0; i--) {
    const j = g.int(0, i + 1);
    [v[i], v[j]] = [v[j], v[i]];
  }
  const order = numpyArgsort(v);
  assert.deepEqual(
    [...order],
    [...v.keys()].sort((a, b) => v[a] - v[b]),
  );
  const ties = Array.from({ length: 300 }, () => g.int(0, 4));
  const o = numpyArgsort(ties);
  assert.deepEqual(
    [...o].sort((a, b) => a - b),
    [...ties.keys()],
  );
  for (let i = 1; i < o.length; i++) assert.ok(ties[o[i - 1]] <= ties[o[i]]);
});
