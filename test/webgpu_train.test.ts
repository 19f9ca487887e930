// Everything above the engine on the 'webgpu' device: Trainer.fit/evaluate/predict with callbacks
// (EarlyStopping, ModelCheckpoint, TrainingCheckpoint, a learning-rate schedule, a progress bar) for
// an MLP and a small CNN, compared with the same seeded run on the CPU (the model is made on the CPU
// and moved, the data stays on the CPU and the Trainer moves each batch); no read-back inside a
// training step; the quick start's model and data trained to the CPU's accuracy; a model saved
// from the GPU loads on the CPU and back with the same predictions; a training checkpoint resumes
// across devices. Under CI=true a missing adapter fails instead of skipping (webgpu_kit.gpu).
//
// Run: npx tsc -p tsconfig.json && node --test dist/test/webgpu_train.test.js

import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import type { WebGpuDevice } from '../src/backend/webgpu/device.js';
import * as T from '../src/index.js';
import { scratchDir } from './cli_harness.js';
import { gpu } from './webgpu_kit.js';

const work = await scratchDir('tessera-webgpu-train-');

/** |a - b| <= rel * |b| + abs, elementwise, with the first mismatch named. */
function close(what: string, got: ArrayLike<number>, want: ArrayLike<number>, rel: number, abs: number): void {
  assert.equal(got.length, want.length, `${what}: length`);
  for (let i = 0; i < want.length; i++) {
    const ok = Math.abs(got[i] - want[i]) <= rel * Math.abs(want[i]) + abs || (Number.isNaN(got[i]) && Number.isNaN(want[i]));
    assert.ok(ok, `${what}[${i}]: ${got[i]} on webgpu, ${want[i]} on cpu`);
  }
}

/** Every parameter's values, in order, read asynchronously (works on every device). */
async function weights(model: T.Module): Promise<number[]> {
  const out: number[] = [];
  for (const p of model.parameters()) out.push(...(await p.data()));
  return out;
}

/** Three classes in 6 features, roughly separable: (N, 6) float32 and (N) int32, on the CPU. */
function blobs(n: number, seed: number): { x: T.Tensor; y: T.Tensor } {
  T.manualSeed(seed);
  const y = T.tensor(
    Array.from({ length: n }, (_, i) => (i * 7) % 3),
    { dtype: 'int32' },
  );
  const x = T.add(T.indexSelect(T.mul(T.eye(3, 6), 2), 0, y), T.mul(T.randn([n, 6]), 0.7));
  return { x, y };
}

/** Three classes of 1x8x8 images (a bright bar in a class-dependent place, plus noise), on the CPU. */
function bars(n: number, seed: number): { x: T.Tensor; y: T.Tensor } {
  T.manualSeed(seed);
  const labels = Array.from({ length: n }, (_, i) => (i * 5) % 3);
  const pixels = new Float32Array(n * 64);
  labels.forEach((c, i) => {
    for (let k = 0; k < 8; k++) pixels[i * 64 + (c * 3 + 1) * 8 + k] = 1; // row 1, 4 or 7
  });
  const x = T.add(T.tensor(Array.from(pixels)).reshape([n, 1, 8, 8]), T.mul(T.randn([n, 1, 8, 8]), 0.3));
  return { x, y: T.tensor(labels, { dtype: 'int32' }) };
}

/**
 * A callback that records the device's read-backs inside each training step (between onBatchBegin
 * and onBatchEnd): there must be none.
 */
class StepReads implements T.Callback {
  inside = 0;
  steps = 0;
  private start = 0;
  private reads = 0;
  constructor(dev: WebGpuDevice) {
    const read = dev.read.bind(dev);
    dev.read = (...args: Parameters<WebGpuDevice['read']>) => {
      this.reads++;
      return read(...args);
    };
  }
  onBatchBegin(): void {
    this.start = this.reads;
  }
  onBatchEnd(): void {
    this.inside += this.reads - this.start;
    this.steps++;
  }
}

interface RunResult {
  history: Record<string, number[]>;
  evaluated: Record<string, number>;
  predicted: number[];
  weights: number[];
  weightsEpoch: number;
  lrs: number[];
  bar: string;
}

/**
 * Trains `make()` on `device` with every kind of callback, then evaluates and predicts; the model is
 * made on the CPU (same seeded weights) and moved.
 */
