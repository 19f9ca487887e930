// The parts of tessera that read tensor values (fit, evaluate, predict, metrics, callbacks, saving
// and the CLI) read them asynchronously, so they run on a device that refuses synchronous reads (a
// GPU: no buffer can be mapped synchronously). Simulated by sync_reads.ts: item(), toArray() and
// toTypedArray() throw, data() and array() work, and the devices say they cannot be read
// synchronously, so the engine takes its on-device paths; its own synchronous reads of a device's
// memory would be let through and listed (ENGINE_READS_NOW: none are left).
//
// Run: npx tsc -p tsconfig.json && node --test dist/test/async_reads.test.js

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import * as T from '../src/index.js';
import { CLI_MAIN, type CliResult, scratchDir, writeText } from './cli_harness.js';
import { refuseSyncReads, type SyncReadRefusal } from './sync_reads.js';

const work = await scratchDir('tessera-async-reads-');
const PRELOAD = fileURLToPath(new URL('./sync_reads_preload.js', import.meta.url));
const CUSTOMERS = fileURLToPath(new URL('../../test/fixtures/cli_tabular/customers.csv', import.meta.url));

/** Runs `body` with synchronous reads refused; returns the engine reads let through. */
async function refusing(body: () => Promise<void>): Promise<Map<string, number>> {
  const refusal: SyncReadRefusal = refuseSyncReads();
  try {
    await body();
  } finally {
    refusal.restore();
  }
  return refusal.engineReads;
}

/**
 * The engine's synchronous reads that these runs still make: none. With the devices saying they
 * cannot be read synchronously (sync_reads.ts), crossEntropy and nllLoss are computed on the device
 * (src/ops/nll.ts), index checks fold into the results (src/ops/indexing.ts), and pow, BCE, batch
 * norm and clipGradNorm read nothing; any file reading synchronously fails the test. (What reads
 * synchronously where a device allows it: the index and target checks, the host cross-entropy,
 * Tensor.to between devices, and a loss module's getConfig, which reads its class weights.)
 */
const ENGINE_READS_NOW: string[] = [];

function assertEngineOnly(callers: Iterable<string>): void {
  for (const caller of callers) {
    const file = caller.replace(/:\d+$/, '');
    assert.ok(ENGINE_READS_NOW.includes(file), `an unexpected synchronous read at ${caller}`);
  }
}

/** Three classes in 4 features, separable: (N, 4) float32 and (N) int32. */
function blobs(n: number): { x: T.Tensor; y: T.Tensor } {
  T.manualSeed(7);
  const y = T.tensor(
    Array.from({ length: n }, (_, i) => i % 3),
    { dtype: 'int32' },
  );
  const centers = T.tensor([
    [2, 0, 0, 0],
    [0, 2, 0, 0],
    [0, 0, 2, 0],
  ]);
  const x = T.add(T.indexSelect(centers, 0, y), T.mul(T.randn([n, 4]), 0.3));
  return { x, y };
}

test('the refusal is real: item(), toArray() and toTypedArray() throw, data() and array() work', async () => {
  const t = T.tensor([1, 2, 3]);
  await refusing(async () => {
    assert.throws(() => t.toTypedArray(), /toTypedArray\(\): this device reads only asynchronously, use await t.data\(\)/);
    assert.throws(() => t.toArray(), /toArray\(\): this device reads only asynchronously, use await t.array\(\)/);
    assert.throws(() => T.tensor(5).item(), /item\(\): this device reads only asynchronously/);
    assert.deepEqual([...(await t.data())], [1, 2, 3]);
    assert.deepEqual(await t.array(), [1, 2, 3]);
  });
  assert.deepEqual(t.toArray(), [1, 2, 3]); // restored
});

