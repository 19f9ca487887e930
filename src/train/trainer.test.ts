// The Trainer: fit learns and records History; validation by split or data gives val_ logs; fit
// takes tensors, DataLoaders and Datasets (with per-sample weights); evaluate and predict agree with
// the model; hooks run in order and async ones are awaited; stopTraining, schedules, gradient
// clipping and class weights act as documented; bad arguments get clear errors.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { asyncRefDevice } from '../../test/helpers.js';
import {
  Adam,
  crossEntropy,
  DataLoader,
  Linear,
  manualSeed,
  noGrad,
  ReduceLROnPlateau,
  ReLU,
  randn,
  Sequential,
  SGD,
  StepLR,
  type Tensor,
  TensorDataset,
  tensor,
} from '../index.js';
import type { Callback, Logs, TrainingParams } from './callbacks/callback.js';
import { compile, Trainer } from './trainer.js';

/** Three Gaussian blobs in 2-D: x (n, 2), y int32 (n). */
function blobs(n: number): { x: Tensor; y: Tensor } {
  const centers = [
    [2, 0],
    [-2, 1],
    [0, -2],
  ];
  const y = Array.from({ length: n }, (_, i) => i % 3);
  const x = randn([n, 2])
    .mul(0.5)
    .add(tensor(y.map((c) => centers[c])));
  return { x, y: tensor(y, { dtype: 'int32' }) };
}

function setup(seed = 0, lr = 0.05) {
  manualSeed(seed);
  const model = new Sequential(new Linear(2, 16), new ReLU(), new Linear(16, 3));
  const optimizer = new Adam(model.parameters(), { lr });
  return { model, optimizer, ...blobs(90) };
}

test('fit learns and returns the History of epoch logs', async () => {
  const { model, optimizer, x, y } = setup();
  const trainer = compile(model, { optimizer, loss: 'crossEntropy', metrics: ['accuracy'] });
  const history = await trainer.fit(x, y, { epochs: 5, batchSize: 16, verbose: 0 });
  assert.equal(trainer.history, history);
  assert.deepEqual(history.epoch, [0, 1, 2, 3, 4]);
  assert.deepEqual(Object.keys(history.history), ['loss', 'accuracy', 'learning_rate']);
  const loss = history.history.loss;
  assert.ok(loss[4] < loss[0] / 2, `loss fell: ${loss}`);
  assert.ok(history.history.accuracy[4] > 0.9);
  assert.equal(trainer.step, 5 * Math.ceil(90 / 16));
  assert.equal(trainer.epoch, 5);
});

test('validationSplit holds out the last fraction and logs val_ entries', async () => {
  const { model, optimizer, x, y } = setup();
  let params: TrainingParams | null = null;
  const spy: Callback = { setTrainer: (_t, p) => (params = p) };
  const trainer = new Trainer(model, { optimizer, loss: 'crossEntropy', metrics: ['accuracy'] });
  const h = await trainer.fit(x, y, { epochs: 2, batchSize: 10, validationSplit: 0.2, verbose: 0, callbacks: [spy] });
  assert.deepEqual(Object.keys(h.history), ['loss', 'accuracy', 'val_loss', 'val_accuracy', 'learning_rate']);
  assert.deepEqual(params, { epochs: 2, initialEpoch: 0, steps: 8, samples: 72, batchSize: 10, verbose: 0, metrics: ['loss', 'accuracy'] });
  // val_ values are those of evaluate on the last 18 samples
  const expected = await trainer.evaluate(x.slice([72, 90]), y.slice([72, 90]));
  assert.ok(Math.abs(h.history.val_loss[1] - expected.loss) < 1e-6);
  assert.equal(h.history.val_accuracy[1], expected.accuracy);
});

