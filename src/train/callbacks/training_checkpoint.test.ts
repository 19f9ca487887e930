// TrainingCheckpoint: a run killed at step k (mid-epoch or right after an epoch) and resumed from
// the latest checkpoint into fresh objects ends bit-identical to a run never stopped: weights,
// history, early stopping's patience and best weights, the schedule, the epoch's running metrics.

import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { Adam, Dropout, Generator, Linear, manualSeed, ReLU, randint, randn, Sequential, StepLR, type Tensor } from '../../index.js';
import { Trainer } from '../trainer.js';
import { resumeTraining } from '../trainer_checkpoint.js';
import type { Callback } from './callback.js';
import { EarlyStopping } from './early_stopping.js';
import { LearningRateScheduler } from './learning_rate_scheduler.js';
import { TrainingCheckpoint } from './training_checkpoint.js';

const gen = new Generator(3);
const x = randn([70, 4], { generator: gen });
const y = randint(0, 3, [70], { generator: gen });
const EPOCHS = 6; // 56 training rows in batches of 8: 7 steps per epoch

/** A fresh run: model with dropout, Adam, a step schedule (as a callback, as the CLI passes it), early stopping. */
function build(seed: number, dir: string, extra: Callback[] = []) {
  manualSeed(seed);
  const model = new Sequential(new Linear(4, 16), new ReLU(), new Dropout(0.3), new Linear(16, 3));
  const optimizer = new Adam(model.parameters(), { lr: 0.02 });
  const trainer = new Trainer(model, { optimizer, loss: 'crossEntropy', metrics: ['accuracy', 'f1'] });
  const callbacks: Callback[] = [
    new LearningRateScheduler(new StepLR(optimizer, { stepSize: 2, gamma: 0.5 })),
    new EarlyStopping({ monitor: 'val_loss', patience: 2, restoreBestWeights: true }),
    new TrainingCheckpoint(dir, { everySteps: 3 }),
    ...extra,
  ];
  const fit = () => trainer.fit(x, y, { epochs: EPOCHS, batchSize: 8, validationSplit: 0.2, seed: 11, verbose: 0, callbacks });
  return { trainer, fit };
}

/** A callback that "kills" the run (throws) after optimizer step `k`. */
const killAt = (k: number, trainer: () => Trainer): Callback => ({
  onBatchEnd: () => {
    if (trainer().step === k) throw new Error('killed');
  },
});

const weights = (t: Trainer) => t.model.parameters().map((p: Tensor) => Array.from(p.toTypedArray()));

for (const [k, saved, where] of [
  [17, 15, 'mid-epoch: the latest checkpoint is of step 15, the first batch of epoch 3'],
  [22, 21, 'in epoch 4: the latest checkpoint is of the end of epoch 3, after validation'],
  [10, 9, 'in epoch 2: the latest checkpoint is of step 9, its second batch'],
] as const) {
  test(`killed at step ${k}, ${where}, and resumed: the same final weights and history`, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tessera-tc-'));
    try {
      const straight = build(1, join(dir, 'straight'));
      const full = await straight.fit();
      assert.ok(full.epoch.length >= 4, 'the run must get past the kill');

      let killed: Trainer | null = null;
      const first = build(1, join(dir, 'run'), [killAt(k, () => killed as Trainer)]);
      killed = first.trainer;
      await assert.rejects(first.fit(), /killed/);

      const again = build(999, join(dir, 'run')); // fresh objects, other initial weights and RNG state
      const info = await resumeTraining(join(dir, 'run'), again.trainer);
      assert.equal(info.step, saved);
      assert.equal(info.midEpoch, saved % 7, 'batches of the epoch already trained');
      const rest = await again.fit();
      assert.deepEqual(weights(again.trainer), weights(straight.trainer));
      assert.deepEqual(rest.history, full.history);
      assert.deepEqual(rest.epoch, full.epoch);
      assert.deepEqual([rest.weightsEpoch, rest.restoredEpoch], [full.weightsEpoch, full.restoredEpoch]);
      assert.deepEqual(rest.weightsLogs, full.weightsLogs);
      assert.equal(again.trainer.optimizer.paramGroups[0].lr, straight.trainer.optimizer.paramGroups[0].lr);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
}

test('a run stopped by early stopping resumes stopped: no more epochs, the best weights put back', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'tessera-tc-'));
  try {
    const straight = build(1, dir);
    const full = await straight.fit();
    const again = build(5, dir);
    await resumeTraining(dir, again.trainer);
    const rest = await again.fit();
    assert.deepEqual(rest.epoch, full.epoch);
    assert.deepEqual(weights(again.trainer), weights(straight.trainer));
    assert.equal(rest.weightsEpoch, full.weightsEpoch);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('everySteps must be an integer >= 0', () => {
  assert.throws(() => new TrainingCheckpoint('d', { everySteps: -1 }), /everySteps must be an integer >= 0.*got -1/);
  assert.throws(() => new TrainingCheckpoint(''), /dir must be a non-empty path/);
});
