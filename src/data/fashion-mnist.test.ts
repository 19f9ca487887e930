// loadFashionMNIST on small IDX files made here: the search order (path, cache, system folders),
// downloads from a local server into the cache (checksums, failures), the not-found message, shape
// checks; and on Debian's full dataset when it is installed.

import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { gzipSync } from 'node:zlib';
import { skipUnlessAvailable } from '../../test/helpers.js';
import '../index.js';
import { FileFormatError } from '../io/index.js';
import { encodeIdx, FASHION_MNIST_CLASSES, FASHION_MNIST_SYSTEM_DIR, loadFashionMNIST } from './index.js';

const NAMES = ['train-images-idx3-ubyte', 'train-labels-idx1-ubyte', 't10k-images-idx3-ubyte', 't10k-labels-idx1-ubyte'];

/** The four files of a tiny Fashion-MNIST lookalike (n training, m test images), by name. */
function fakeFiles(n: number, m: number, gz = true): Map<string, Uint8Array> {
  const images = (k: number) =>
    encodeIdx({ dtype: 'uint8', shape: [k, 28, 28], data: Uint8Array.from({ length: k * 784 }, (_, i) => (i * 7) % 256) });
  const labels = (k: number) => encodeIdx({ dtype: 'uint8', shape: [k], data: Uint8Array.from({ length: k }, (_, i) => i % 10) });
  const files = [images(n), labels(n), images(m), labels(m)];
  return new Map(NAMES.map((name, i) => [gz ? `${name}.gz` : name, gz ? new Uint8Array(gzipSync(files[i])) : files[i]]));
}

function folder(files: Map<string, Uint8Array>): string {
  const dir = mkdtempSync(join(tmpdir(), 'tessera-fmnist-'));
  for (const [name, bytes] of files) writeFileSync(join(dir, name), bytes);
  return dir;
}

const nowhere = () => join(mkdtempSync(join(tmpdir(), 'tessera-empty-')), 'none');

