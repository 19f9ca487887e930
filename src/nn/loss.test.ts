// Losses: edge cases the PyTorch fixtures do not reach (saturated probabilities, large logits,
// all-ignored targets, zero targets), the module wrappers, and error messages.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { crossEntropy, log, memoryStats, rand, type Tensor, tensor } from '../index.js';
import {
  BCELoss,
  BCEWithLogitsLoss,
  binaryCrossEntropy,
  binaryCrossEntropyWithLogits,
  CrossEntropyLoss,
  huberLoss,
  KLDivLoss,
  klDiv,
  l1Loss,
  layerNorm,
  MSELoss,
  mseLoss,
  nllLoss,
  smoothL1Loss,
} from './index.js';

const int = (v: number[]) => tensor(v, { dtype: 'int32' });
const values = (t: Tensor | null) => (t as Tensor).toArray() as number[];
const close = (a: number, b: number, tol = 1e-5) => assert.ok(Math.abs(a - b) <= tol * Math.max(1, Math.abs(b)), `${a} vs ${b}`);

test('binaryCrossEntropy clamps log at -100: saturated probabilities give finite losses and gradients', () => {
  const p = tensor([0, 1, 0.5], { requiresGrad: true });
  const loss = binaryCrossEntropy(p, tensor([1, 0, 1]), { reduction: 'none' });
  const v = values(loss);
  close(v[0], 100);
  close(v[1], 100);
  close(v[2], Math.LN2);
  loss.sum().backward();
  assert.ok(values(p.grad).every(Number.isFinite));
  close(values(p.grad)[2], -2); // (p - t) / (p (1 - p))
  assert.throws(() => binaryCrossEntropy(tensor([1.5]), tensor([1])), /input must hold probabilities in \[0, 1\]/);
});

test('binaryCrossEntropyWithLogits is stable for large logits and has the right slope at 0', () => {
  const x = tensor([100, -100, 0], { requiresGrad: true });
  const loss = binaryCrossEntropyWithLogits(x, tensor([0, 0, 1]), { reduction: 'none' });
  const v = values(loss);
  close(v[0], 100);
  assert.ok(v[1] >= 0 && v[1] < 1e-30);
  close(v[2], Math.log(2));
  loss.sum().backward();
  assert.deepEqual(
    values(x.grad).map((g) => Math.round(g * 1e6) / 1e6),
    [1, 0, -0.5],
  ); // sigmoid(x) - t
});

test('nllLoss: weighted mean divides by the targets’ weights; all ignored gives NaN like PyTorch', () => {
  const logp = log(
    tensor([
      [0.2, 0.8],
      [0.6, 0.4],
      [0.5, 0.5],
    ]),
  );
  const w = tensor([1, 3]);
  close(nllLoss(logp, int([1, 0, 1]), { weight: w }).item(), (3 * -Math.log(0.8) + -Math.log(0.6) + 3 * -Math.log(0.5)) / 7);
  assert.ok(Number.isNaN(nllLoss(logp, int([-100, -100, -100])).item()));
  assert.throws(
    () => nllLoss(logp, int([0, 2, 1])),
    /nllLoss: target 2 is out of range for 2 classes \(element 1; valid: 0 to 1, or ignoreIndex -100\)/,
  );
  assert.throws(() => nllLoss(logp, tensor([0, 1, 1])), /target must be int32 class indices, got float32/);
});

test('klDiv treats zero targets as contributing nothing (no NaN)', () => {
  const x = log(tensor([[0.5, 0.5]])).requiresGrad_();
  const loss = klDiv(x, tensor([[1, 0]]), { reduction: 'batchmean' });
  close(loss.item(), Math.log(2));
  loss.backward();
  assert.deepEqual(
    ((x.grad as Tensor).toArray() as number[][])[0].map((g) => g + 0),
    [-1, 0],
  ); // -target
});

test('loss modules hold their options and call the functional core', () => {
  const logits = tensor([
    [1, 2, 3],
    [1, -1, 0],
  ]);
  const target = int([2, 0]);
  const opts = { weight: tensor([1, 2, 3]), labelSmoothing: 0.2 };
  close(
    new CrossEntropyLoss({ weight: [1, 2, 3], labelSmoothing: 0.2 }).forward(logits, target).item(),
    crossEntropy(logits, target, opts).item(),
  );
  close(new MSELoss({ reduction: 'sum' }).forward(tensor([1, 2]), tensor([3, 5])).item(), 13);
  assert.deepEqual(
    values(new BCELoss({ weight: [0, 1], reduction: 'none' }).forward(tensor([0.5, 0.5]), tensor([1, 1]))).map((v) => Math.round(v * 1e4)),
    [0, 6931],
  );
  assert.deepEqual(new BCEWithLogitsLoss({ posWeight: [2] }).getConfig(), { reduction: 'mean', weight: null, posWeight: [2] });
  assert.equal(
    String(new CrossEntropyLoss({ labelSmoothing: 0.1 })).split('\n')[0],
    'CrossEntropyLoss(ignoreIndex=-100, labelSmoothing=0.1)',
  );
});

test('losses refuse mismatched shapes, integer targets and unknown reductions', () => {
  assert.throws(() => mseLoss(tensor([[1], [2]]), tensor([1, 2])), { message: 'mseLoss: target shape [2] must match input shape [2, 1]' });
  assert.throws(() => mseLoss(tensor([1]), int([1])), /mseLoss: input and target must be float32, got float32 and int32/);
  assert.throws(
    () => mseLoss(tensor([1]), tensor([1]), { reduction: 'avg' as never }),
    /mseLoss: reduction must be 'mean', 'sum' or 'none', got "avg"/,
  );
  assert.throws(() => new MSELoss({ reduction: 'batchmean' as never }), /MSELoss: reduction must be one of 'mean', 'sum', 'none'/);
  assert.doesNotThrow(() => new KLDivLoss({ reduction: 'batchmean' }));
  assert.throws(
    () => new CrossEntropyLoss({ weight: 'heavy' as never }),
    /CrossEntropyLoss: weight must be a float32 Tensor or an array of numbers/,
  );
});

test('composed losses and layerNorm leave only their result and the gradient behind', () => {
  const target = rand([128, 128]); // 64 KiB: a full-size temporary left behind shows
  // [name, loss of x, full-size results the caller holds besides the gradient]
  const cases: [string, (x: Tensor) => Tensor, number][] = [
    ['mseLoss', (x) => mseLoss(x, target), 0],
    ['l1Loss', (x) => l1Loss(x, target), 0],
    ['smoothL1Loss', (x) => smoothL1Loss(x, target), 0],
    ['huberLoss', (x) => huberLoss(x, target), 0],
    ['binaryCrossEntropy', (x) => binaryCrossEntropy(x, target), 0],
    ['binaryCrossEntropyWithLogits', (x) => binaryCrossEntropyWithLogits(x, target), 0],
    ['klDiv', (x) => klDiv(x, target), 0],
    ['layerNorm', (x) => layerNorm(x, [128]).sum(), 1], // its output, which .sum() reads
  ];
  for (const [name, f, held] of cases) {
    const x = rand([128, 128]).requiresGrad_();
    const before = memoryStats().residentBytes;
    f(x).backward();
    const left = memoryStats().residentBytes - before;
    assert.ok(left <= (1 + held) * 65536 + 1024, `${name}: ${left} bytes left (the gradient is 65536)`);
  }
});
