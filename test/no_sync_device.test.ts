// Training on a device that cannot be read synchronously ('async-ref': the reference device read
// only through await t.data(), its readSync refused to the engine too, as on WebGPU): fit of a
// classifier with CrossEntropyLoss (class weights, label smoothing) or NLLLoss, an accuracy metric
// and validation data gives the same history as on the reference device; and the input checks that
// would need a read follow the documented rule there (NaN in the result, or PyTorch's CUDA rule),
// while devices that read synchronously keep their errors.
//
// Run: npx tsc -p tsconfig.json && node --test dist/test/no_sync_device.test.js

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Tensor } from '../src/index.js';
import * as T from '../src/index.js';
import { asyncRefDevice, withDevice } from './helpers.js';

const dev = asyncRefDevice();
const values = async (t: Tensor) => Array.from(await t.data());
const int = (v: Parameters<typeof T.tensor>[0], device?: string) => T.tensor(v, { dtype: 'int32', device });

/** Four classes in 6 features, roughly separable: (N, 6) float32 and (N) int32, on the default device. */
function blobs(n: number, seed: number): { x: Tensor; y: Tensor } {
  T.manualSeed(seed);
  const y = T.tensor(
    Array.from({ length: n }, (_, i) => (i * 7) % 4),
    { dtype: 'int32' },
  );
  const centers = T.mul(T.eye(4, 6), 2);
  return { x: T.add(T.indexSelect(centers, 0, y), T.mul(T.randn([n, 6]), 0.6)), y };
}

type LossKind = 'crossEntropy' | 'nll';

/** Trains the same seeded classifier on `device`; returns fit's history. */
async function train(device: string, kind: LossKind): Promise<Record<string, number[]>> {
  return withDevice(device, async () => {
    const { x, y } = blobs(96, 1);
    const { x: vx, y: vy } = blobs(32, 2);
    T.manualSeed(3);
    const layers: T.Module[] = [new T.Linear(6, 16), new T.ReLU(), new T.Linear(16, 4)];
    if (kind === 'nll') layers.push(new T.LogSoftmax(1));
    const model = new T.Sequential(...layers);
    const weight = [1, 2, 0.5, 1.5];
    const loss = kind === 'nll' ? new T.NLLLoss({ weight }) : new T.CrossEntropyLoss({ weight, labelSmoothing: 0.1 });
    loss.to(device);
    const trainer = new T.Trainer(model, {
      optimizer: new T.Adam(model.parameters(), { lr: 0.02 }),
      loss,
      metrics: ['accuracy'],
    });
    const history = await trainer.fit(x, y, { epochs: 5, batchSize: 16, verbose: 0, seed: 5, validationData: [vx, vy] });
    return history.history;
  });
}

describe("fit on a device without synchronous reads ('async-ref')", () => {
  for (const kind of ['crossEntropy', 'nll'] as const) {
    test(`${kind}: the loss falls and the history equals the reference device's (weights${kind === 'nll' ? '' : ', label smoothing'}, accuracy, validation)`, async () => {
      const got = await train(dev, kind);
      const want = await train('reference', kind);
      assert.ok(got.loss[4] < got.loss[0] * 0.7, `loss ${got.loss}`);
      assert.ok(got.val_accuracy[4] > 0.8, `val_accuracy ${got.val_accuracy}`);
      for (const key of ['loss', 'accuracy', 'val_loss', 'val_accuracy']) {
        assert.equal(got[key].length, 5, key);
        got[key].forEach((v, i) => {
          assert.ok(
            Math.abs(v - want[key][i]) <= 1e-4 * (1 + Math.abs(want[key][i])),
            `${key}[${i}]: ${v} on ${dev}, ${want[key][i]} on reference`,
          );
        });
      }
    });
  }
});

