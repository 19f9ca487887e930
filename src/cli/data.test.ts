// Data sources of the CLI: the `--data` grammar, IDX pairs read from disk, and images scaled and
// shaped as the loaders do.

import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { encodeIdx } from '../index.js';
import { imagesToTensor, loadData, parseSourceArg, sourceToString } from './data.js';
import { UsageError } from './errors.js';

test('parseSourceArg reads every documented form', () => {
  assert.deepEqual(parseSourceArg('builtin:fashion-mnist-small'), {
    source: { kind: 'builtin', name: 'fashion-mnist-small' },
    split: 'test',
  });
  assert.equal(parseSourceArg('builtin:fashion-mnist-small:train').split, 'train');
  assert.deepEqual(parseSourceArg('fashion-mnist'), { source: { kind: 'fashion-mnist' }, split: 'test' });
  assert.deepEqual(parseSourceArg('fashion-mnist:train'), { source: { kind: 'fashion-mnist' }, split: 'train' });
  assert.deepEqual(parseSourceArg('fashion-mnist:/data/fm:test').source, { kind: 'fashion-mnist', path: '/data/fm' });
  const idx = parseSourceArg('idx:a.idx,b.idx:train');
  assert.deepEqual(idx.source, { kind: 'idx', train: { images: 'a.idx', labels: 'b.idx' }, test: { images: 'a.idx', labels: 'b.idx' } });
  assert.equal(idx.split, 'train');
  assert.equal(sourceToString(parseSourceArg('builtin:fashion-mnist-small').source), 'builtin:fashion-mnist-small');
});

test('parseSourceArg refuses what it cannot read, as usage errors', () => {
  assert.throws(
    () => parseSourceArg('builtin:mnist'),
    (e: Error) => e instanceof UsageError && /unknown built-in dataset "mnist".*fashion-mnist-small/.test(e.message),
  );
  assert.throws(() => parseSourceArg('idx:only-one'), UsageError);
  assert.throws(() => parseSourceArg('cifar10'), /expected builtin:<name>/);
});

test('imagesToTensor scales uint8 pixels and adds a channel dim, or flattens', () => {
  const images = { dtype: 'uint8' as const, shape: [2, 2, 2], data: new Uint8Array([0, 255, 51, 102, 0, 0, 0, 255]) };
  const x = imagesToTensor(images, 'x', false);
  assert.deepEqual(x.shape, [2, 1, 2, 2]);
  assert.deepEqual(
    Array.from(x.toTypedArray())
      .slice(0, 4)
      .map((v) => Math.round(v * 100) / 100),
    [0, 1, 0.2, 0.4],
  );
  assert.deepEqual(imagesToTensor(images, 'x', true).shape, [2, 4]);
});

test('loadData reads an IDX pair, counts the classes, and checks lengths', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'tessera-cli-data-'));
  try {
    const images = join(dir, 'images.idx');
    const labels = join(dir, 'labels.idx');
    await writeFile(images, encodeIdx({ dtype: 'uint8', shape: [3, 4, 4], data: new Uint8Array(48).fill(255) }));
    await writeFile(labels, encodeIdx({ dtype: 'uint8', shape: [3], data: new Uint8Array([0, 2, 1]) }));
    const data = await loadData({ kind: 'idx', train: { images, labels } }, { flatten: true });
    assert.deepEqual(data.train?.x.shape, [3, 16]);
    assert.deepEqual(Array.from(data.train?.y.toTypedArray() ?? []), [0, 2, 1]);
    assert.equal(data.numClasses, 3);
    assert.equal(data.classes, null);
    const named = await loadData({ kind: 'idx', train: { images, labels } }, { flatten: false, classes: ['a', 'b', 'c'] });
    assert.deepEqual(named.classes, ['a', 'b', 'c']);
    await assert.rejects(
      loadData({ kind: 'idx', train: { images, labels } }, { flatten: false, classes: ['a'] }),
      /go up to 2, but only 1 class names/,
    );
    await writeFile(labels, encodeIdx({ dtype: 'uint8', shape: [2], data: new Uint8Array([0, 1]) }));
    await assert.rejects(loadData({ kind: 'idx', train: { images, labels } }, { flatten: false }), /has 2 labels but .* has 3 images/);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
