// BatchNorm: train vs eval behaviour, running statistics (momentum, cumulative average,
// unbiased variance), the options that turn parts off, and input checks.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { mean, memoryStats, randn, type Tensor, tensor, variance } from '../index.js';
import { BatchNorm1d, BatchNorm2d } from './index.js';

const close = (got: Tensor | number[], want: number[], tol = 1e-5) => {
  const g = Array.isArray(got) ? got : (got.toArray() as number[]);
  g.forEach((v, i) => {
    assert.ok(Math.abs(v - want[i]) <= tol, `[${i}]: ${v} vs ${want[i]}`);
  });
};

test('training normalises with batch statistics and moves the running ones by momentum', () => {
  const bn = new BatchNorm1d(2, { momentum: 0.25 });
  const x = tensor([
    [1, 10],
    [3, 20],
    [5, 60],
  ]);
  const y = bn.forward(x);
  close(mean(y, 0), [0, 0]);
  close(variance(y, 0, { correction: 0 }), [1, 1], 1e-3);
  close(bn.runningMean as Tensor, [0.25 * 3, 0.25 * 30]);
  // unbiased batch variance (n - 1 = 2): [4, 700]
  close(bn.runningVar as Tensor, [0.75 + 0.25 * 4, 0.75 + 0.25 * 700], 1e-4);
  assert.equal(bn.numBatchesTracked?.item(), 1);
  assert.equal(bn.numBatchesTracked?.dtype, 'int32');
});

test('eval normalises with the running statistics and leaves them alone', () => {
  const bn = new BatchNorm2d(1);
  bn.runningMean?.fill_(2);
  bn.runningVar?.fill_(4);
  bn.weight?.detach().fill_(3);
  bn.bias?.detach().fill_(1);
  bn.eval();
  const y = bn.forward(tensor([[[[2, 6]]]]));
  close(y.reshape(2), [1, 1 + (3 * 4) / Math.sqrt(4 + 1e-5)]);
  close(bn.runningMean as Tensor, [2]);
  assert.equal(bn.numBatchesTracked?.item(), 0);
  bn.train();
  bn.forward(randn([2, 1, 2, 2]));
  assert.equal(bn.numBatchesTracked?.item(), 1);
});

test('momentum null keeps a cumulative average of the batch means', () => {
  const bn = new BatchNorm1d(1, { momentum: null });
  for (const m of [2, 4, 9]) bn.forward(tensor([[m - 1], [m + 1]]));
  close(bn.runningMean as Tensor, [5]);
  assert.equal(bn.numBatchesTracked?.item(), 3);
});

test('affine false has no parameters; trackRunningStats false uses batch statistics in eval too', () => {
  const plain = new BatchNorm1d(3, { affine: false });
  assert.equal(plain.numParameters(), 0);
  assert.deepEqual([...plain.stateDict().keys()], ['running_mean', 'running_var', 'num_batches_tracked']);
  const batchOnly = new BatchNorm1d(2, { trackRunningStats: false }).eval();
  assert.deepEqual([...batchOnly.stateDict().keys()], ['weight', 'bias']);
  close(
    mean(
      batchOnly.forward(
        tensor([
          [1, 2],
          [3, 8],
        ]),
      ),
      0,
    ),
    [0, 0],
  );
});

test('resetRunningStats and resetParameters restore the initial state', () => {
  const bn = new BatchNorm1d(2);
  bn.forward(randn([4, 2]).mul(3).add(1));
  bn.weight?.detach().fill_(5);
  bn.resetParameters();
  close(bn.runningMean as Tensor, [0, 0]);
  close(bn.runningVar as Tensor, [1, 1]);
  close(bn.weight as Tensor, [1, 1]);
  assert.equal(bn.numBatchesTracked?.item(), 0);
});

test('BatchNorm checks its input and arguments', () => {
  assert.throws(() => new BatchNorm2d(3).forward(randn([2, 4, 5, 5])), {
    message: 'BatchNorm2d(3): input must be (N, 3, H, W), got shape [2, 4, 5, 5]',
  });
  assert.throws(() => new BatchNorm1d(3).forward(randn([2, 3, 4, 4])), /BatchNorm1d\(3\): input must be \(N, 3\) or \(N, 3, L\)/);
  assert.throws(() => new BatchNorm1d(3).forward(randn([1, 3])), /expected more than 1 value per channel when training/);
  assert.doesNotThrow(() => new BatchNorm1d(3).eval().forward(randn([1, 3])));
  assert.throws(() => new BatchNorm1d(0), /BatchNorm1d: numFeatures must be an integer >= 1, got 0/);
  assert.throws(() => new BatchNorm1d(2, { momentum: 1.5 }), /momentum must be a number in \[0, 1\], got 1.5/);
});

test('a training step through BatchNorm2d leaves nothing behind but its output (no temporaries for the heap to spill)', () => {
  const bn = new BatchNorm2d(8);
  const x = randn([8, 8, 16, 16]); // 64 KiB: any full-size temporary left behind shows
  const step = (): void => bn.forward(x).mul(2).sum().backward();
  step();
  const held: number[] = [];
  for (let i = 0; i < 4; i++) {
    const before = memoryStats().residentBytes;
    step();
    held.push(memoryStats().residentBytes - before);
  }
  // per step: the layer's output and 2 * output (the caller's, freed by the garbage collector), and a few scalars
  for (const b of held) assert.ok(b <= 2 * 65536 + 1024, `a step left ${b} bytes resident`);
});
