// LearningRateScheduler as a user callback: schedules stepped per epoch or per batch, Keras-style
// functions of the epoch, ReduceLROnPlateau on a chosen monitor, and clear errors.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Linear, manualSeed, ReduceLROnPlateau, randn, SGD, StepLR } from '../../index.js';
import { Trainer } from '../trainer.js';
import { LearningRateScheduler } from './learning_rate_scheduler.js';

function setup() {
  manualSeed(0);
  const model = new Linear(2, 1);
  const optimizer = new SGD(model.parameters(), { lr: 0.1 });
  const x = randn([20, 2]);
  return { optimizer, x, y: x.sum(1, true), trainer: new Trainer(model, { optimizer, loss: 'mse' }) };
}

test('a function (epoch, lr) => lr sets the rate at each epoch start', async () => {
  const { trainer, x, y } = setup();
  const cb = new LearningRateScheduler((epoch, lr) => (epoch === 0 ? lr : lr / 10));
  const h = await trainer.fit(x, y, { epochs: 3, verbose: 0, callbacks: [cb] });
  assert.deepEqual(
    h.history.learning_rate.map((v) => Number(v.toPrecision(6))),
    [0.1, 0.01, 0.001],
  );
});

test('per-batch stepping, and ReduceLROnPlateau on a chosen monitor', async () => {
  let { optimizer, trainer, x, y } = setup();
  const h = await trainer.fit(x, y, {
    epochs: 2,
    batchSize: 10,
    verbose: 0,
    callbacks: [new LearningRateScheduler(new StepLR(optimizer, { stepSize: 1, gamma: 0.5 }), { interval: 'batch' })],
  });
  assert.deepEqual(h.history.learning_rate, [0.025, 0.00625]);
  ({ optimizer, trainer, x, y } = setup());
  const plateau = new ReduceLROnPlateau(optimizer, { mode: 'max', patience: 0, factor: 0.5 });
  await trainer.fit(x, y, { epochs: 3, verbose: 0, callbacks: [new LearningRateScheduler(plateau, { monitor: 'loss' })] });
  assert.equal(optimizer.paramGroups[0].lr, 0.025);
  const missing = new LearningRateScheduler(new ReduceLROnPlateau(optimizer), { monitor: 'val_mae' });
  await assert.rejects(trainer.fit(x, y, { verbose: 0, callbacks: [missing] }), /monitors 'val_mae', which is not in the logs/);
});

test('clear errors', () => {
  const { optimizer } = setup();
  assert.throws(() => new LearningRateScheduler(new ReduceLROnPlateau(optimizer), { interval: 'batch' }), /interval 'batch' needs/);
  assert.throws(() => new LearningRateScheduler(42 as never), /expected an LR scheduler/);
});
