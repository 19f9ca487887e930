// scikit-learn parity for the splitters and the .632+ bootstrap: replays
// test/fixtures/sklearn/splits.json. Deterministic splitters (KFold and StratifiedKFold unshuffled,
// GroupKFold, TimeSeriesSplit) must give scikit-learn's folds exactly, errors included; numpy's
// argsort order is reproduced (GroupKFold's ties); split sizes follow _validate_shuffle_split;
// stratified train/test class counts are among those scikit-learn produced; the .632/.632+
// estimates match the numpy implementation of Efron & Tibshirani's formulas. Needs no Python;
// regenerate with `/usr/bin/python3 scripts/sklearn_split_fixtures.py`, which documents the format.
//
// Run: npx tsc -p tsconfig.json && node --test dist/test/sklearn_splits.test.js

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { bootstrapIndices } from '../src/eval/bootstrap.js';
import { bootstrap632Estimates, type PointLossName } from '../src/eval/bootstrap_632.js';
import { trainTestSplit } from '../src/eval/split.js';
import { GroupKFold } from '../src/eval/splitters/group_kfold.js';
import { KFold } from '../src/eval/splitters/kfold.js';
import { numpyArgsort } from '../src/eval/splitters/numpy_argsort.js';
import { resolveSplitSizes } from '../src/eval/splitters/split_sizes.js';
import type { Splitter } from '../src/eval/splitters/splitter.js';
import { StratifiedKFold } from '../src/eval/splitters/stratified_kfold.js';
import { TimeSeriesSplit } from '../src/eval/splitters/time_series_split.js';
import { fixtureDir, loadCases } from './fixture_files.js';

type Label = number | string;
interface FoldCase {
  kind: 'KFold' | 'StratifiedKFold' | 'GroupKFold' | 'TimeSeriesSplit';
  name: string;
  n: number;
  y?: Label[];
  groups?: Label[];
  options: Record<string, number>;
  folds?: { train: number[]; test: number[] }[];
  error?: string;
}
interface ArgsortCase {
  kind: 'argsort';
  name: string;
  values: number[];
  order: number[];
}
interface SizesCase {
  kind: 'splitSizes';
  n: number;
  testSize?: number;
  trainSize?: number;
  nTrain?: number;
  nTest?: number;
  error?: string;
}
interface CountsCase {
  kind: 'stratifiedCounts';
  name: string;
  y: Label[];
  testSize?: number;
  trainSize?: number;
  classes: Label[];
  outcomes: { train: number[]; test: number[] }[];
}
interface BootstrapCase {
  kind: 'bootstrap632';
  name: string;
  loss: PointLossName;
  y: number[];
  apparent: number[];
  resamples: { inBag: number[]; pred: number[] }[];
  expected: Record<string, number>;
}
type Case = FoldCase | ArgsortCase | SizesCase | CountsCase | BootstrapCase;

const cases = loadCases<Case>(fixtureDir('sklearn'), 'splits.json', '/usr/bin/python3 scripts/sklearn_split_fixtures.py');
const ofKind = <K extends Case['kind']>(kind: K) => cases.filter((c): c is Extract<Case, { kind: K }> => c.kind === kind);

function splitterFor(c: FoldCase): Splitter {
  switch (c.kind) {
    case 'KFold':
      return new KFold(c.options);
    case 'StratifiedKFold':
      return new StratifiedKFold({ ...c.options, onWarning: () => {} });
    case 'GroupKFold':
      return new GroupKFold(c.options);
    case 'TimeSeriesSplit':
      return new TimeSeriesSplit(c.options);
  }
}

describe('folds match scikit-learn exactly', () => {
  const foldCases = cases.filter((c): c is FoldCase => ['KFold', 'StratifiedKFold', 'GroupKFold', 'TimeSeriesSplit'].includes(c.kind));
  assert.ok(foldCases.length >= 30);
  for (const c of foldCases) {
    test(`${c.kind} ${c.name}`, () => {
      const run = () => [...splitterFor(c).split({ n: c.n, y: c.y, groups: c.groups })];
      if (c.error !== undefined) {
        assert.throws(run, new RegExp(c.kind), `scikit-learn raised: ${c.error}`);
        return;
      }
      const got = run().map((f) => ({ train: [...f.train], test: [...f.test] }));
      assert.deepEqual(got, c.folds);
    });
  }
});

test('numpyArgsort orders ties as np.argsort does', () => {
  for (const c of ofKind('argsort')) assert.deepEqual([...numpyArgsort(c.values)], c.order, c.name);
});

test('split sizes follow _validate_shuffle_split', () => {
  for (const c of ofKind('splitSizes')) {
    const run = () => resolveSplitSizes('trainTestSplit', c.n, c.testSize, c.trainSize, 0.25);
    const what = `n=${c.n} testSize=${c.testSize} trainSize=${c.trainSize}`;
    if (c.error !== undefined) assert.throws(run, /trainTestSplit: /, what);
    else assert.deepEqual(run(), { nTrain: c.nTrain, nTest: c.nTest }, what);
  }
});

test('stratified trainTestSplit gives per-class counts that scikit-learn gives', () => {
  for (const c of ofKind('stratifiedCounts')) {
    const possible = new Set(c.outcomes.map((o) => JSON.stringify(o)));
    const seen = new Set<string>();
    for (let seed = 0; seed < 40; seed++) {
      const split = trainTestSplit(c.y.length, { stratify: c.y as number[], testSize: c.testSize, trainSize: c.trainSize, seed });
      const count = (rows: Int32Array) => c.classes.map((k) => [...rows].filter((r) => c.y[r] === k).length);
      const outcome = JSON.stringify({ train: count(split.train), test: count(split.test) });
      assert.ok(possible.has(outcome), `${c.name}: ${outcome} is not among scikit-learn's ${[...possible].join(' ')}`);
      seen.add(outcome);
    }
    // ties are broken at random: with several possible outcomes, more than one shows up
    if (possible.size > 1) assert.ok(seen.size > 1, `${c.name}: ties always broken the same way`);
  }
});

test('.632 and .632+ match an independent numpy implementation of Efron & Tibshirani (1997)', () => {
  const bootstraps = ofKind('bootstrap632');
  assert.equal(bootstraps.length, 5);
  for (const c of bootstraps) {
    const n = c.y.length;
    const resamples = c.resamples.map(({ inBag, pred }) => {
      const drawn = new Set(inBag);
      const outOfBag = Int32Array.from({ length: n }, (_, i) => i).filter((i) => !drawn.has(i));
      return { outOfBag, pred: Float64Array.from(outOfBag, (i) => pred[i]) };
    });
    const got = bootstrap632Estimates({ yTrue: c.y, apparent: c.apparent, resamples, loss: c.loss });
    for (const [k, want] of Object.entries(c.expected)) {
      const v = got[k as keyof typeof got];
      assert.ok(Math.abs(v - want) <= 1e-12 * Math.max(1, Math.abs(want)), `${c.name}: ${k} = ${v}, numpy ${want}`);
    }
  }
});

test('bootstrapIndices draws n rows with replacement, out-of-bag the rest', () => {
  const { inBag, outOfBag } = bootstrapIndices(1000, { seed: 3 });
  assert.equal(inBag.length, 1000);
  const drawn = new Set(inBag);
  assert.equal(drawn.size + outOfBag.length, 1000);
  for (const r of outOfBag) assert.ok(!drawn.has(r));
  assert.ok(Math.abs(outOfBag.length / 1000 - Math.exp(-1)) < 0.05, `out-of-bag fraction ${outOfBag.length / 1000}`);
});