describe('input checks on a device without synchronous reads: the documented rule there, the errors elsewhere', () => {
  const table = [
    [1, 2],
    [3, 4],
    [5, 6],
  ];

  test('indexSelect, gather, embedding: an out-of-range index gives NaN there (float32), other entries exact', async () => {
    for (const device of ['reference', 'cpu']) {
      const x = T.tensor(table, { device });
      assert.throws(() => T.indexSelect(x, 0, int([0, 3], device)), /indexSelect: index 3 at \[1\] is out of range/);
      assert.throws(() => T.gather(x, 1, int([[0], [2], [1]], device)), /gather: index 2 at \[1, 0\] is out of range/);
      assert.throws(() => T.embedding(int([-1], device), x), /embedding: indices -1 at \[0\] is out of range/);
    }
    const x = T.tensor(table, { device: dev, requiresGrad: true });
    const picked = T.indexSelect(x, 0, int([2, 3, 0, -1], dev));
    const v = await values(picked);
    assert.deepEqual(v.slice(0, 2), [5, 6]);
    assert.ok(v.slice(2, 4).every(Number.isNaN) && v.slice(6).every(Number.isNaN), `${v}`);
    assert.deepEqual(v.slice(4, 6), [1, 2]);
    assert.deepEqual(await values(T.indexSelect(x, 1, int([1, 5], dev))), [2, Number.NaN, 4, Number.NaN, 6, Number.NaN]);
    assert.deepEqual(await values(T.gather(x, 1, int([[1], [2], [0]], dev))), [2, Number.NaN, 5]);
    assert.deepEqual(await values(T.embedding(int([[1, 7]], dev), x)), [3, 4, Number.NaN, Number.NaN]);
    // in-range indices: exact values and the scatter gradient
    const ok = T.indexSelect(x, 0, int([2, 2, 0], dev));
    T.sum(ok).backward();
    assert.deepEqual(await values(x.grad as Tensor), [1, 1, 0, 0, 2, 2]);
    // an int32 input has no NaN: the clamped index (0) reads row 0
    assert.deepEqual(await values(T.indexSelect(int([10, 20, 30], dev), 0, int([1, 9], dev))), [20, 10]);
  });

  test('pow: integers to a negative power throw where reads are allowed, compute (truncated toward zero) there', async () => {
    assert.throws(() => T.pow(int([2, 3]), int([-1, 2])), /pow: integers to negative integer powers are not allowed/);
    assert.deepEqual(await values(T.pow(int([2, 3, 1, -1], dev), int([-1, 2, -3, -3], dev))), [0, 9, 1, -1]);
  });

  test('binaryCrossEntropy: an input outside [0, 1] throws where reads are allowed, makes its element NaN there', async () => {
    const p = [0.2, 1.5, 0.7];
    const t = [0, 1, 1];
    assert.throws(() => T.binaryCrossEntropy(T.tensor(p), T.tensor(t)), /binaryCrossEntropy: input must hold probabilities in \[0, 1\]/);
    const rows = await values(T.binaryCrossEntropy(T.tensor(p, { device: dev }), T.tensor(t, { device: dev }), { reduction: 'none' }));
    assert.ok(Math.abs(rows[0] + Math.log(0.8)) < 1e-6 && Number.isNaN(rows[1]) && Math.abs(rows[2] + Math.log(0.7)) < 1e-6, `${rows}`);
    assert.ok(Number.isNaN((await T.binaryCrossEntropy(T.tensor(p, { device: dev }), T.tensor(t, { device: dev })).data())[0]));
    const fine = await values(T.binaryCrossEntropy(T.tensor([0.2, 0.7], { device: dev }), T.tensor([0, 1], { device: dev })));
    assert.ok(Math.abs(fine[0] - (-Math.log(0.8) - Math.log(0.7)) / 2) < 1e-6, `${fine}`);
  });

  test('BatchNorm with momentum null (cumulative average) keeps the same running statistics there', async () => {
    const run = async (device: string) =>
      withDevice(device, async () => {
        T.manualSeed(4);
        const bn = new T.BatchNorm1d(3, { momentum: null });
        for (let i = 0; i < 3; i++) bn.forward(T.add(T.mul(T.randn([8, 3]), i + 1), i));
        return [...(await values(bn.runningMean as Tensor)), ...(await values(bn.runningVar as Tensor))];
      });
    const want = await run('reference');
    const got = await run(dev);
    for (const [i, v] of got.entries()) assert.ok(Math.abs(v - want[i]) < 1e-5, `stat ${i}: ${v} vs ${want[i]}`);
  });

  test('clipGradNorm with errorIfNonfinite: throws where reads are allowed, makes every gradient NaN there', async () => {
    const make = (device: string) => {
      const a = T.tensor([1, 2], { device, requiresGrad: true });
      const b = T.tensor([3], { device, requiresGrad: true });
      T.sum(T.add(T.mul(a, Number.POSITIVE_INFINITY), b)).backward();
      return [a, b];
    };
    assert.throws(
      () => T.clipGradNorm(make('reference'), 1, 2, { errorIfNonfinite: true }),
      /clipGradNorm: the total norm of order 2 .* is Infinity/,
    );
    const params = make(dev);
    const norm = T.clipGradNorm(params, 1, 2, { errorIfNonfinite: true });
    assert.equal((await norm.data())[0], Number.POSITIVE_INFINITY);
    for (const p of params) assert.ok((await values(p.grad as Tensor)).every(Number.isNaN));
    // a finite norm clips as usual
    const q = T.tensor([3, 4], { device: dev, requiresGrad: true });
    T.sum(T.mul(q, q)).backward(); // grad (6, 8), norm 10
    T.clipGradNorm([q], 5, 2, { errorIfNonfinite: true });
    const g = await values(q.grad as Tensor);
    assert.ok(Math.abs(g[0] - 3) < 1e-5 && Math.abs(g[1] - 4) < 1e-5, `${g}`);
  });
});