test('fit (validation, metrics, clipping, EarlyStopping, ModelCheckpoint, TrainingCheckpoint), evaluate, predict, save and load read asynchronously', async () => {
  const { x, y } = blobs(96);
  const { x: vx, y: vy } = blobs(30);
  const dir = join(work, 'lib');
  let history: T.History | undefined;
  let logs: Record<string, number> = {};
  let predicted: number[] = [];
  let reloaded: number[] = [];
  let resumed: T.History | undefined;
  const model = new T.Sequential(new T.Linear(4, 16), new T.BatchNorm1d(16), new T.ReLU(), new T.Linear(16, 3));
  const engine = await refusing(async () => {
    const optimizer = new T.Adam(model.parameters(), { lr: 0.05 });
    const trainer = new T.Trainer(model, {
      optimizer,
      loss: 'crossEntropy',
      metrics: ['accuracy', 'top2', 'precision', 'recall', 'f1'],
      clipGradNorm: 1,
      scheduler: new T.ReduceLROnPlateau(optimizer, { patience: 1 }),
    });
    history = await trainer.fit(x, y, {
      epochs: 4,
      batchSize: 16,
      verbose: 0,
      validationData: [vx, vy],
      callbacks: [
        new T.EarlyStopping({ monitor: 'val_loss', patience: 2, restoreBestWeights: true }),
        new T.ModelCheckpoint(join(dir, 'best'), { monitor: 'val_accuracy', saveBestOnly: true }),
        new T.TrainingCheckpoint(join(dir, 'ckpt'), { everySteps: 3 }),
      ],
    });
    logs = await trainer.evaluate(vx, vy, { batchSize: 8 });
    predicted = (await trainer.predict(vx, { batchSize: 7 }).argmax(1).array()) as number[];
    await T.saveModel(model, join(dir, 'final'));
    await T.saveTrainingCheckpoint(join(dir, 'manual'), trainer);
    const back = await T.loadModel(join(dir, 'final'));
    reloaded = (await back.eval().forward(vx).argmax(1).array()) as number[];
    // resume from the checkpoint and train on
    const model2 = new T.Sequential(new T.Linear(4, 16), new T.BatchNorm1d(16), new T.ReLU(), new T.Linear(16, 3));
    const optimizer2 = new T.Adam(model2.parameters(), { lr: 0.05 });
    const trainer2 = new T.Trainer(model2, {
      optimizer: optimizer2,
      loss: 'crossEntropy',
      metrics: ['accuracy', 'top2', 'precision', 'recall', 'f1'],
      clipGradNorm: 1,
      scheduler: new T.ReduceLROnPlateau(optimizer2, { patience: 1 }),
    });
    await T.resumeTraining(join(dir, 'manual'), trainer2);
    resumed = await trainer2.fit(x, y, { epochs: 6, batchSize: 16, verbose: 0 });
  });
  assert.ok(history !== undefined && resumed !== undefined);
  // the values read asynchronously are the values: check them with the synchronous reads back
  const h = history.history;
  for (const key of ['loss', 'accuracy', 'top2', 'precision', 'recall', 'f1', 'val_loss', 'val_accuracy']) {
    assert.ok(h[key].length >= 1 && h[key].every(Number.isFinite), `${key}: ${h[key]}`);
  }
  assert.equal(
    h.top2.every((v, i) => v >= h.accuracy[i]),
    true,
  );
  assert.ok(logs.accuracy > 0.9, `accuracy on separable blobs: ${logs.accuracy}`);
  const truth = Array.from(vy.toTypedArray());
  assert.ok(predicted.filter((p, i) => p === truth[i]).length / truth.length > 0.9);
  assert.deepEqual(reloaded, predicted);
  assert.ok(resumed.epoch.length >= 1);
  // the loss read once per batch is the batch's loss: evaluate's loss (batches of 8) is the mean over the data
  const whole = T.noGrad(() => T.crossEntropy(model.eval().forward(vx), vy)).item();
  assert.ok(Math.abs(logs.loss - whole) < 1e-5, `evaluate loss ${logs.loss} vs ${whole}`);
  // what the engine still reads synchronously (its own input checks), nothing from train/io/optim
  assertEngineOnly(engine.keys());
  console.log(`engine reads let through: ${JSON.stringify(Object.fromEntries(engine))}`);
});

