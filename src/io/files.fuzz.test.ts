// Random byte corruptions of saved model and checkpoint files (fast-check, test/fuzz.ts): a bit
// flip, a truncation, bytes appended, a range replaced. Oracle: loading gives back exactly what was
// saved (the corruption changed nothing that matters), or fails within the time limit with a
// FileFormatError naming the corrupted file; never a crash from deep inside, a hang, or a model or
// checkpoint that loads with other values (test/corruption.ts). Counterexamples found are kept as
// regression tests (files.regressions.test.ts).

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { checkCorrupted, corrupt, corruptions, type FileKey, savedFiles } from '../../test/corruption.js';
import { expectClearError, fc, fuzzParams, outcome } from '../../test/fuzz.js';
import { decodeSafetensors, FileFormatError } from './index.js';

const saved = await savedFiles();
const keys = Object.keys(saved.files) as FileKey[];

test('property: a corrupted model or checkpoint file loads as saved or fails naming the file (FileFormatError)', async () => {
  await fc.assert(
    fc.asyncProperty(fc.constantFrom(...keys), corruptions, async (key, c) => {
      await checkCorrupted(saved, key, corrupt(readFileSync(saved.files[key]), c));
    }),
    fuzzParams(300),
  );
});

test('property: decodeSafetensors on corrupted bytes gives tensors or a FileFormatError naming the label, never a crash', async () => {
  const bytes = new Uint8Array(readFileSync(saved.files['model weights']));
  await fc.assert(
    fc.asyncProperty(corruptions, async (c) => {
      const got = await outcome(() => decodeSafetensors(corrupt(bytes, c), 'weights.safetensors'));
      if ('error' in got) {
        assert.ok(got.error instanceof FileFormatError, String(got.error));
        expectClearError(got.error, ['weights.safetensors']);
      }
    }),
    fuzzParams(300),
  );
});
