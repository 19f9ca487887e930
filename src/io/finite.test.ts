// Non-finite weights: saving a model or a checkpoint holding NaN or an infinity is refused, naming
// the tensor and the index, unless allowed; loading such a file is refused too (FileFormatError
// naming the file and the tensor); tensors declared at save (masks) are recorded and exempt.

import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { tensor } from '../index.js';
import { FileFormatError, loadCheckpoint, loadModelFiles, saveCheckpoint, saveModel } from './index.js';

const tmp = () => mkdtempSync(join(tmpdir(), 'tessera-finite-'));
const architecture = { type: 'Linear' };
const diverged = () => ({ 'layers.0.weight': tensor([1, 2, 3, Number.NaN, 5]), 'layers.0.bias': tensor([0]) });

test('saveModel refuses a NaN or infinite parameter, naming it and the index, and writes nothing', async () => {
  const dir = join(tmp(), 'm');
  await assert.rejects(
    saveModel(dir, { stateDict: diverged(), architecture }),
    /^RangeError: saveModel: parameter "layers\.0\.weight" holds NaN at index 3 \(of 5 values, shape \[5\]\); the training diverged .*pass \{ allowNonFinite: true \} to save it anyway$/,
  );
  await assert.rejects(
    saveModel(dir, { stateDict: { w: tensor([[0, Number.NEGATIVE_INFINITY]]) }, architecture }),
    /parameter "w" holds -Infinity at index 1 \(of 2 values, shape \[1, 2\]\)/,
  );
  assert.throws(() => readdirSync(dir), /ENOENT/);
  // int32 and bool tensors cannot hold a non-finite value: never refused
  await saveModel(dir, { stateDict: { steps: tensor([3], { dtype: 'int32' }) }, architecture });
});

test('a model saved with allowNonFinite: true is refused at load unless the loader allows it too', async () => {
  const dir = join(tmp(), 'm');
  const { weights } = await saveModel(dir, { stateDict: diverged(), architecture, allowNonFinite: true });
  await assert.rejects(loadModelFiles(dir), (e: unknown) => {
    assert.ok(e instanceof FileFormatError, String(e));
    assert.equal(e.file, weights);
    assert.match(
      e.message,
      /model-[0-9a-f]{16}\.safetensors: parameter "layers\.0\.weight" holds NaN at index 3 .*\{ allowNonFinite: true \}\)$/,
    );
    return true;
  });
  const loaded = await loadModelFiles(dir, { allowNonFinite: true });
  assert.ok(Number.isNaN(loaded.stateDict['layers.0.weight'].toTypedArray()[3]));
});

test('tensors declared to hold infinities (masks) are recorded in model.json and exempt at load', async () => {
  const dir = join(tmp(), 'm');
  const stateDict = { mask: tensor([0, Number.NEGATIVE_INFINITY]), w: tensor([1]) };
  await saveModel(dir, { stateDict, architecture, nonFinite: ['mask', 'not-there'] });
  const loaded = await loadModelFiles(dir);
  assert.deepEqual(loaded.manifest.weights.nonFinite, ['mask']);
  assert.deepEqual(loaded.stateDict.mask.toArray(), [0, Number.NEGATIVE_INFINITY]);
  // a declaration covers the tensors named, no others
  await assert.rejects(
    saveModel(dir, { stateDict: { ...stateDict, w: tensor([Number.POSITIVE_INFINITY]) }, architecture, nonFinite: ['mask'] }),
    /parameter "w" holds Infinity at index 0/,
  );
  await assert.rejects(
    saveModel(dir, { stateDict, architecture, allowNonFinite: 'mask' as never }),
    /allowNonFinite must be true or false/,
  );
  await assert.rejects(
    saveModel(dir, { stateDict, architecture, nonFinite: 'mask' as never }),
    /nonFinite must be an array of tensor names/,
  );
});

test('checkpoints: non-finite tensors refused at save and load by default, by path, unless allowed', async () => {
  const dir = join(tmp(), 'ck');
  const state = { model: { w: tensor([1, 2]) }, optimizer: { state: { 0: { expAvg: tensor([0, Number.NaN]) } } }, epoch: 1 };
  await assert.rejects(saveCheckpoint(dir, state), /saveCheckpoint: tensor "optimizer\.state\.0\.expAvg" holds NaN at index 1/);
  await saveCheckpoint(dir, state, { allowNonFinite: true }); // a diverged run kept for debugging
  await assert.rejects(loadCheckpoint(dir), (e: unknown) => {
    assert.ok(
      e instanceof FileFormatError && /tensors-[0-9a-f]{16}\.safetensors: tensor "optimizer\.state\.0\.expAvg" holds NaN/.test(e.message),
      String(e),
    );
    return true;
  });
  assert.equal((await loadCheckpoint(dir, { allowNonFinite: true })).epoch, 1);
  await saveCheckpoint(dir, state, { nonFinite: ['optimizer.state.0.expAvg'] });
  assert.equal((await loadCheckpoint(dir)).epoch, 1);
});
