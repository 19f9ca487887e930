// saveModel / loadModel: a saved model comes back in one call with identical outputs, in eval mode,
// without the user's code; unregistered layers, foreign architectures and mismatched weights are
// refused with clear errors.

import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { BatchNorm1d, Dropout, FileFormatError, Linear, Module, manualSeed, ReLU, randn, Sequential, type Tensor } from '../index.js';
import { saveModel as saveModelFiles } from '../io/index.js';
import { loadModel, saveModel } from './model_io.js';

const tmp = () => mkdtempSync(join(tmpdir(), 'tessera-model-'));

test('save then load gives the same architecture and bit-identical outputs', async () => {
  const dir = tmp();
  try {
    manualSeed(0);
    const model = new Sequential(new Linear(5, 8), new BatchNorm1d(8), new ReLU(), new Dropout(0.3), new Linear(8, 3));
    model.forward(randn([16, 5])); // moves BatchNorm's running statistics
    model.eval();
    await saveModel(model, dir, { metadata: { classes: ['a', 'b', 'c'] } });
    const loaded = await loadModel(dir);
    assert.equal(loaded.training, false);
    assert.equal(loaded.repr(), model.repr());
    const x = randn([10, 5]);
    assert.deepEqual(loaded.forward(x).toTypedArray(), model.forward(x).toTypedArray());
    const again = await loadModel(join(dir, 'model.json'));
    assert.deepEqual(again.forward(x).toTypedArray(), model.forward(x).toTypedArray());
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a layer that is not registered cannot be saved, with the fix in the message', async () => {
  class Twice extends Module {
    forward(x: Tensor): Tensor {
      return x.mul(2);
    }
  }
  await assert.rejects(saveModel(new Sequential(new Twice()), tmp()), /Twice is not a registered layer; call registerLayer/);
});

test('foreign or inconsistent files are refused', async () => {
  const dir = tmp();
  try {
    await saveModelFiles(dir, { stateDict: new Map(), architecture: { layers: [] } });
    await assert.rejects(loadModel(dir), (e: Error) => e instanceof FileFormatError && /must be a layer config/.test(e.message));
    await saveModelFiles(dir, { stateDict: new Map(), architecture: { type: 'Conv9d', config: {} } });
    await assert.rejects(loadModel(dir), /cannot rebuild the architecture: .*unknown layer type 'Conv9d'/);
    await saveModelFiles(dir, {
      stateDict: new Linear(2, 3).stateDict(),
      architecture: { type: 'Linear', config: { inFeatures: 3, outFeatures: 2 } },
    });
    await assert.rejects(loadModel(dir), /the weights do not fit the architecture: .*shape mismatch/);
    await assert.rejects(loadModel(join(dir, 'nothing')), /does not exist/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