async function runOn(
  device: string,
  make: () => T.Module,
  data: { x: T.Tensor; y: T.Tensor; vx: T.Tensor; vy: T.Tensor },
  dir: string,
  extra: T.Callback[] = [],
  optim: (params: T.Tensor[]) => T.Optimizer = (params) => new T.Adam(params, { lr: 0.02 }),
): Promise<RunResult> {
  T.manualSeed(11);
  const model = make().to(device);
  const optimizer = optim(model.parameters());
  const scheduler = new T.StepLR(optimizer, { stepSize: 2, gamma: 0.5 });
  const trainer = new T.Trainer(model, {
    optimizer,
    loss: 'crossEntropy',
    metrics: ['accuracy', 'top2', 'f1'],
    clipGradNorm: 5,
    scheduler,
  });
  let bar = '';
  const lrs: number[] = [];
  const history = await trainer.fit(data.x, data.y, {
    epochs: 5,
    batchSize: 16,
    seed: 3,
    verbose: 0,
    validationData: [data.vx, data.vy],
    callbacks: [
      ...extra, // first: StepReads sees a step's end before a checkpoint reads
      new T.EarlyStopping({ monitor: 'val_loss', patience: 2, restoreBestWeights: true }),
      new T.ModelCheckpoint(join(dir, 'models'), { monitor: 'val_accuracy', saveBestOnly: true }),
      new T.TrainingCheckpoint(join(dir, 'ckpt'), { everySteps: 5 }),
      new T.ProgressBar({ mode: 'epoch', stream: { write: (s: string) => (bar += s), isTTY: false } }),
      { onEpochEnd: (_e: number, logs: T.Logs) => void lrs.push(logs.learning_rate) },
    ],
  });
  const evaluated = await trainer.evaluate(data.vx, data.vy, { batchSize: 7 });
  const predicted = Array.from(await trainer.predict(data.vx, { batchSize: 9 }).data());
  return { history: history.history, evaluated, predicted, weights: await weights(model), weightsEpoch: history.weightsEpoch, lrs, bar };
}

function compareRuns(got: RunResult, want: RunResult, tol: { rel: number; abs: number }): void {
  assert.deepEqual(Object.keys(got.history).sort(), Object.keys(want.history).sort());
  for (const [k, v] of Object.entries(want.history)) close(`history.${k}`, got.history[k], v, tol.rel, tol.abs);
  for (const [k, v] of Object.entries(want.evaluated)) close(`evaluate.${k}`, [got.evaluated[k]], [v], tol.rel, tol.abs);
  close('predict', got.predicted, want.predicted, tol.rel, tol.abs * 10);
  close('weights', got.weights, want.weights, tol.rel, tol.abs * 10);
  assert.equal(got.weightsEpoch, want.weightsEpoch);
  assert.deepEqual(got.lrs, want.lrs);
}

test('an MLP: fit (validation, metrics, clipping, StepLR, EarlyStopping, ModelCheckpoint, TrainingCheckpoint, progress), evaluate and predict on webgpu equal the seeded CPU run; no read-back inside a step', async (t) => {
  const dev = await gpu(t);
  if (dev === null) return;
  const { x, y } = blobs(96, 1);
  const { x: vx, y: vy } = blobs(40, 2);
  const make = () => new T.Sequential(new T.Linear(6, 16), new T.ReLU(), new T.Linear(16, 16), new T.Tanh(), new T.Linear(16, 3));
  const reads = new StepReads(dev);
  const before = dev.dispatches;
  const got = await runOn('webgpu', make, { x, y, vx, vy }, join(work, 'mlp-gpu'), [reads]);
  const want = await runOn('cpu', make, { x, y, vx, vy }, join(work, 'mlp-cpu'));
  assert.ok(dev.dispatches - before > 500, `the work ran on the GPU: ${dev.dispatches - before} dispatches`);
  assert.equal(reads.steps, got.history.loss.length * 6, 'steps seen');
  assert.equal(reads.inside, 0, 'read-backs inside training steps');
  assert.ok((got.history.val_accuracy.at(-1) ?? 0) > 0.8, `val_accuracy ${got.history.val_accuracy}`);
  compareRuns(got, want, { rel: 2e-3, abs: 2e-4 });
  assert.match(got.bar, /Epoch \d\/5 - .* - loss: \d\.\d+ - accuracy: \d\.\d+/);
  // the checkpoints written from the GPU load on the CPU
  const best = await T.loadModel(join(work, 'mlp-gpu', 'models', 'best'));
  assert.equal(best.parameters()[0].device, 'cpu');
});

