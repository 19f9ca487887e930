// EarlyStopping: stops after `patience` epochs without improvement (Keras 3 semantics), respects
// minDelta, baseline and startFromEpoch, and restores the best epoch's weights at the end.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Adam, Linear, manualSeed, noGrad, randn, type StateDict, type Tensor, tensor } from '../../index.js';
import { Trainer } from '../trainer.js';
import { EarlyStopping } from './early_stopping.js';

/** Drives `stop` through epochs with the given monitored values; epoch e sets the weight to e. */
function drive(stop: EarlyStopping, values: number[], monitor = 'val_loss') {
  const model = new Linear(1, 1, { bias: false });
  const trainer = { model, stopTraining: false, restoreWeights: (s: StateDict) => model.loadStateDict(s) } as unknown as Trainer;
  stop.setTrainer(trainer);
  stop.onTrainBegin();
  let ran = 0;
  for (let e = 0; e < values.length && !trainer.stopTraining; e++, ran++) {
    noGrad(() => model.parameters()[0].fill_(e));
    stop.onEpochEnd(e, { [monitor]: values[e] });
  }
  stop.onTrainEnd();
  return { ran, weight: model.parameters()[0].item(), stopped: trainer.stopTraining };
}

test('stops once patience epochs pass without improvement', () => {
  const stop = new EarlyStopping({ patience: 2 });
  const r = drive(stop, [1, 0.5, 0.6, 0.7, 0.8, 0.9]);
  assert.equal(r.ran, 4);
  assert.equal(stop.stoppedEpoch, 3);
  assert.equal(stop.bestEpoch, 1);
  assert.equal(stop.best, 0.5);
  assert.equal(r.weight, 3, 'weights are kept without restoreBestWeights');
});

test('restoreBestWeights loads the best epoch weights at the end', () => {
  const r = drive(new EarlyStopping({ patience: 2, restoreBestWeights: true }), [1, 0.5, 0.6, 0.7, 0.8]);
  assert.equal(r.weight, 1);
  const max = drive(
    new EarlyStopping({ monitor: 'val_accuracy', patience: 1, restoreBestWeights: true }),
    [0.5, 0.7, 0.6, 0.9],
    'val_accuracy',
  );
  assert.equal(max.ran, 3);
  assert.equal(max.weight, 1);
});

test('minDelta, baseline and startFromEpoch', () => {
  assert.equal(drive(new EarlyStopping({ patience: 1, minDelta: 0.1 }), [1, 0.95, 0.9, 0.5]).ran, 2);
  // improvements that do not beat the baseline do not reset the wait
  assert.equal(drive(new EarlyStopping({ patience: 2 }), [1, 0.9, 0.95, 0.97, 0.99]).ran, 4);
  assert.equal(drive(new EarlyStopping({ patience: 2, baseline: 0.1 }), [1, 0.9, 0.95, 0.97, 0.99]).ran, 3);
  assert.equal(drive(new EarlyStopping({ patience: 0, startFromEpoch: 3 }), [1, 2, 3, 4, 5, 6]).ran, 5);
  assert.throws(() => new EarlyStopping({ patience: -1 }), /patience must be an integer >= 0/);
});

test('with fit: stops a run whose loss cannot improve by minDelta and restores epoch 0 weights', async () => {
  manualSeed(0);
  const model = new Linear(2, 1);
  const x = randn([32, 2]);
  const y = x.sum(1, true);
  let afterFirst: Tensor[] = [];
  const stop = new EarlyStopping({ monitor: 'loss', minDelta: 1e9, patience: 2, restoreBestWeights: true });
  const grab = {
    onEpochEnd: (e: number) => {
      if (e === 0) afterFirst = model.parameters().map((p) => p.clone());
    },
  };
  const trainer = new Trainer(model, { optimizer: new Adam(model.parameters(), { lr: 0.1 }), loss: 'mse' });
  const h = await trainer.fit(x, y, { epochs: 10, batchSize: 8, verbose: 0, callbacks: [stop, grab] });
  assert.deepEqual(h.epoch, [0, 1, 2]);
  for (const [i, p] of model.parameters().entries()) assert.deepEqual(p.toArray(), afterFirst[i].toArray());
  assert.notDeepEqual(afterFirst[0].toArray(), tensor([[0, 0]]).toArray());
});

test('with fit: History says which epoch the restored weights are from and gives its logs, validation recomputed on them', async () => {
  manualSeed(1);
  const model = new Linear(2, 1);
  const x = randn([64, 2]);
  const y = x.sum(1, true);
  const xv = randn([16, 2]);
  const yv = xv.sum(1, true).neg(); // the better the model fits the training data, the worse it validates
  const stop = new EarlyStopping({ monitor: 'val_loss', patience: 2, restoreBestWeights: true });
  const trainer = new Trainer(model, { optimizer: new Adam(model.parameters(), { lr: 0.05 }), loss: 'mse', metrics: ['mae'] });
  const h = await trainer.fit(x, y, { epochs: 20, batchSize: 16, verbose: 0, validationData: [xv, yv], callbacks: [stop] });
  const last = h.epoch[h.epoch.length - 1];
  assert.ok(stop.bestEpoch < last, `best ${stop.bestEpoch}, last ${last}`);
  assert.equal(h.weightsEpoch, stop.bestEpoch);
  assert.equal(h.restoredEpoch, stop.bestEpoch);
  assert.equal(trainer.weightsEpoch, stop.bestEpoch);
  const i = h.epoch.indexOf(stop.bestEpoch);
  assert.equal(h.weightsLogs.loss, h.history.loss[i], 'training logs are that epoch');
  assert.equal(h.weightsLogs.mae, h.history.mae[i]);
  const now = await trainer.evaluate(xv, yv, { batchSize: 16 });
  assert.equal(h.weightsLogs.val_loss, now.loss, 'validation is of the weights the model holds');
  assert.equal(h.weightsLogs.val_mae, now.mae);
  assert.ok(Math.abs(h.weightsLogs.val_loss - h.history.val_loss[i]) < 1e-6, 'and equals what that epoch logged');
  assert.notEqual(h.weightsLogs.val_loss, h.last().val_loss);
  // without a restore the model holds the last epoch's weights and its logs
  const plain = await new Trainer(model, { optimizer: new Adam(model.parameters()), loss: 'mse' }).fit(x, y, { epochs: 2, verbose: 0 });
  assert.deepEqual([plain.weightsEpoch, plain.restoredEpoch, plain.weightsLogs], [1, null, plain.last()]);
});