test('fit takes a DataLoader or a Dataset, and validationData as tensors or a loader', async () => {
  const { model, optimizer, x, y } = setup();
  const trainer = new Trainer(model, { optimizer, loss: 'crossEntropy', metrics: ['acc'] });
  const loader = new DataLoader(new TensorDataset(x, y), { batchSize: 30, shuffle: true, seed: 1 });
  const val = new DataLoader(new TensorDataset(x, y), { batchSize: 45 });
  let h = await trainer.fit(loader, { epochs: 2, verbose: 0, validationData: val });
  assert.ok('val_acc' in h.history);
  assert.equal(trainer.step, 6);
  h = await trainer.fit(new TensorDataset(x, y), { epochs: 1, batchSize: 45, verbose: 0, validationData: [x, y] });
  assert.equal(trainer.step, 8);
  assert.ok(Math.abs(h.history.val_loss[0] - (await trainer.evaluate(x, y)).loss) < 1e-6);
});

test('batches of [x, y, sampleWeights] weigh the loss per sample', async () => {
  const { model, optimizer, x, y } = setup();
  const w = tensor(Array.from({ length: 90 }, (_, i) => (i < 45 ? 2 : 0)));
  const seen: number[] = [];
  const trainer = new Trainer(model, { optimizer, loss: 'crossEntropy' });
  const before = noGrad(() => crossEntropy(model.forward(x), y, { reduction: 'none' }).toArray() as number[]);
  await trainer.fit(new DataLoader(new TensorDataset(x, y, w), { batchSize: 90 }), {
    epochs: 1,
    verbose: 0,
    callbacks: [{ onBatchEnd: (_b, logs) => void seen.push(logs.loss) }],
  });
  const expected = before.slice(0, 45).reduce((a, b) => a + 2 * b, 0) / 90;
  assert.ok(Math.abs(seen[0] - expected) < 1e-5, `${seen[0]} vs ${expected}`);
});

test('classWeight weighs each sample by its class (Keras: sum(w * loss) / N)', async () => {
  const { model, optimizer, x, y } = setup();
  const before = noGrad(() => crossEntropy(model.forward(x), y, { reduction: 'none' }).toArray() as number[]);
  const labels = y.toArray() as number[];
  const seen: number[] = [];
  await new Trainer(model, { optimizer, loss: 'crossEntropy' }).fit(x, y, {
    epochs: 1,
    batchSize: 90,
    shuffle: false,
    classWeight: { 0: 0, 2: 3 },
    verbose: 0,
    callbacks: [{ onBatchEnd: (_b, logs) => void seen.push(logs.loss) }],
  });
  const weight = [0, 1, 3];
  const expected = before.reduce((a, l, i) => a + weight[labels[i]] * l, 0) / 90;
  assert.ok(Math.abs(seen[0] - expected) < 1e-5, `${seen[0]} vs ${expected}`);
});

test('evaluate and predict run in eval mode without gradients and restore the mode', async () => {
  const { model, optimizer, x, y } = setup();
  const trainer = new Trainer(model, { optimizer, loss: 'crossEntropy', metrics: ['accuracy'] });
  const out = trainer.predict(x, { batchSize: 7 });
  assert.deepEqual(out.shape, [90, 3]);
  assert.equal(out.requiresGrad, false);
  assert.equal(model.training, true);
  const full = noGrad(() => model.forward(x));
  assert.deepEqual(out.toArray(), full.toArray());
  const r = await trainer.evaluate(x, y, { batchSize: 7 });
  assert.deepEqual(Object.keys(r), ['loss', 'accuracy']);
  assert.ok(Math.abs(r.loss - crossEntropy(full, y).item()) < 1e-6);
  const acc = (full.argmax(1).eq(y).sum().item() as number) / 90;
  assert.equal(r.accuracy, acc);
  model.eval();
  await trainer.fit(x, y, { epochs: 1, verbose: 0 });
  assert.equal(model.training, false, 'fit restores the mode it found');
});