test('a small CNN (Conv2d, BatchNorm2d, MaxPool2d, Flatten, Linear): fit, evaluate and predict on webgpu equal the seeded CPU run', async (t) => {
  const dev = await gpu(t);
  if (dev === null) return;
  const { x, y } = bars(48, 4);
  const { x: vx, y: vy } = bars(24, 5);
  const make = () =>
    new T.Sequential(
      new T.Conv2d(1, 4, 3, { padding: 1 }),
      new T.BatchNorm2d(4),
      new T.ReLU(),
      new T.MaxPool2d(2),
      new T.Conv2d(4, 6, 3),
      new T.ReLU(),
      new T.Flatten(),
      new T.Linear(6 * 2 * 2, 3),
    );
  const reads = new StepReads(dev);
  // SGD with momentum: Adam's normalised steps turn float32 rounding differences of near-zero gradients into visible ones
  const sgd = (params: T.Tensor[]) => new T.SGD(params, { lr: 0.05, momentum: 0.9 });
  const got = await runOn('webgpu', make, { x, y, vx, vy }, join(work, 'cnn-gpu'), [reads], sgd);
  const want = await runOn('cpu', make, { x, y, vx, vy }, join(work, 'cnn-cpu'), [], sgd);
  assert.equal(reads.inside, 0, 'read-backs inside training steps');
  assert.ok((got.history.val_accuracy.at(-1) ?? 0) > 0.8, `val_accuracy ${got.history.val_accuracy}`);
  compareRuns(got, want, { rel: 5e-3, abs: 5e-4 });
});

test("the quick start's model and data (MLP 784-128-10, fashion-mnist-small) train on webgpu to the CPU's accuracy", async (t) => {
  const dev = await gpu(t);
  if (dev === null) return;
  const { train, test: testSplit } = await T.loadBuiltin('fashion-mnist-small', { flatten: true });
  const epochs = 10;
  const run = async (device: string) => {
    T.manualSeed(0);
    const model = new T.Sequential(new T.Linear(784, 128), new T.ReLU(), new T.Linear(128, 10)).to(device);
    const trainer = new T.Trainer(model, {
      optimizer: new T.Adam(model.parameters(), { lr: 0.001 }),
      loss: 'crossEntropy',
      metrics: ['accuracy'],
    });
    const started = performance.now();
    await trainer.fit(train.images, train.labels, { epochs, batchSize: 32, validationSplit: 0.1, seed: 0, verbose: 0 });
    const seconds = (performance.now() - started) / 1000;
    const { loss, accuracy } = await trainer.evaluate(testSplit.images, testSplit.labels, { batchSize: 250 });
    return { loss, accuracy, seconds };
  };
  const gpuRun = await run('webgpu');
  const cpuRun = await run('cpu');
  console.log(
    `quick start, ${epochs} epochs: webgpu (${dev.adapter.info?.description ?? 'adapter'}) accuracy ${gpuRun.accuracy} in ${gpuRun.seconds.toFixed(1)} s; cpu accuracy ${cpuRun.accuracy} in ${cpuRun.seconds.toFixed(1)} s`,
  );
  assert.ok(gpuRun.accuracy >= 0.75, `test accuracy on webgpu ${gpuRun.accuracy} (the dataset promises >= 75%)`);
  assert.ok(Math.abs(gpuRun.accuracy - cpuRun.accuracy) <= 0.01, `test accuracy ${gpuRun.accuracy} on webgpu, ${cpuRun.accuracy} on cpu`);
  assert.ok(Math.abs(gpuRun.loss - cpuRun.loss) <= 0.01 * cpuRun.loss + 1e-3, `test loss ${gpuRun.loss} on webgpu, ${cpuRun.loss} on cpu`);
});

