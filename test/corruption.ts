// Random byte corruptions of saved files, shared by src/io/files.fuzz.test.ts (the properties) and
// src/io/files.regressions.test.ts (the counterexamples they found): a corruption type and its
// fast-check arbitrary, a model and a checkpoint saved once, and the oracle: the corrupted folder
// loads exactly as saved, or fails with a clear FileFormatError naming the corrupted file.

import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Tensor } from '../src/core/tensor.js';
import { manualSeed, randn, tensor } from '../src/index.js';
import { FileFormatError, loadCheckpoint, loadModelFiles, saveCheckpoint, saveModel } from '../src/io/index.js';
import { expectClearError, fc, outcome } from './fuzz.js';

/** A corruption of a file's bytes. */
export type Corruption =
  | { kind: 'flip'; at: number; mask: number }
  | { kind: 'truncate'; at: number }
  | { kind: 'extend'; bytes: Uint8Array }
  | { kind: 'splice'; at: number; remove: number; bytes: Uint8Array };

export const corruptions: fc.Arbitrary<Corruption> = fc.oneof(
  fc.record({ kind: fc.constant('flip' as const), at: fc.nat(), mask: fc.integer({ min: 1, max: 255 }) }),
  fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('extend' as const), bytes: fc.uint8Array({ minLength: 1, maxLength: 16 }) }),
  fc.record({
    kind: fc.constant('splice' as const),
    at: fc.nat(),
    remove: fc.nat({ max: 16 }),
    bytes: fc.uint8Array({ maxLength: 16 }),
  }),
);

/** `bytes` with corruption `c` applied (positions taken modulo the length). */
export function corrupt(bytes: Uint8Array, c: Corruption): Uint8Array {
  const n = bytes.length;
  switch (c.kind) {
    case 'flip': {
      const out = bytes.slice();
      out[c.at % n] ^= c.mask;
      return out;
    }
    case 'truncate':
      return bytes.slice(0, c.at % n);
    case 'extend':
      return Uint8Array.from([...bytes, ...c.bytes]);
    case 'splice': {
      const at = c.at % (n + 1);
      return Uint8Array.from([...bytes.subarray(0, at), ...c.bytes, ...bytes.subarray(at + c.remove)]);
    }
  }
}

const bits = (t: Tensor) => Buffer.from(new Uint8Array(t.toTypedArray().buffer.slice(0)));
/** Asserts two named tensor collections are the same, names, dtypes, shapes and bits. */
export function assertSameTensors(a: Record<string, Tensor>, b: Record<string, Tensor>, what: string): void {
  assert.deepEqual(Object.keys(a).sort(), Object.keys(b).sort(), `${what}: tensor names`);
  for (const [k, t] of Object.entries(b)) {
    assert.equal(a[k].dtype, t.dtype, `${what}: ${k} dtype`);
    assert.deepEqual(a[k].shape, t.shape, `${what}: ${k} shape`);
    assert.ok(bits(a[k]).equals(bits(t)), `${what}: ${k} values differ`);
  }
}

/** A saved model and a checkpoint, with what they load as. */
export async function savedFiles() {
  const root = mkdtempSync(join(tmpdir(), 'tessera-fuzz-files-'));
  manualSeed(1);
  const stateDict = { '0.weight': randn([3, 4]), '0.bias': randn([3]), steps: tensor([7], { dtype: 'int32' }) };
  const preprocessing = { type: 'Pipeline', config: { steps: [] }, state: { mean: [0.5, 1.25], featureNamesOut: ['a', 'b'] } };
  const model = join(root, 'model');
  const paths = await saveModel(model, {
    stateDict,
    architecture: { type: 'Linear', config: { inFeatures: 4, outFeatures: 3 } },
    preprocessing,
    metadata: { classes: ['cat', 'dog', 'eel'], accuracy: 0.875 },
  });
  const checkpoint = join(root, 'ck');
  const ckJson = await saveCheckpoint(checkpoint, {
    model: stateDict,
    optimizer: { lr: 0.001, state: { 0: { expAvg: randn([3, 4]) } } },
    epoch: 3,
    step: 12,
    rng: { global: [1, 2, 3, 4] },
  });
  const tensorsFile = JSON.parse(readFileSync(ckJson, 'utf8')).tensors.file as string;
  return {
    model,
    checkpoint,
    files: {
      'model.json': paths.json,
      'model weights': paths.weights,
      'checkpoint.json': ckJson,
      'checkpoint tensors': join(checkpoint, tensorsFile),
    },
    modelOriginal: await loadModelFiles(model),
    checkpointOriginal: await loadCheckpoint(checkpoint),
  };
}

export type Saved = Awaited<ReturnType<typeof savedFiles>>;
export type FileKey = keyof Saved['files'];

/** Loads the folder that holds `file` with `bytes` written in, checks the oracle, and restores the file. */
export async function checkCorrupted(s: Saved, key: FileKey, bytes: Uint8Array): Promise<void> {
  const file = s.files[key];
  const pristine = readFileSync(file);
  writeFileSync(file, bytes);
  try {
    const isModel = key.startsWith('model');
    const got = await outcome<unknown>(() => (isModel ? loadModelFiles(s.model) : loadCheckpoint(s.checkpoint)));
    if ('error' in got) {
      assert.ok(got.error instanceof FileFormatError, `${key}: not a FileFormatError: ${String(got.error)}`);
      expectClearError(got.error, [file]);
      return;
    }
    if (isModel) {
      const [a, b] = [got.ok as typeof s.modelOriginal, s.modelOriginal];
      assertSameTensors(a.stateDict, b.stateDict, key);
      assert.deepEqual(
        [a.architecture, a.preprocessing, a.metadata],
        [b.architecture, b.preprocessing, b.metadata],
        `${key}: loads other JSON`,
      );
    } else {
      const [a, b] = [got.ok as typeof s.checkpointOriginal, s.checkpointOriginal];
      assertSameTensors(a.model, b.model, key);
      const expAvg = (c: typeof a) => (c.optimizer as { state: { 0: { expAvg: Tensor } } }).state[0].expAvg;
      assertSameTensors({ expAvg: expAvg(a) }, { expAvg: expAvg(b) }, key);
      const json = (c: typeof a) => JSON.stringify({ ...c, model: null, optimizer: { ...(c.optimizer as object), state: null } });
      assert.equal(json(a), json(b), `${key}: loads other state`);
    }
  } finally {
    writeFileSync(file, pristine);
  }
}