test('hooks run in order; async hooks are awaited before training goes on', async () => {
  const { model, optimizer, x, y } = setup();
  const events: string[] = [];
  const recorder: Callback = {
    onTrainBegin: () => void events.push('trainBegin'),
    onEpochBegin: (e) => void events.push(`epochBegin ${e}`),
    onBatchBegin: (b) => void events.push(`batchBegin ${b}`),
    onBatchEnd: (b) => void events.push(`batchEnd ${b}`),
    onEpochEnd: async (e) => {
      await new Promise((r) => setTimeout(r, 5));
      events.push(`epochEnd ${e}`);
    },
    onTrainEnd: () => void events.push('trainEnd'),
  };
  await new Trainer(model, { optimizer, loss: 'crossEntropy' }).fit(x, y, { epochs: 2, batchSize: 45, verbose: 0, callbacks: [recorder] });
  const epoch = (e: number) => [`epochBegin ${e}`, 'batchBegin 0', 'batchEnd 0', 'batchBegin 1', 'batchEnd 1', `epochEnd ${e}`];
  assert.deepEqual(events, ['trainBegin', ...epoch(0), ...epoch(1), 'trainEnd']);
});

test('stopTraining ends fit after the current batch; initialEpoch continues a count', async () => {
  const { model, optimizer, x, y } = setup();
  const trainer = new Trainer(model, { optimizer, loss: 'crossEntropy' });
  const stopper: Callback = {
    onBatchEnd: (b) => {
      if (b === 1) trainer.stopTraining = true;
    },
  };
  const h = await trainer.fit(x, y, { epochs: 10, batchSize: 10, verbose: 0, callbacks: [stopper] });
  assert.equal(trainer.step, 2);
  assert.deepEqual(h.epoch, [0]);
  const h2 = await trainer.fit(x, y, { epochs: 4, initialEpoch: 2, verbose: 0 });
  assert.deepEqual(h2.epoch, [2, 3]);
});

test('a scheduler steps per epoch or per batch; ReduceLROnPlateau gets val_loss', async () => {
  let { model, optimizer, x, y } = setup(0, 0.1);
  let trainer = new Trainer(model, { optimizer, loss: 'crossEntropy', scheduler: new StepLR(optimizer, { stepSize: 1, gamma: 0.5 }) });
  let h = await trainer.fit(x, y, { epochs: 3, batchSize: 45, verbose: 0 });
  assert.deepEqual(h.history.learning_rate, [0.1, 0.05, 0.025]);
  ({ model, optimizer, x, y } = setup(0, 0.1));
  trainer = new Trainer(model, {
    optimizer,
    loss: 'crossEntropy',
    scheduler: new StepLR(optimizer, { stepSize: 1, gamma: 0.5 }),
    schedulerInterval: 'batch',
  });
  h = await trainer.fit(x, y, { epochs: 2, batchSize: 45, verbose: 0 });
  assert.deepEqual(h.history.learning_rate, [0.025, 0.00625]);
  ({ model, optimizer, x, y } = setup(0, 0.1));
  const plateau = new ReduceLROnPlateau(optimizer, { mode: 'max', patience: 0, factor: 0.5 }); // val_loss falls: never "better"
  trainer = new Trainer(model, { optimizer, loss: 'crossEntropy', scheduler: plateau });
  h = await trainer.fit(x, y, { epochs: 3, batchSize: 30, validationSplit: 0.2, verbose: 0 });
  assert.deepEqual(h.history.learning_rate, [0.1, 0.1, 0.05]);
  assert.equal(plateau.best, h.history.val_loss[0]);
});

test('clipGradNorm bounds each update', async () => {
  manualSeed(3);
  const model = new Linear(2, 3);
  const before = model.parameters().map((p) => p.clone());
  const { x, y } = blobs(30);
  const trainer = new Trainer(model, { optimizer: new SGD(model.parameters(), { lr: 1 }), loss: 'crossEntropy', clipGradNorm: 0.01 });
  await trainer.fit(x, y, { epochs: 1, batchSize: 30, verbose: 0 });
  const moved = model.parameters().reduce((a, p, i) => a + (p.sub(before[i]).square().sum().item() as number), 0);
  assert.ok(Math.abs(Math.sqrt(moved) - 0.01) < 1e-4, `update norm ${Math.sqrt(moved)}`);
});

