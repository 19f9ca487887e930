// Crash consistency of every writer, by failure injection at every step (crash_steps.ts): a kill
// or a power loss before any mutating file operation of saveModel, saveCheckpoint, ModelCheckpoint's
// best/ and last/, the CSV and JSON loggers and writeFileAtomic (predict --out, charts) leaves each
// folder loading as the version before or the version being written, compared bit for bit; and once
// the writer returns, the new version survives a power loss.

import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { Linear, manualSeed, ReLU, randn, Sequential, SGD, type Tensor } from '../src/index.js';
import { writeFileAtomic } from '../src/io/atomic.js';
import { loadCheckpoint, saveCheckpoint } from '../src/io/checkpoint_files.js';
import { loadModelFiles, MODEL_JSON, MODEL_WEIGHTS, saveModel } from '../src/io/model_files.js';
import type { Callback } from '../src/train/callbacks/callback.js';
import { CSVLogger, JSONLogger } from '../src/train/callbacks/loggers.js';
import { ModelCheckpoint } from '../src/train/callbacks/model_checkpoint.js';
import { Trainer } from '../src/train/trainer.js';
import { crashEveryStep } from './crash_steps.js';

const base = mkdtempSync(join(tmpdir(), 'tessera-crash-writers-'));
const architecture = { type: 'Linear', config: { inFeatures: 4, outFeatures: 3 } };
const weights = (seed: number): Record<string, Tensor> => {
  manualSeed(seed);
  return { weight: randn([3, 4]), bias: randn([3]) };
};
const bytesOf = (t: Tensor) => Buffer.from(new Uint8Array(t.toTypedArray().buffer.slice(0)));
const sameWeights = (a: Record<string, Tensor>, b: Record<string, Tensor>) =>
  Object.keys(a).length === Object.keys(b).length &&
  Object.entries(b).every(([k, t]) => a[k] !== undefined && bytesOf(a[k]).equals(bytesOf(t)));

/** Which of `versions` the weights are (bit for bit), counting from `from`; throws if none. */
function versionOf(loaded: Record<string, Tensor>, versions: Record<string, Tensor>[], what: string, from: number): number {
  const i = versions.findIndex((v) => sameWeights(loaded, v));
  if (i < 0) throw new Error(`${what} loads weights that are none of the versions written`);
  return i + from;
}

/** A model folder's version: 0 when it is missing (if allowed), else which of `versions` it holds. */
async function modelVersion(dir: string, versions: Record<string, Tensor>[], missingOk: boolean): Promise<number> {
  if (missingOk && !existsSync(join(dir, MODEL_JSON))) return 0;
  return versionOf((await loadModelFiles(dir)).stateDict, versions, dir, missingOk ? 1 : 0);
}

async function checkpointVersion(dir: string, versions: Record<string, Tensor>[], missingOk: boolean): Promise<number> {
  if (missingOk && !existsSync(join(dir, 'checkpoint.json'))) return 0;
  return versionOf((await loadCheckpoint(dir)).model, versions, dir, missingOk ? 1 : 0);
}

test('saveModel into a new nested folder: missing or new at every step, durable once it returns', async () => {
  const root = join(base, 'new-model');
  const w1 = weights(1);
  const steps = await crashEveryStep({
    root,
    run: async () => void (await saveModel(join(root, 'runs', 'a', 'm'), { stateDict: w1, architecture })),
    label: async (dir) => ({ m: await modelVersion(join(dir, 'runs', 'a', 'm'), [w1], true) }),
    final: { m: 1 },
  });
  assert.ok(steps >= 10, `saveModel made only ${steps} mutating operations`);
});