test('a model saved from webgpu loads on the CPU and back onto webgpu with the same predictions', async (t) => {
  const dev = await gpu(t);
  if (dev === null) return;
  const { x, y } = bars(24, 6);
  T.manualSeed(2);
  const model = new T.Sequential(new T.Conv2d(1, 3, 3), new T.BatchNorm2d(3), new T.ReLU(), new T.Flatten(), new T.Linear(3 * 6 * 6, 3)).to(
    'webgpu',
  );
  const trainer = new T.Trainer(model, { optimizer: new T.SGD(model.parameters(), { lr: 0.05, momentum: 0.9 }), loss: 'crossEntropy' });
  await trainer.fit(x, y, { epochs: 2, batchSize: 8, verbose: 0 }); // running statistics move off their init
  const onGpu = Array.from(await trainer.predict(x).data());
  const dir = join(work, 'saved-from-gpu');
  await T.saveModel(model, dir);
  const back = await T.loadModel(dir);
  assert.equal(back.parameters()[0].device, 'cpu');
  const onCpu = Array.from(await T.noGrad(() => back.eval().forward(x)).data());
  close('cpu predictions of the model saved from webgpu', onCpu, onGpu, 1e-4, 1e-5);
  back.to('webgpu');
  const again = Array.from(await T.noGrad(() => back.forward(x.to('webgpu'))).data());
  close('webgpu predictions after the round trip', again, onGpu, 0, 0);
});

test('a training checkpoint resumes across devices: webgpu -> cpu and cpu -> webgpu go on as the uninterrupted run', async (t) => {
  const dev = await gpu(t);
  if (dev === null) return;
  const { x, y } = blobs(64, 8);
  const trainerOn = (device: string) => {
    T.manualSeed(5);
    const model = new T.Sequential(new T.Linear(6, 12), new T.ReLU(), new T.Linear(12, 3)).to(device);
    const optimizer = new T.AdamW(model.parameters(), { lr: 0.01 });
    return new T.Trainer(model, {
      optimizer,
      loss: 'crossEntropy',
      metrics: ['accuracy'],
      scheduler: new T.StepLR(optimizer, { stepSize: 1, gamma: 0.8 }),
    });
  };
  const fit = (trainer: T.Trainer, epochs: number, callbacks: T.Callback[] = []) =>
    trainer.fit(x, y, { epochs, batchSize: 16, seed: 1, verbose: 0, callbacks });
  const whole = trainerOn('cpu');
  const wholeHistory = await fit(whole, 4);
  for (const [from, to] of [
    ['webgpu', 'cpu'],
    ['cpu', 'webgpu'],
  ]) {
    const dir = join(work, `resume-${from}-${to}`);
    const first = trainerOn(from);
    const crash = {
      onBatchEnd: () => {
        if (first.step === 6) throw new Error('killed at step 6');
      },
    };
    await assert.rejects(fit(first, 4, [new T.TrainingCheckpoint(dir, { everySteps: 6 }), crash]), /killed at step 6/);
    assert.equal(first.step, 6, 'killed mid-epoch 2, after the checkpoint of step 6');
    const second = trainerOn(to);
    const info = await T.resumeTraining(dir, second);
    assert.deepEqual([info.epoch, info.step, info.midEpoch], [1, 6, 2]);
    const resumed = await fit(second, 4);
    assert.equal(second.model.parameters()[0].device, to);
    close(`${from} -> ${to}: loss history`, resumed.history.loss, wholeHistory.history.loss, 2e-3, 2e-4);
    close(`${from} -> ${to}: accuracy history`, resumed.history.accuracy, wholeHistory.history.accuracy, 0, 1e-6);
    close(`${from} -> ${to}: final weights`, await weights(second.model), await weights(whole.model), 2e-3, 2e-4);
  }
});

test('data already on webgpu (a DataLoader gathering GPU rows, validationSplit) trains as data on the CPU', async (t) => {
  const dev = await gpu(t);
  if (dev === null) return;
  const { x, y } = blobs(60, 9);
  const run = async (dataDevice: string) => {
    T.manualSeed(6);
    const model = new T.Sequential(new T.Linear(6, 10), new T.ReLU(), new T.Linear(10, 3)).to('webgpu');
    const trainer = new T.Trainer(model, {
      optimizer: new T.SGD(model.parameters(), { lr: 0.1 }),
      loss: 'crossEntropy',
      metrics: ['accuracy'],
    });
    const history = await trainer.fit(x.to(dataDevice), y.to(dataDevice), {
      epochs: 3,
      batchSize: 8,
      seed: 2,
      verbose: 0,
      validationSplit: 0.2,
    });
    return { history: history.history, weights: await weights(model) };
  };
  const onGpu = await run('webgpu');
  const onCpu = await run('cpu');
  for (const [k, v] of Object.entries(onCpu.history)) close(`history.${k}`, onGpu.history[k], v, 1e-5, 1e-6);
  close('weights', onGpu.weights, onCpu.weights, 1e-5, 1e-6);
});
