// Saved models: the two-file artifact round-trips any JSON architecture and the weights; loading
// refuses a corrupted, truncated or mismatched weights file, a broken or foreign model.json, a file
// reference that leaves the directory, and never evaluates anything it reads; weights files are
// named by their content, old ones removed after a re-save, and models of earlier versions load.
// (Crash consistency at every step: test/crash_writers.test.ts.)

import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { randn, tensor, zeros } from '../index.js';
import {
  decodeModel,
  encodeModel,
  FileFormatError,
  loadModelFiles,
  MODEL_JSON,
  MODEL_WEIGHTS,
  modelWeightsFile,
  saveModel,
  sha256Hex,
} from './index.js';

const tmp = () => mkdtempSync(join(tmpdir(), 'tessera-model-'));
const architecture = {
  type: 'Sequential',
  layers: [
    { type: 'Linear', config: { inFeatures: 4, outFeatures: 3, bias: true } },
    { type: 'ReLU', config: {} },
    { type: 'Linear', config: { inFeatures: 3, outFeatures: 2, bias: false } },
  ],
  note: 'require("child_process").exec("rm -rf /")', // stays a string
};
const stateDict = () => ({
  '0.weight': randn([3, 4]),
  '0.bias': zeros([3]),
  '2.weight': randn([2, 3]),
  steps: tensor([5], { dtype: 'int32' }),
});

test('saveModel writes model.json and model-<sha>.safetensors; loadModelFiles reads them back', async () => {
  const dir = join(tmp(), 'mlp');
  const weights = stateDict();
  const paths = await saveModel(dir, { stateDict: weights, architecture, metadata: { classes: ['a', 'b'], accuracy: 0.9 } });
  const sha = await sha256Hex(readFileSync(paths.weights));
  assert.deepEqual(paths, { json: join(dir, MODEL_JSON), weights: join(dir, modelWeightsFile(sha)) });
  assert.match(modelWeightsFile(sha), /^model-[0-9a-f]{16}\.safetensors$/);
  assert.deepEqual(readdirSync(dir).sort(), [MODEL_JSON, modelWeightsFile(sha)].sort());
  const manifest = JSON.parse(readFileSync(paths.json, 'utf8'));
  assert.equal(manifest.weights.file, modelWeightsFile(sha));
  assert.equal(manifest.format, 'tessera-model');
  assert.equal(manifest.version, 1);
  assert.deepEqual(manifest.weights.tensors, 4);
  for (const target of [dir, paths.json]) {
    const loaded = await loadModelFiles<typeof architecture>(target);
    assert.deepEqual(loaded.architecture, architecture);
    assert.deepEqual(loaded.metadata, { classes: ['a', 'b'], accuracy: 0.9 });
    assert.deepEqual(Object.keys(loaded.stateDict).sort(), Object.keys(weights).sort());
    for (const [k, t] of Object.entries(weights)) assert.deepEqual(loaded.stateDict[k].toArray(), t.toArray(), k);
  }
  // the same through bytes only (the browser path)
  const { json, weights: bytes } = await encodeModel({ stateDict: new Map(Object.entries(weights)), architecture });
  assert.deepEqual((await decodeModel(json, bytes)).architecture, architecture);
});

test('refuses corrupted, truncated and mismatched weights', async () => {
  const dir = join(tmp(), 'm');
  const wpath = (await saveModel(dir, { stateDict: stateDict(), architecture })).weights;
  const good = readFileSync(wpath);

  const flipped = Buffer.from(good);
  flipped[flipped.length - 3] ^= 0x40;
  writeFileSync(wpath, flipped);
  await assert.rejects(loadModelFiles(dir), (e: unknown) => {
    assert.ok(e instanceof FileFormatError);
    assert.equal(e.file, wpath);
    assert.match(e.message, /SHA-256 [0-9a-f]{64} does not match [0-9a-f]{64} recorded in .*model\.json: the file is corrupted/);
    return true;
  });
  writeFileSync(wpath, good.subarray(0, good.length - 10));
  await assert.rejects(loadModelFiles(dir), /is \d+ bytes but .*model\.json records \d+: the file is truncated or corrupted/);

  // weights from another save of the same model
  const other = join(tmp(), 'other');
  cpSync((await saveModel(other, { stateDict: stateDict(), architecture })).weights, wpath);
  await assert.rejects(loadModelFiles(dir), /comes from a different save/);
  writeFileSync(wpath, good);
  assert.ok(await loadModelFiles(dir));
});