test('saveModel over a saved model: the old or the new model at every step, never missing or refused', async () => {
  const root = join(base, 'resave-model');
  const m = join(root, 'm');
  const [w0, w1] = [weights(2), weights(3)];
  await crashEveryStep({
    root,
    setup: async () => void (await saveModel(m, { stateDict: w0, architecture, metadata: { v: 0 } })),
    run: async () => void (await saveModel(m, { stateDict: w1, architecture, metadata: { v: 1 } })),
    label: async (dir) => ({ m: await modelVersion(join(dir, 'm'), [w0, w1], false) }),
    final: { m: 1 },
  });
});

test('saveModel over a model of an earlier version (model.json naming model.safetensors): old or new', async () => {
  const root = join(base, 'legacy-model');
  const m = join(root, 'm');
  const [w0, w1] = [weights(4), weights(5)];
  await crashEveryStep({
    root,
    setup: async () => {
      const saved = await saveModel(m, { stateDict: w0, architecture });
      const manifest = JSON.parse(readFileSync(saved.json, 'utf8'));
      manifest.weights.file = MODEL_WEIGHTS;
      delete manifest.checksum; // as earlier versions wrote it
      writeFileSync(join(m, MODEL_WEIGHTS), readFileSync(saved.weights));
      writeFileSync(saved.json, JSON.stringify(manifest));
    },
    run: async () => void (await saveModel(m, { stateDict: w1, architecture })),
    label: async (dir) => ({ m: await modelVersion(join(dir, 'm'), [w0, w1], false) }),
    final: { m: 1 },
  });
});

test('saveCheckpoint, into a new folder and over an existing checkpoint: missing/old or new at every step', async () => {
  const root = join(base, 'checkpoint');
  const c = join(root, 'runs', 'ck');
  const [w0, w1] = [weights(6), weights(7)];
  const state = (w: Record<string, Tensor>, epoch: number) => ({ model: w, optimizer: { state: { m: w.bias } }, epoch });
  await crashEveryStep({
    root,
    run: async () => void (await saveCheckpoint(c, state(w0, 1))),
    label: async (dir) => ({ ck: await checkpointVersion(join(dir, 'runs', 'ck'), [w0], true) }),
    final: { ck: 1 },
  });
  await crashEveryStep({
    root,
    setup: async () => void (await saveCheckpoint(c, state(w0, 1))),
    run: async () => void (await saveCheckpoint(c, state(w1, 2))),
    label: async (dir) => ({ ck: await checkpointVersion(join(dir, 'runs', 'ck'), [w0, w1], false) }),
    final: { ck: 1 },
  });
});

test("ModelCheckpoint's best/ and last/ (model and training checkpoint) during fit: a saved epoch stays loadable", async () => {
  const root = join(base, 'model-checkpoint');
  const epochs: Record<string, Tensor>[] = [];
  const fit = async (record: boolean) => {
    manualSeed(0);
    const model = new Sequential(new Linear(3, 4), new ReLU(), new Linear(4, 1));
    const x = randn([16, 3]);
    const grab: Callback = {
      onEpochEnd: () => void (record && epochs.push(Object.fromEntries([...model.stateDict()].map(([k, t]) => [k, t.clone()])))),
    };
    const score: Callback = {
      onEpochEnd: (e, logs) => {
        logs.score = [2, 1][e]; // improves each epoch
      },
    };
    const trainer = new Trainer(model, { optimizer: new SGD(model.parameters(), { lr: 0.01 }), loss: 'mse' });
    const ckpt = new ModelCheckpoint(join(root, 'run'), { monitor: 'score', mode: 'min' });
    await trainer.fit(x, x.sum(1, true), { epochs: 2, batchSize: 8, verbose: 0, callbacks: [score, grab, ckpt] });
  };
  await fit(true);
  assert.equal(epochs.length, 2);
  assert.ok(!sameWeights(epochs[0], epochs[1]));
  await crashEveryStep({
    root,
    run: () => fit(false),
    label: async (dir) => ({
      last: await modelVersion(join(dir, 'run', 'last'), epochs, true),
      lastCheckpoint: await checkpointVersion(join(dir, 'run', 'last'), epochs, true),
      best: await modelVersion(join(dir, 'run', 'best'), epochs, true),
    }),
    final: { last: 2, lastCheckpoint: 2, best: 2 },
    mixes: 1,
  });
});

