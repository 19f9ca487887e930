// Replays scikit-learn 1.2.1's results for every metric (test/fixtures/sklearn/metrics.json, written
// by scripts/sklearn_metrics_fixtures.py): each value, and each curve element by element, must
// agree within 1e-10 (relative for values above 1). The classification report's text must match
// character for character.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { cohenKappa, matthewsCorrcoef } from '../src/eval/metrics/agreement.js';
import { auc } from '../src/eval/metrics/area.js';
import { accuracy, balancedAccuracy, f1, fBeta, precision, recall } from '../src/eval/metrics/classification.js';
import { confusionMatrix } from '../src/eval/metrics/confusion.js';
import { precisionRecallCurve, rocCurve } from '../src/eval/metrics/curves.js';
import { logLoss } from '../src/eval/metrics/log_loss.js';
import { averagePrecision, prAuc, rocAuc } from '../src/eval/metrics/ranking.js';
import {
  explainedVariance,
  meanAbsoluteError,
  meanAbsolutePercentageError,
  meanSquaredError,
  medianAbsoluteError,
  r2Score,
  rootMeanSquaredError,
} from '../src/eval/metrics/regression.js';
import { type ClassificationReport, classificationReport } from '../src/eval/metrics/report.js';
import { bestThreshold } from '../src/eval/metrics/thresholds.js';
import { fixtureDir } from './fixture_files.js';

const TOL = 1e-10;

interface Case {
  name: string;
  fn: string;
  args: unknown[];
  options: Record<string, unknown>;
  expected: unknown;
}

const file = join(fixtureDir('sklearn'), 'metrics.json');
const fixture = JSON.parse(readFileSync(file, 'utf8')) as { arrays: Record<string, unknown>; cases: Case[] };

/** Restores shared arrays ({ref}) and non-finite numbers (written as strings). */
function decode(x: unknown): unknown {
  if (x === 'NaN') return Number.NaN;
  if (x === 'Infinity') return Number.POSITIVE_INFINITY;
  if (x === '-Infinity') return Number.NEGATIVE_INFINITY;
  if (Array.isArray(x)) return x.map(decode);
  if (x !== null && typeof x === 'object') {
    const o = x as Record<string, unknown>;
    if (typeof o.ref === 'string' && Object.keys(o).length === 1) return decode(fixture.arrays[o.ref]);
    return Object.fromEntries(Object.entries(o).map(([k, v]) => [k, decode(v)]));
  }
  return x;
}

type Args = [never, never];
type Opts = Record<string, unknown> & { beta?: number };
const quiet = { onWarning: () => {} };

/** Calls tessera's function named by a case. */
const CALL: Record<string, (a: Args, o: Opts) => unknown> = {
  accuracy: (a, o) => accuracy(...a, o as never),
  balancedAccuracy: (a, o) => balancedAccuracy(...a, { ...o, ...quiet } as never),
  precision: (a, o) => precision(...a, { ...o, ...quiet } as never),
  recall: (a, o) => recall(...a, { ...o, ...quiet } as never),
  f1: (a, o) => f1(...a, { ...o, ...quiet } as never),
  fBeta: (a, { beta, ...o }) => fBeta(...a, beta as number, { ...o, ...quiet } as never),
  matthewsCorrcoef: (a, o) => matthewsCorrcoef(...a, o as never),
  cohenKappa: (a, o) => cohenKappa(...a, o as never),
  confusionMatrix: (a, o) => confusionMatrix(...a, o as never),
  classificationReport: (a, o) => reportAsDict(classificationReport(...a, { ...o, ...quiet } as never)),
  logLoss: (a, o) => logLoss(...a, o as never),
  rocCurve: (a, o) => rocCurve(...a, { ...o, ...quiet } as never),
  precisionRecallCurve: (a, o) => precisionRecallCurve(...a, { ...o, ...quiet } as never),
  averagePrecision: (a, o) => averagePrecision(...a, { ...o, ...quiet } as never),
  prAuc: (a, o) => prAuc(...a, { ...o, ...quiet } as never),
  rocAuc: (a, o) => rocAuc(...a, o as never),
  auc: (a) => auc(...a),
  bestThreshold: (a, o) => bestThreshold(...a, { ...o, ...quiet } as never),
  meanAbsoluteError: (a, o) => meanAbsoluteError(...a, o as never),
  meanSquaredError: (a, o) => meanSquaredError(...a, o as never),
  rootMeanSquaredError: (a, o) => rootMeanSquaredError(...a, o as never),
  meanAbsolutePercentageError: (a, o) => meanAbsolutePercentageError(...a, o as never),
  medianAbsoluteError: (a, o) => medianAbsoluteError(...a, o as never),
  r2Score: (a, o) => r2Score(...a, { ...o, ...quiet } as never),
  explainedVariance: (a, o) => explainedVariance(...a, o as never),
};

