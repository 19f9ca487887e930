// ModelCheckpoint: last/ every epoch (a resumable training checkpoint plus model files), best/ when
// the monitored value improves, holding that epoch's weights; saveBestOnly writes best/ only.

import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { Linear, manualSeed, ReLU, randn, Sequential, SGD, type Tensor } from '../../index.js';
import { loadModel } from '../model_saving.js';
import { Trainer } from '../trainer.js';
import type { Callback } from './callback.js';
import { ModelCheckpoint } from './model_checkpoint.js';

async function run(checkpoint: ModelCheckpoint) {
  manualSeed(0);
  const model = new Sequential(new Linear(3, 4), new ReLU(), new Linear(4, 1));
  const x = randn([24, 3]);
  const y = x.sum(1, true);
  const weights: Tensor[][] = [];
  // a score whose best is epoch 1, then the weights at each epoch end
  const score: Callback = {
    onEpochEnd: (e, logs) => {
      logs.score = [3, 1, 2][e];
    },
  };
  const grab: Callback = { onEpochEnd: () => void weights.push(model.parameters().map((p) => p.clone())) };
  const trainer = new Trainer(model, { optimizer: new SGD(model.parameters(), { lr: 0.01 }), loss: 'mse' });
  await trainer.fit(x, y, { epochs: 3, batchSize: 8, verbose: 0, callbacks: [score, checkpoint, grab] });
  return { model, x, weights };
}

test('writes last/ every epoch and best/ with the best epoch weights', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'tessera-mc-'));
  try {
    const ckpt = new ModelCheckpoint(dir, { monitor: 'score', mode: 'min' });
    const { model, x, weights } = await run(ckpt);
    assert.equal(ckpt.bestEpoch, 1);
    assert.equal(ckpt.best, 1);
    const best = await loadModel(join(dir, 'best'));
    for (const [i, p] of best.parameters().entries()) assert.deepEqual(p.toArray(), weights[1][i].toArray());
    const meta = JSON.parse(readFileSync(join(dir, 'best', 'model.json'), 'utf8')).metadata;
    assert.equal(meta.epoch, 2, 'the best epoch, counted from 1 as printed');
    assert.equal(JSON.parse(readFileSync(join(dir, 'last', 'model.json'), 'utf8')).metadata.epoch, 3);
    assert.equal(meta.monitor, 'score');
    const last = await loadModel(join(dir, 'last'));
    assert.deepEqual(last.forward(x).toArray(), model.eval().forward(x).toArray());
    const manifest = JSON.parse(readFileSync(join(dir, 'last', 'checkpoint.json'), 'utf8'));
    assert.equal(manifest.state.epoch, 3);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('saveBestOnly writes best/ only; options may carry the dir', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'tessera-mc-'));
  try {
    const ckpt = new ModelCheckpoint({ dir, monitor: 'score', mode: 'min', saveBestOnly: true });
    await run(ckpt);
    assert.ok(existsSync(join(dir, 'best', 'model.json')));
    assert.ok(!existsSync(join(dir, 'last')));
    assert.throws(() => new ModelCheckpoint(''), /dir must be a non-empty path/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('initialValueThreshold: best/ is written only for a value beating it', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'tessera-mc-'));
  try {
    await run(new ModelCheckpoint(dir, { monitor: 'score', mode: 'min', saveBestOnly: true, initialValueThreshold: 0.5 }));
    assert.ok(!existsSync(join(dir, 'best')));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a diverged run stops at the save with the tensor named, unless allowNonFinite saves it', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'tessera-mc-'));
  const diverge = async (options: { allowNonFinite?: boolean }) => {
    manualSeed(0);
    const model = new Sequential(new Linear(3, 4), new ReLU(), new Linear(4, 1));
    const x = randn([24, 3]);
    const trainer = new Trainer(model, { optimizer: new SGD(model.parameters(), { lr: 1e30 }), loss: 'mse' });
    const ckpt = new ModelCheckpoint(dir, { monitor: 'loss', ...options });
    await trainer.fit(x, x.sum(1, true), { epochs: 2, batchSize: 8, verbose: 0, callbacks: [ckpt] });
  };
  try {
    await assert.rejects(diverge({}), /saveCheckpoint: tensor "model\.[\w.]+" holds (NaN|-?Infinity) at index \d+/);
    await diverge({ allowNonFinite: true });
    const manifest = JSON.parse(readFileSync(join(dir, 'last', 'model.json'), 'utf8'));
    assert.equal(manifest.metadata.epoch, 2);
    await assert.rejects(loadModel(join(dir, 'last')), /holds (NaN|-?Infinity)/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
