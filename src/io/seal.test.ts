// Manifests carry their own checksum: any changed byte is refused with a message that says how to
// keep an edit made on purpose; deleting the field (as in files written before it) loads again.

import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { tensor } from '../index.js';
import { FileFormatError, loadModelFiles, saveModel } from './index.js';
import { sealJson, verifySeal } from './seal.js';

test('sealJson ends the text in its own checksum; verifySeal accepts it and refuses any change', async () => {
  const value = { a: 1, note: '0'.repeat(64), checksum: 'stale' };
  const text = await sealJson(value, 2);
  const parsed = JSON.parse(text);
  assert.deepEqual(Object.keys(parsed), ['a', 'note', 'checksum']);
  assert.match(parsed.checksum, /^[0-9a-f]{64}$/);
  const fail = (problem: string) => new Error(problem);
  await verifySeal(text, parsed, fail);
  const edited = text.replace('"a": 1', '"a": 2');
  await assert.rejects(verifySeal(edited, JSON.parse(edited), fail), /do not match its "checksum"/);
  await assert.rejects(verifySeal(text, { ...parsed, checksum: 'abc' }, fail), /field "checksum" must be 64 hex digits/);
  await verifySeal('{"a":1}', { a: 1 }, fail); // written before checksums: nothing to check
});

test('a model.json edited by hand is refused, naming the file, until its checksum field is deleted', async () => {
  const dir = join(mkdtempSync(join(tmpdir(), 'tessera-seal-')), 'm');
  const { json } = await saveModel(dir, { stateDict: { w: tensor([1]) }, architecture: {}, metadata: { classes: ['a', 'b'] } });
  writeFileSync(json, readFileSync(json, 'utf8').replace('"b"', '"c"'));
  await assert.rejects(loadModelFiles(dir), (e: unknown) => {
    assert.ok(e instanceof FileFormatError && e.file === json, String(e));
    assert.match(e.message, /was edited after it was saved \(to keep an edit made on purpose, delete the "checksum" field\)/);
    return true;
  });
  const manifest = JSON.parse(readFileSync(json, 'utf8'));
  delete manifest.checksum;
  writeFileSync(json, JSON.stringify(manifest));
  assert.deepEqual((await loadModelFiles(dir)).metadata, { classes: ['a', 'c'] });
});