test('refuses a broken or foreign model.json with the field at fault', async () => {
  const dir = join(tmp(), 'm');
  await saveModel(dir, { stateDict: stateDict(), architecture });
  const jpath = join(dir, MODEL_JSON);
  const manifest = JSON.parse(readFileSync(jpath, 'utf8'));
  const cases: [string, RegExp][] = [
    [readFileSync(jpath, 'utf8').slice(0, 50), /model\.json: not valid JSON .*corrupted or not a tessera model/],
    [JSON.stringify({ ...manifest, format: 'keras' }), /field "format" must be "tessera-model", got "keras"/],
    [JSON.stringify({ ...manifest, version: 3 }), /newer tessera \(model format version 3\); this version reads up to 2: upgrade tessera/],
    [
      JSON.stringify({ ...manifest, preprocessing: { type: 'Pipeline', config: {}, state: null } }),
      /field "preprocessing" needs model format version 2/,
    ],
    [
      JSON.stringify({ ...manifest, version: 2, preprocessing: { type: 'Pipeline', config: [] } }),
      /field "preprocessing" must be a transform \{type, config, state\}/,
    ],
    [
      JSON.stringify({ ...manifest, weights: { ...manifest.weights, file: '../../etc/passwd.safetensors' } }),
      /"weights\.file" must be a plain file name/,
    ],
    [JSON.stringify({ ...manifest, weights: { ...manifest.weights, sha256: 'abc' } }), /"weights\.sha256" must be 64 hex digits/],
    [JSON.stringify({ ...manifest, architecture: undefined }), /field "architecture" is missing/],
    [JSON.stringify([1]), /expected a JSON object/],
  ];
  for (const [text, message] of cases) {
    writeFileSync(jpath, text);
    await assert.rejects(loadModelFiles(dir), (e: unknown) => {
      assert.ok(e instanceof FileFormatError, String(e));
      assert.equal(e.file, jpath);
      assert.match(e.message, message);
      return true;
    });
  }
  await assert.rejects(
    loadModelFiles(join(dir, 'nope')),
    /nope does not exist \(expected a directory written by saveModel, holding model\.json\)/,
  );
  await assert.rejects(loadModelFiles(tmp()), /has no model\.json: not a directory written by saveModel/);
});

test('saveModel validates what it is given', async () => {
  const dir = tmp();
  await assert.rejects(
    saveModel(dir, { stateDict: stateDict(), architecture: { act: () => 0 } }),
    /saveModel: architecture\.act must be plain JSON data, got function/,
  );
  await assert.rejects(saveModel(dir, { stateDict: stateDict() } as never), /architecture is required/);
  await assert.rejects(
    saveModel(dir, { stateDict: { w: [1] } as never, architecture: {} }),
    /saveModel: stateDict\["w"\] must be a Tensor, got an array/,
  );
  assert.deepEqual(readdirSync(dir), []);
});

test('preprocessing is an optional version 2 field; models without it stay version 1', async () => {
  const preprocessing = { type: 'Pipeline', config: { steps: [] }, state: { featureNamesOut: ['a'] } };
  const withPre = join(tmp(), 'pre');
  await saveModel(withPre, { stateDict: stateDict(), architecture, preprocessing });
  const manifest = JSON.parse(readFileSync(join(withPre, MODEL_JSON), 'utf8'));
  assert.equal(manifest.version, 2);
  assert.deepEqual((await loadModelFiles(withPre)).preprocessing, preprocessing);
  const without = join(tmp(), 'plain');
  await saveModel(without, { stateDict: stateDict(), architecture });
  const plain = JSON.parse(readFileSync(join(without, MODEL_JSON), 'utf8'));
  assert.equal(plain.version, 1);
  assert.equal('preprocessing' in plain, false);
  assert.equal((await loadModelFiles(without)).preprocessing, null);
  await assert.rejects(
    saveModel(tmp(), { stateDict: stateDict(), architecture, preprocessing: { steps: [] } }),
    /saveModel: preprocessing must be a transform's JSON \{type, config, state\}/,
  );
});

test('a re-save names new weights by their content, then removes old weights and temporary files of crashed saves', async () => {
  const dir = join(tmp(), 'm');
  const first = await saveModel(dir, { stateDict: stateDict(), architecture });
  // what crashed saves leave: temporary files; the user's own files stay
  const strays = ['.model.json.123-0a1b2c3d4e5f.tmp', '.model-0123456789abcdef.safetensors.9-ab.tmp'];
  for (const name of [...strays, 'notes.txt', '.notes.txt.1-ab.tmp']) writeFileSync(join(dir, name), 'x');
  const second = await saveModel(dir, { stateDict: stateDict(), architecture, metadata: { run: 2 } });
  assert.notEqual(first.weights, second.weights);
  assert.deepEqual(readdirSync(dir).sort(), [MODEL_JSON, second.weights.slice(dir.length + 1), 'notes.txt', '.notes.txt.1-ab.tmp'].sort());
  assert.deepEqual((await loadModelFiles(dir)).metadata, { run: 2 });
  // the same weights again: the file is rewritten in place, nothing else changes
  const weights = stateDict();
  const a = await saveModel(dir, { stateDict: weights, architecture });
  const b = await saveModel(dir, { stateDict: weights, architecture, metadata: { again: true } });
  assert.equal(a.weights, b.weights);
  assert.deepEqual(readdirSync(dir).sort(), [MODEL_JSON, b.weights.slice(dir.length + 1), 'notes.txt', '.notes.txt.1-ab.tmp'].sort());
});

test('a model saved by earlier versions (model.json naming model.safetensors) loads, and a re-save replaces it', async () => {
  const dir = join(tmp(), 'legacy');
  const weights = stateDict();
  const saved = await saveModel(dir, { stateDict: weights, architecture });
  // rewrite it as tessera 0.1 wrote it: fixed weights name
  const manifest = JSON.parse(readFileSync(saved.json, 'utf8'));
  manifest.weights.file = MODEL_WEIGHTS;
  delete manifest.checksum;
  writeFileSync(join(dir, MODEL_WEIGHTS), readFileSync(saved.weights));
  rmSync(saved.weights);
  writeFileSync(saved.json, JSON.stringify(manifest));
  const loaded = await loadModelFiles(dir);
  for (const [k, t] of Object.entries(weights)) assert.deepEqual(loaded.stateDict[k].toArray(), t.toArray(), k);
  const again = await saveModel(dir, { stateDict: weights, architecture });
  assert.deepEqual(readdirSync(dir).sort(), [MODEL_JSON, again.weights.slice(dir.length + 1)].sort());
});