test('a regression fit (MSE loss, MAE and MSE metrics, validationSplit) reads asynchronously', async () => {
  T.manualSeed(3);
  const x = T.randn([64, 3]);
  const y = T.sum(T.mul(x, T.tensor([1, -2, 0.5])), 1, true);
  const engine = await refusing(async () => {
    const model = new T.Sequential(new T.Linear(3, 8), new T.Tanh(), new T.Linear(8, 1));
    const trainer = new T.Trainer(model, {
      optimizer: new T.Adam(model.parameters(), { lr: 0.02 }),
      loss: 'mse',
      metrics: ['mae', 'mse'],
      clipGradNorm: 5,
    });
    const history = await trainer.fit(x, y, { epochs: 3, batchSize: 16, verbose: 0, validationSplit: 0.25 });
    assert.ok(history.history.val_mae.every(Number.isFinite));
    const { loss, mse } = await trainer.evaluate(x, y);
    assert.ok(Math.abs(loss - mse) < 1e-5, `the mse metric equals the mse loss: ${loss} vs ${mse}`);
  });
  assertEngineOnly(engine.keys());
});

test('crossValidate (Keras form, stratified) and bootstrapEvaluate read tensors asynchronously', async () => {
  const { x, y } = blobs(60);
  const newTrainer = () => {
    const m = new T.Sequential(new T.Linear(4, 8), new T.ReLU(), new T.Linear(8, 3));
    return T.compile(m, { optimizer: new T.Adam(m.parameters(), { lr: 0.05 }), loss: 'crossEntropy', metrics: ['accuracy'] });
  };
  /** Accuracy of (N, K) probabilities, read with await (an AsyncFoldMetricFn). */
  const accuracy = async (yTrue: Float64Array, pred: T.Predictions): Promise<number> => {
    const p = pred instanceof T.Tensor ? await pred.data() : pred;
    const k = p.length / yTrue.length;
    let hits = 0;
    yTrue.forEach((label, i) => {
      const row = Array.from(p.subarray(i * k, (i + 1) * k));
      if (row.indexOf(Math.max(...row)) === label) hits++;
    });
    return hits / yTrue.length;
  };
  let cv: T.CrossValidateResult | undefined;
  let boot: T.Bootstrap632Result | undefined;
  const engine = await refusing(async () => {
    cv = await T.crossValidate({
      x,
      y,
      splitter: new T.StratifiedKFold({ nSplits: 3, shuffle: true, seed: 0 }),
      seed: 0,
      factory: newTrainer,
      fit: { epochs: 3, batchSize: 8 },
      predict: 'proba',
      metrics: { accuracy },
      returnPredictions: true,
    });
    boot = await T.bootstrapEvaluate({
      yTrue: y,
      loss: 'zeroOne',
      nResamples: 3,
      seed: 0,
      fitPredict: async ({ trainIndex, testIndex }) => {
        const trainer = newTrainer();
        await trainer.fit(T.takeRows(x, trainIndex), T.takeRows(y, trainIndex), { epochs: 2, batchSize: 8, verbose: 0 });
        return T.softmax(trainer.predict(T.takeRows(x, testIndex)), -1);
      },
    });
  });
  assert.ok(cv !== undefined && boot !== undefined);
  assert.ok(cv.mean.accuracy > 0.8, `cross-validated accuracy ${cv.mean.accuracy}`);
  assert.deepEqual((cv.predictions as T.Tensor).shape, [60, 3]);
  assert.ok(boot.e632plus >= 0 && boot.e632plus < 0.3, `.632+ error ${boot.e632plus}`);
  assertEngineOnly(engine.keys());
});

/** Runs the CLI in a child process with synchronous reads refused; returns its result and the engine reads. */
function runRefusing(args: string[]): Promise<CliResult & { engine: Record<string, number> }> {
  const log = join(work, `engine-reads-${Math.random().toString(36).slice(2)}.json`);
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', PRELOAD, CLI_MAIN, ...args], {
      cwd: work,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, TESSERA_TEST_ENGINE_READS: log },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', async (code) => {
      const engine = JSON.parse(await readFile(log, 'utf8').catch(() => '{}'));
      resolve({ code, stdout, stderr, engine });
    });
  });
}

