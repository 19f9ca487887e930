// Counterexamples that files.fuzz.test.ts found, kept as regression tests (each failed before its
// fix): a JSON syntax error reported with the engine's raw message (not a clear error); a bit flip
// in a key of model.json or checkpoint.json that still parses, and loaded without the field
// ("metadata" -> "eetadata") until manifests carried their own checksum (seal.ts).

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { checkCorrupted, savedFiles } from '../../test/corruption.js';
import { expectClearError } from '../../test/fuzz.js';
import { decodeSafetensors, FileFormatError, loadModelFiles } from './index.js';

const saved = await savedFiles();
const bytesOf = (key: keyof typeof saved.files) => new Uint8Array(readFileSync(saved.files[key]));
/** The bytes with bit `mask` flipped in the first byte of `needle` (found in the file's text). */
function flipIn(bytes: Uint8Array, needle: string, mask: number, offset = 1): Uint8Array {
  const at = Buffer.from(bytes).indexOf(needle);
  assert.ok(at >= 0, `${needle} not in the file`);
  const out = bytes.slice();
  out[at + offset] ^= mask;
  return out;
}

test('fuzz counterexample: model.json starting with a NUL byte is refused with a clear error (was "Unexpected token")', async () => {
  const bytes = Uint8Array.from([0, ...bytesOf('model.json')]);
  await checkCorrupted(saved, 'model.json', bytes);
  const file = saved.files['model.json'];
  const pristine = readFileSync(file);
  try {
    (await import('node:fs')).writeFileSync(file, bytes);
    await assert.rejects(loadModelFiles(saved.model), /model\.json: not valid JSON \(unexpected character U\+0000 at line 1, column 1\)/);
  } finally {
    (await import('node:fs')).writeFileSync(file, pristine);
  }
});

test("fuzz counterexample: a safetensors header with ':' flipped to ';' is refused with a clear error", () => {
  const bytes = flipIn(bytesOf('model weights'), '"data_offsets":', 0x01, 14); // ':' ^ 1 = ';'
  assert.throws(
    () => decodeSafetensors(bytes, 'w.safetensors'),
    (e: unknown) => {
      assert.ok(e instanceof FileFormatError);
      expectClearError(e, ['w.safetensors', /the header is not valid JSON \(unexpected ';' at line 1, column \d+\)/]);
      return true;
    },
  );
});

test('fuzz counterexample: a flipped bit in the "metadata" key of model.json is refused, not loaded without metadata', async () => {
  await checkCorrupted(saved, 'model.json', flipIn(bytesOf('model.json'), '"metadata"', 0x08)); // "metadata" -> "eetadata"
  await checkCorrupted(saved, 'model.json', flipIn(bytesOf('model.json'), '0.875', 0x01, 4)); // accuracy 0.875 -> 0.874
});

test('fuzz counterexample: a flipped bit in a key of checkpoint.json is refused, not loaded with other state', async () => {
  await checkCorrupted(saved, 'checkpoint.json', flipIn(bytesOf('checkpoint.json'), '"state":{"0"', 0x20)); // "state" -> "State"
  await checkCorrupted(saved, 'checkpoint.json', flipIn(bytesOf('checkpoint.json'), '"lr":0.001', 0x01, 9)); // lr 0.001 -> 0.000
});
