// bootstrapEvaluate and the .632/.632+ estimates: the fits it asks for (all rows first, then each
// resample's in-bag rows scored on its out-of-bag rows), agreement with bootstrap632Estimates on the
// same predictions, the per-row losses, and .632+ beating .632 for an overfitting 1-NN classifier.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Generator } from '../core/random.js';
import { bootstrap632Estimates, bootstrapEvaluate, POINT_LOSSES } from './bootstrap_632.js';
import type { FoldContext } from './predictions.js';

/** Two overlapping 1-D Gaussian classes. */
function data(n: number, g: Generator): { x: Float64Array; y: Float64Array } {
  const y = Float64Array.from({ length: n }, () => g.int(0, 2));
  const x = Float64Array.from(y, (c) => c * 1.2 + g.normal());
  return { x, y };
}

/** 1-nearest-neighbour predictions for `query` from the training rows. */
function nearest(x: Float64Array, y: Float64Array, train: Int32Array, query: ArrayLike<number>): Float64Array {
  return Float64Array.from(query, (q) => {
    let best = train[0];
    for (const r of train) if (Math.abs(x[r] - q) < Math.abs(x[best] - q)) best = r;
    return y[best];
  });
}

test('bootstrapEvaluate fits all rows first, then in-bag rows scored on out-of-bag rows; same as bootstrap632Estimates', async () => {
  const { x, y } = data(40, new Generator(1));
  const calls: FoldContext[] = [];
  const fitPredict = (ctx: FoldContext) => {
    calls.push(ctx);
    return nearest(
      x,
      y,
      ctx.trainIndex,
      Float64Array.from(ctx.testIndex, (r) => x[r]),
    );
  };
  const est = await bootstrapEvaluate({ yTrue: y, fitPredict, loss: 'zeroOne', nResamples: 30, seed: 5 });
  assert.equal(calls.length, 31);
  assert.equal(calls[0].fold, -1);
  assert.equal(calls[0].trainIndex.length, 40);
  assert.equal(calls[0].testIndex.length, 40);
  for (const c of calls.slice(1)) {
    assert.equal(c.trainIndex.length, 40);
    const inBag = new Set(c.trainIndex);
    assert.ok(inBag.size < 40, 'rows repeat in a bootstrap sample');
    assert.equal(inBag.size + c.testIndex.length, 40);
    assert.ok(c.testIndex.every((r) => !inBag.has(r)));
  }
  assert.deepEqual(
    calls.slice(1).map((c) => c.fold),
    [...Array(30).keys()],
  );
  const again = await bootstrapEvaluate({
    yTrue: y,
    fitPredict: (c) =>
      nearest(
        x,
        y,
        c.trainIndex,
        Float64Array.from(c.testIndex, (r) => x[r]),
      ),
    loss: 'zeroOne',
    nResamples: 30,
    seed: 5,
  });
  assert.deepEqual(again, est);
  const direct = bootstrap632Estimates({
    yTrue: y,
    apparent: nearest(x, y, calls[0].trainIndex, x),
    resamples: calls.slice(1).map((c) => ({
      outOfBag: c.testIndex,
      pred: nearest(
        x,
        y,
        c.trainIndex,
        Float64Array.from(c.testIndex, (r) => x[r]),
      ),
    })),
    loss: 'zeroOne',
  });
  assert.deepEqual(est, direct);
  assert.equal(est.apparent, 0, '1-NN has no training error');
  assert.ok(est.relativeOverfitting > 0 && est.relativeOverfitting <= 1);
  assert.ok(Math.abs(est.weight - 0.632 / (1 - 0.368 * est.relativeOverfitting)) < 1e-15);
});

test('.632+ corrects .632 towards the true error of an overfitting 1-NN classifier', async () => {
  const g = new Generator(7);
  const { x, y } = data(100, g);
  const test = data(20000, g);
  const all = Int32Array.from({ length: 100 }, (_, i) => i);
  const trueErr = nearest(x, y, all, test.x).reduce((s, p, i) => s + (p === test.y[i] ? 0 : 1), 0) / test.y.length;
  const est = await bootstrapEvaluate({
    yTrue: y,
    fitPredict: ({ trainIndex, testIndex }) =>
      nearest(
        x,
        y,
        trainIndex,
        Float64Array.from(testIndex, (r) => x[r]),
      ),
    loss: 'zeroOne',
    nResamples: 100,
    seed: 0,
  });
  assert.ok(est.e632 < est.e632plus && est.e632plus <= est.outOfBag, JSON.stringify(est));
  assert.ok(Math.abs(est.e632plus - trueErr) < Math.abs(est.e632 - trueErr), `true ${trueErr}, .632 ${est.e632}, .632+ ${est.e632plus}`);
  assert.ok(Math.abs(est.gamma - 0.5) < 0.05, `gamma ${est.gamma} for balanced classes`);
});

test('per-row losses; stratified resampling; errors', async () => {
  assert.equal(POINT_LOSSES.zeroOne(1, Float64Array.of(1)), 0);
  assert.equal(POINT_LOSSES.zeroOne(2, Float64Array.of(0.1, 0.2, 0.7)), 0);
  assert.equal(POINT_LOSSES.zeroOne(0, Float64Array.of(0.1, 0.2, 0.7)), 1);
  assert.equal(POINT_LOSSES.squared(3, Float64Array.of(1)), 4);
  assert.equal(POINT_LOSSES.absolute(3, Float64Array.of(1)), 2);
  assert.equal(POINT_LOSSES.logLoss(1, Float64Array.of(0.2, 0.8)), -Math.log(0.8));
  assert.equal(POINT_LOSSES.logLoss(0, Float64Array.of(0.25)), -Math.log(0.75));
  assert.ok(Number.isFinite(POINT_LOSSES.logLoss(1, Float64Array.of(0))));
  assert.throws(() => POINT_LOSSES.squared(1, Float64Array.of(1, 2)), /squared loss needs one prediction per row, got 2/);
  const y = Float64Array.from({ length: 30 }, (_, i) => (i < 5 ? 1 : 0));
  const counts: number[] = [];
  await bootstrapEvaluate({
    yTrue: y,
    stratify: true,
    nResamples: 5,
    seed: 0,
    loss: 'squared',
    fitPredict: ({ trainIndex, testIndex, fold }) => {
      if (fold >= 0) counts.push([...trainIndex].filter((r) => y[r] === 1).length);
      return new Float64Array(testIndex.length).fill(0.2);
    },
  });
  assert.deepEqual(counts, [5, 5, 5, 5, 5]);
  await assert.rejects(
    bootstrapEvaluate({ yTrue: y, loss: 'accuracy' as never, fitPredict: () => new Float64Array(0) }),
    /loss must be one of zeroOne, squared, absolute, logLoss or a function .* for a score like accuracy use its error \('zeroOne'\)/,
  );
  await assert.rejects(
    bootstrapEvaluate({ yTrue: y, loss: 'squared', nResamples: 0, fitPredict: () => new Float64Array(30) }),
    /nResamples must be a positive integer, got 0/,
  );
});