test('loads from an explicit path: images scaled to [0, 1], (N, 1, 28, 28) or flattened, int32 labels', async () => {
  const dir = folder(fakeFiles(20, 10));
  const d = await loadFashionMNIST({ path: dir });
  assert.equal(d.source, dir);
  assert.deepEqual(d.classes, FASHION_MNIST_CLASSES);
  assert.deepEqual(d.train.images.shape, [20, 1, 28, 28]);
  assert.deepEqual(d.test.images.shape, [10, 1, 28, 28]);
  assert.equal(d.train.labels.dtype, 'int32');
  assert.deepEqual(d.test.labels.toArray(), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  assert.equal(d.train.images.max().item(), 1);
  assert.equal(d.train.images.min().item(), 0);
  assert.ok(Math.abs((d.train.images.toTypedArray()[1] as number) - 7 / 255) < 1e-7);
  const flat = await loadFashionMNIST({ path: folder(fakeFiles(20, 10, false)), flatten: true });
  assert.deepEqual(flat.train.images.shape, [20, 784]);
  await assert.rejects(
    loadFashionMNIST({ path: nowhere(), cacheDir: dir }),
    /Looked in:\n {2}- .*none \(no such directory\)\nNothing was downloaded, since an explicit path was given/,
  );
});

test('searches the cache folder before the system folders', async () => {
  const cache = folder(fakeFiles(20, 10));
  const system = folder(fakeFiles(30, 10));
  const fromCache = await loadFashionMNIST({ cacheDir: cache, systemDirs: [system], download: false });
  assert.equal(fromCache.source, cache);
  const fromSystem = await loadFashionMNIST({ cacheDir: nowhere(), systemDirs: [system], download: false });
  assert.equal(fromSystem.source, system);
  assert.equal(fromSystem.train.images.shape[0], 30);
});

test('says where it looked and how to install when nothing is found', async () => {
  const partial = folder(new Map([...fakeFiles(2, 2)].slice(0, 2)));
  await assert.rejects(loadFashionMNIST({ cacheDir: partial, systemDirs: [nowhere()], download: false }), (e: Error) => {
    assert.match(e.message, /Fashion-MNIST not found\. Looked in:/);
    assert.match(e.message, /missing t10k-images-idx3-ubyte\.gz, t10k-labels-idx1-ubyte\.gz/);
    assert.match(e.message, /no such directory/);
    assert.match(e.message, /download: false/);
    assert.match(e.message, /apt-get install dataset-fashion-mnist/);
    assert.match(e.message, /loadBuiltin\('fashion-mnist-small'\)/);
    return true;
  });
  await assert.rejects(
    loadFashionMNIST({ cacheDir: nowhere(), systemDirs: [], mirror: 'http://127.0.0.1:1/' }),
    /Downloading from http:\/\/127\.0\.0\.1:1\/ failed: fetch failed/,
  );
});

test('downloads into the cache only when needed, verifying checksums', async () => {
  const files = fakeFiles(20, 10);
  const hits: string[] = [];
  const server = createServer((req, res) => {
    hits.push(req.url ?? '');
    const body = files.get((req.url ?? '').slice(1));
    res.writeHead(body ? 200 : 404).end(body);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const mirror = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  try {
    const cache = join(mkdtempSync(join(tmpdir(), 'tessera-cache-')), 'fashion-mnist');
    await assert.rejects(
      loadFashionMNIST({ cacheDir: cache, systemDirs: [], mirror }),
      /checksum mismatch for http:.*: MD5 [0-9a-f]{32}, expected/,
    );
    assert.ok(!existsSync(cache), 'nothing is cached from a failed download');
    const d = await loadFashionMNIST({ cacheDir: cache, systemDirs: [], mirror, verifyChecksums: false });
    assert.equal(d.source, cache);
    assert.deepEqual(readdirSync(cache).sort(), [...files.keys()].sort());
    const before = hits.length;
    await loadFashionMNIST({ cacheDir: cache, systemDirs: [], mirror });
    assert.equal(hits.length, before, 'a second load reads the cache');
    const empty = join(mkdtempSync(join(tmpdir(), 'tessera-cache-')), 'x');
    await assert.rejects(loadFashionMNIST({ cacheDir: empty, systemDirs: [], mirror: `${mirror}missing/` }), /HTTP 404/);
  } finally {
    server.close();
  }
});

test('refuses inconsistent files, naming them', async () => {
  const files = fakeFiles(20, 10);
  files.set('t10k-labels-idx1-ubyte.gz', new Uint8Array(gzipSync(encodeIdx({ dtype: 'uint8', shape: [9], data: new Uint8Array(9) }))));
  const dir = folder(files);
  await assert.rejects(loadFashionMNIST({ path: dir }), (e: unknown) => {
    assert.ok(e instanceof FileFormatError);
    assert.match(e.message, /t10k-labels-idx1-ubyte\.gz: has 9 labels but .*t10k-images-idx3-ubyte\.gz has 10 images/);
    return true;
  });
  const bad = fakeFiles(20, 10);
  bad.set(
    'train-labels-idx1-ubyte.gz',
    new Uint8Array(gzipSync(encodeIdx({ dtype: 'uint8', shape: [20], data: new Uint8Array(20).fill(12) }))),
  );
  await assert.rejects(loadFashionMNIST({ path: folder(bad) }), /label 12 at index 0 is out of range for 10 classes/);
  const dir2 = mkdtempSync(join(tmpdir(), 'tessera-fmnist-'));
  for (const [name, bytes] of fakeFiles(20, 10))
    writeFileSync(join(dir2, name), name.startsWith('train-images') ? bytes.subarray(0, 100) : bytes);
  await assert.rejects(loadFashionMNIST({ path: dir2 }), /train-images-idx3-ubyte\.gz: corrupted or truncated gzip data/);
});

test('loads the full dataset from the Debian package when installed', async (t) => {
  const installed = existsSync(join(FASHION_MNIST_SYSTEM_DIR, 'train-images-idx3-ubyte.gz'));
  if (skipUnlessAvailable(t, installed, `${FASHION_MNIST_SYSTEM_DIR} (apt-get install dataset-fashion-mnist)`)) return;
  const d = await loadFashionMNIST({ path: FASHION_MNIST_SYSTEM_DIR, flatten: true });
  assert.deepEqual(d.train.images.shape, [60000, 784]);
  assert.deepEqual(d.test.images.shape, [10000, 784]);
  const counts = new Array(10).fill(0);
  for (const l of d.train.labels.toTypedArray()) counts[l]++;
  assert.deepEqual(counts, new Array(10).fill(6000));
  assert.equal(d.test.images.max().item(), 1);
});