/** The report in scikit-learn's output_dict layout, with its text. */
function reportAsDict(r: ClassificationReport): { text: string; dict: Record<string, unknown> } {
  const row = (x: { precision: number; recall: number; f1: number; support: number }) => ({
    precision: x.precision,
    recall: x.recall,
    'f1-score': x.f1,
    support: x.support,
  });
  const dict: Record<string, unknown> = {};
  for (const c of r.classes) dict[c.name] = row(c);
  if (r.accuracy !== null) dict.accuracy = r.accuracy;
  if (r.microAvg !== null) dict['micro avg'] = row(r.microAvg);
  dict['macro avg'] = row(r.macroAvg);
  dict['weighted avg'] = row(r.weightedAvg);
  return { text: r.text, dict };
}

/** Compares `actual` with `expected` (numbers within TOL; strings exactly); `at` locates a mismatch. */
function compare(actual: unknown, expected: unknown, at: string): void {
  if (typeof expected === 'number') {
    assert.equal(typeof actual, 'number', `${at}: expected a number, got ${typeof actual}`);
    const a = actual as number;
    if (Number.isNaN(expected) || !Number.isFinite(expected)) {
      assert.ok(Object.is(a, expected) || (Number.isNaN(a) && Number.isNaN(expected)), `${at}: ${a} != ${expected}`);
      return;
    }
    assert.ok(Math.abs(a - expected) <= TOL * Math.max(1, Math.abs(expected)), `${at}: ${a} != ${expected} (diff ${a - expected})`);
  } else if (typeof expected === 'string') {
    assert.equal(actual, expected, at);
  } else if (Array.isArray(expected)) {
    const a = actual as ArrayLike<unknown>;
    assert.ok(a !== null && typeof a === 'object' && typeof a.length === 'number', `${at}: expected an array, got ${typeof actual}`);
    assert.equal(a.length, expected.length, `${at}: length ${a.length} != ${expected.length}`);
    for (let i = 0; i < expected.length; i++) compare(a[i], expected[i], `${at}[${i}]`);
  } else if (expected !== null && typeof expected === 'object') {
    const a = actual as Record<string, unknown>;
    for (const [k, v] of Object.entries(expected)) compare(a[k], v, `${at}.${k}`);
    if (at.endsWith('.dict')) assert.deepEqual(Object.keys(a), Object.keys(expected), `${at}: keys`);
  } else {
    assert.equal(actual, expected, at);
  }
}

const families = new Map<string, Case[]>();
for (const c of fixture.cases) families.set(c.fn, [...(families.get(c.fn) ?? []), c]);

for (const [fn, cases] of families) {
  test(`scikit-learn parity: ${fn} (${cases.length} cases)`, () => {
    const call = CALL[fn];
    assert.ok(call, `no tessera call for fixture function ${fn}`);
    for (const c of cases) {
      const args = decode(c.args) as Args;
      const options = decode(c.options) as Opts;
      compare(call(args, options), decode(c.expected), c.name);
    }
  });
}

test('scikit-learn parity: the fixture covers every metric', () => {
  assert.equal(fixture.cases.length > 1000, true);
  assert.deepEqual([...families.keys()].sort(), Object.keys(CALL).sort());
});
