// Resuming a Trainer: a run of N + M epochs and a run stopped after N, checkpointed, rebuilt from
// fresh objects (another seed, so nothing carries over by accident) and resumed for M epochs end
// with bit-identical weights and the same history. The model has dropout (global RNG), the loader
// shuffles (its own RNG, seeded from the global one), and Adam and a step schedule carry state.

import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import {
  Adam,
  DataLoader,
  Dropout,
  Generator,
  Linear,
  manualSeed,
  ReLU,
  randint,
  randn,
  Sequential,
  StepLR,
  type Tensor,
  TensorDataset,
} from '../index.js';
import { ModelCheckpoint } from './callbacks/model_checkpoint.js';
import { Trainer } from './trainer.js';
import { resumeTraining, saveTrainingCheckpoint } from './trainer_checkpoint.js';

const gen = new Generator(7);
const x = randn([60, 4], { generator: gen });
const y = randint(0, 3, [60], { generator: gen });

function build(seed: number, withScheduler = true): Trainer {
  manualSeed(seed);
  const model = new Sequential(new Linear(4, 16), new ReLU(), new Dropout(0.3), new Linear(16, 3));
  const optimizer = new Adam(model.parameters(), { lr: 0.01 });
  const scheduler = withScheduler ? new StepLR(optimizer, { stepSize: 2, gamma: 0.5 }) : undefined;
  return new Trainer(model, { optimizer, loss: 'crossEntropy', metrics: ['accuracy'], scheduler });
}

const weights = (t: Trainer) => t.model.parameters().map((p: Tensor) => Array.from(p.toTypedArray()));
const fitOptions = { batchSize: 8, validationSplit: 0.2, classWeight: { 0: 2 }, verbose: 0 as const };

test('resumed after N epochs, a run ends bit-identical to one never stopped', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'tessera-resume-'));
  try {
    const straight = build(1);
    const full = await straight.fit(x, y, { ...fitOptions, epochs: 5 });

    const first = build(1);
    await first.fit(x, y, { ...fitOptions, epochs: 2, callbacks: [new ModelCheckpoint(dir)] });

    const resumed = build(999); // fresh objects, different initial weights and RNG state
    const info = await resumeTraining(join(dir, 'last'), resumed);
    assert.deepEqual(info, { epoch: 2, step: 2 * 6, extra: {}, midEpoch: 0 });
    const rest = await resumed.fit(x, y, { ...fitOptions, epochs: 5 });

    assert.deepEqual(weights(resumed), weights(straight));
    assert.deepEqual(resumed.optimizer.paramGroups[0].lr, straight.optimizer.paramGroups[0].lr);
    assert.equal(resumed.step, straight.step);
    assert.deepEqual(rest.epoch, [0, 1, 2, 3, 4]);
    assert.deepEqual(rest.history, full.history);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('resuming with a user DataLoader, from saveTrainingCheckpoint after fit', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'tessera-resume-'));
  const loader = () => new DataLoader(new TensorDataset(x, y), { batchSize: 16, shuffle: true });
  try {
    const straight = build(3, false);
    await straight.fit(loader(), { epochs: 4, verbose: 0 });

    const first = build(3, false);
    await first.fit(loader(), { epochs: 3, verbose: 0 });
    await saveTrainingCheckpoint(dir, first, { extra: { note: 'after 3' } });

    const resumed = build(5, false);
    const data = loader();
    const info = await resumeTraining(dir, resumed);
    assert.deepEqual(info.extra, { note: 'after 3' });
    await resumed.fit(data, { epochs: 4, verbose: 0 });
    assert.deepEqual(weights(resumed), weights(straight));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a scheduler in the trainer but not in the checkpoint (or the reverse) is refused', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'tessera-resume-'));
  try {
    const t = build(1, false);
    await t.fit(x, y, { epochs: 1, verbose: 0 });
    await saveTrainingCheckpoint(dir, t);
    await assert.rejects(resumeTraining(dir, build(1, true)), /holds no scheduler state/);
    await saveTrainingCheckpoint(dir, build(1, true));
    await assert.rejects(resumeTraining(dir, build(1, false)), /the trainer has none/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