test('clear errors for bad arguments', async () => {
  const { model, optimizer, x, y } = setup();
  const trainer = new Trainer(model, { optimizer, loss: 'crossEntropy' });
  await assert.rejects(trainer.fit(x, y.slice([0, 10]), { verbose: 0 }), /same number of samples/);
  await assert.rejects(trainer.fit(x, y, { batchSize: 0, verbose: 0 }), /batchSize must be a positive integer/);
  await assert.rejects(trainer.fit(x, y, { validationSplit: 1.5, verbose: 0 }), /validationSplit must be in \(0, 1\)/);
  await assert.rejects(trainer.fit(x, y, { epochs: 2, initialEpoch: 3, verbose: 0 }), /initialEpoch/);
  await assert.rejects(
    trainer.fit(new DataLoader(new TensorDataset(x, y)), { validationSplit: 0.1, verbose: 0 }),
    /with a DataLoader, pass validationData/,
  );
  await assert.rejects(trainer.fit(new DataLoader(new TensorDataset(x)), { verbose: 0 }), /each batch must be \[x, y\]/);
  assert.throws(() => new Trainer(model, { optimizer: {} as never, loss: 'mse' }), /optimizer must be an Optimizer/);
  assert.throws(() => new Trainer(model, { optimizer, loss: 'mse', metrics: ['mae', 'mae'] }), /'mae' is used twice/);
  assert.throws(() => new Trainer(model, { optimizer, loss: 'crossEntropy', metrics: ['auc'] }), /unknown metric 'auc'/);
  const logs: Logs[] = [];
  await trainer.fit(x, y, { epochs: 1, verbose: 0, callbacks: [{ onEpochEnd: (_e, l) => void logs.push(l) }] });
  assert.equal(logs.length, 1);
});

test("a model on another device than the data: batches (and class weights) move to the model's device; evaluate and predict too", async () => {
  const { x, y } = blobs(48);
  const run = async (device: string, dataDevice: string, predict = true) => {
    manualSeed(2);
    const model = new Sequential(new Linear(2, 8), new ReLU(), new Linear(8, 3)).to(device);
    const trainer = new Trainer(model, {
      optimizer: new Adam(model.parameters(), { lr: 0.05 }),
      loss: 'crossEntropy',
      metrics: ['accuracy', 'f1'],
    });
    const [dx, dy] = [x.to(dataDevice), y.to(dataDevice)];
    const history = await trainer.fit(dx, dy, {
      epochs: 3,
      batchSize: 8,
      seed: 1,
      verbose: 0,
      classWeight: { 0: 2 },
      validationData: [dx, dy],
    });
    const logs = await trainer.evaluate(dx, dy, { batchSize: 5 });
    if (!predict) return { history: history.history, logs, out: [], outDevice: '' }; // predict is synchronous: it cannot read a GPU's batches
    const out = trainer.predict(dx, { batchSize: 7 });
    return { history: history.history, logs, out: Array.from(await out.data()), outDevice: out.device };
  };
  const moved = await run('reference', 'cpu');
  const together = await run('reference', 'reference');
  assert.equal(moved.outDevice, 'reference');
  assert.deepEqual(moved.history, together.history);
  assert.deepEqual(moved.logs, together.logs);
  assert.deepEqual(moved.out, together.out);
  // data on a device read only asynchronously (as a GPU), the model on the CPU: batches read back with toAsync
  const fromAsync = await run('cpu', asyncRefDevice(), false);
  const onCpu = await run('cpu', 'cpu');
  assert.deepEqual(fromAsync.history, onCpu.history);
  assert.deepEqual(fromAsync.logs, onCpu.logs);
});