const CHURN = `
seed: 0
data:
  source: csv
  path: ${CUSTOMERS}
  target: churned
  drop: [id, monthly_spend]
  testSplit: 0.2
  validationSplit: 0.2
  batchSize: 32
preprocessing:
  - { type: SimpleImputer, strategy: median, columns: [age, income] }
  - { type: StandardScaler }
  - { type: SimpleImputer, strategy: mostFrequent, columns: [plan] }
  - { type: OneHotEncoder, handleUnknown: ignore }
classWeight: balanced
model: { preset: mlp, hidden: [16] }
optimizer: { type: adam, lr: 0.01 }
metrics: [accuracy, f1]
epochs: 4
callbacks:
  earlyStopping: { monitor: val_loss, patience: 2 }
`;

test('the CLI train, evaluate and predict run with synchronous reads refused', async () => {
  const out = join(work, 'cli-run');
  const config = await writeText(work, 'churn.yaml', CHURN);
  const train = await runRefusing(['train', config, '--output', out]);
  assert.equal(train.code, 0, train.stderr);
  assert.match(train.stdout, /Saved the model to/);
  const evaluate = await runRefusing(['evaluate', out, '--json']);
  assert.equal(evaluate.code, 0, evaluate.stderr);
  assert.ok(Number.isFinite(JSON.parse(evaluate.stdout).results.loss));
  const predictions = join(work, 'predictions.csv');
  const predict = await runRefusing(['predict', out, CUSTOMERS, '--out', predictions]);
  assert.equal(predict.code, 0, predict.stderr);
  assert.ok((await readFile(predictions, 'utf8')).split('\n').length > 10);
  for (const r of [train, evaluate, predict]) {
    assertEngineOnly(Object.keys(r.engine));
  }
  console.log(`CLI engine reads let through: ${JSON.stringify([train.engine, evaluate.engine, predict.engine])}`);
});

const IMAGES = `
seed: 0
data:
  source: builtin:fashion-mnist-small
  validationSplit: 0.1
  batchSize: 128
model:
  layers:
    - { type: Linear, inFeatures: 784, outFeatures: 32 }
    - { type: ReLU }
    - { type: Linear, inFeatures: 32, outFeatures: 10 }
optimizer: { type: adam, lr: 0.002 }
loss: crossEntropy
metrics: [accuracy, top3]
epochs: 1
`;

test('the CLI on images (train, resume, evaluate, predict) and cross-validation run with synchronous reads refused', async () => {
  const out = join(work, 'cli-images');
  const config = await writeText(work, 'images.yaml', IMAGES);
  const train = await runRefusing(['train', config, '--output', out]);
  assert.equal(train.code, 0, train.stderr);
  // --resume: the checkpoint is loaded and the data fingerprinted with asynchronous reads
  const resumed = await runRefusing(['train', config, '--output', out, '--resume', '--epochs', '2']);
  assert.equal(resumed.code, 0, resumed.stderr);
  assert.match(resumed.stdout, /Trained 2 epochs/);
  const evaluate = await runRefusing(['evaluate', out, '--json']);
  assert.equal(evaluate.code, 0, evaluate.stderr);
  assert.ok(JSON.parse(evaluate.stdout).results.accuracy > 0.5);
  const predict = await runRefusing(['predict', out, 'builtin:fashion-mnist-small:test', '--limit', '5', '--json']);
  assert.equal(predict.code, 0, predict.stderr);
  const cv = await runRefusing([
    'evaluate',
    await writeText(work, 'churn-cv.yaml', CHURN),
    '--cv',
    '2',
    '--epochs',
    '2',
    '--quiet',
    '--json',
  ]);
  assert.equal(cv.code, 0, cv.stderr);
  for (const r of [train, resumed, evaluate, predict, cv]) assertEngineOnly(Object.keys(r.engine));
});