test('CSVLogger and JSONLogger, fresh and resumed (append): whole files of the last epoch or the one before', async () => {
  const root = join(base, 'loggers');
  let run = 0; // the resumed run logs other values than the first
  const logs = (e: number) => ({ loss: 1 / (e + 1) + run, accuracy: e / 10 });
  for (const Logger of [CSVLogger, JSONLogger]) {
    const file = join(root, 'logs', Logger === CSVLogger ? 'log.csv' : 'log.json');
    const epochsRun = async (logger: CSVLogger | JSONLogger, from: number, to: number) => {
      logger.setTrainer(null, { initialEpoch: from } as never);
      await logger.onTrainBegin();
      for (let e = from; e < to; e++) await logger.onEpochEnd(e, logs(e));
    };
    // the file after each write, from a run without crashes: the versions
    const contents = async (append: boolean, from: number) => {
      const seen: string[] = [];
      const keep = () => {
        const text = existsSync(file) ? readFileSync(file, 'utf8') : null;
        if (text !== null && text !== seen.at(-1)) seen.push(text);
      };
      const logger = new Logger(file, { append });
      logger.setTrainer(null, { initialEpoch: from } as never);
      await logger.onTrainBegin();
      keep();
      for (let e = from; e < 3; e++) {
        await logger.onEpochEnd(e, logs(e));
        keep();
      }
      return seen;
    };
    const versions = (seen: string[]) => async (dir: string) => {
      const f = join(dir, 'logs', file.slice(join(root, 'logs').length + 1));
      if (!existsSync(f)) return { log: 0 };
      const i = seen.indexOf(readFileSync(f, 'utf8'));
      if (i < 0) throw new Error(`${f} holds none of the versions written: ${JSON.stringify(readFileSync(f, 'utf8'))}`);
      return { log: i + 1 };
    };
    const fresh = await contents(false, 0);
    await crashEveryStep({ root, run: () => epochsRun(new Logger(file), 0, 3), label: versions(fresh), final: { log: fresh.length } });
    // resumed at epoch 1 from a file of epochs 0-2: epochs 1 and 2 are dropped, then written again
    const setup = async () => {
      run = 0;
      await epochsRun(new Logger(file), 0, 3);
      run = 1;
    };
    await setup();
    const resumed = [fresh.at(-1) as string, ...(await contents(true, 1))];
    run = 0;
    await crashEveryStep({
      root,
      setup,
      run: () => epochsRun(new Logger(file, { append: true }), 1, 3),
      label: async (dir) => ({ log: (await versions(resumed)(dir)).log - 1 }),
      final: { log: resumed.length - 1 },
    });
  }
});

test('writeFileAtomic (predict --out, charts) into new folders and over a file: old or new, durable once it returns', async () => {
  const root = join(base, 'atomic');
  const file = join(root, 'out', 'deep', 'preds.csv');
  const version = async (dir: string) => {
    const f = join(dir, 'out', 'deep', 'preds.csv');
    if (!existsSync(f)) return { out: 0 };
    const i = ['old\n', 'new\n'].indexOf(readFileSync(f, 'utf8'));
    if (i < 0) throw new Error(`${f} holds ${JSON.stringify(readFileSync(f, 'utf8'))}`);
    return { out: i + 1 };
  };
  await crashEveryStep({ root, run: () => writeFileAtomic(file, 'new\n', { mkdir: true }), label: version, final: { out: 2 } });
  await crashEveryStep({
    root,
    setup: () => writeFileAtomic(file, 'old\n', { mkdir: true }),
    run: () => writeFileAtomic(file, 'new\n'),
    label: async (dir) => ({ out: (await version(dir)).out - 1 }),
    final: { out: 1 },
  });
});
