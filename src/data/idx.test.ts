// IDX: round trips of every element type, gzip detection, reading files, and the errors for bad
// magic numbers, type codes, truncation, trailing bytes and broken gzip streams.

import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { gzipSync } from 'node:zlib';
import { skipUnlessAvailable } from '../../test/helpers.js';
import '../index.js';
import { FileFormatError } from '../io/index.js';
import { decodeIdx, encodeIdx, gunzip, gzip, type IdxArray, idxToTensor, parseIdx, readIdx } from './index.js';

const arrays: IdxArray[] = [
  { dtype: 'uint8', shape: [2, 3], data: new Uint8Array([0, 1, 2, 253, 254, 255]) },
  { dtype: 'int8', shape: [3], data: new Int8Array([-128, 0, 127]) },
  { dtype: 'int16', shape: [2], data: new Int16Array([-300, 12345]) },
  { dtype: 'int32', shape: [1, 1, 2], data: new Int32Array([-2147483648, 7]) },
  { dtype: 'float32', shape: [2], data: new Float32Array([1.5, -0.25]) },
  { dtype: 'float64', shape: [1], data: new Float64Array([Math.PI]) },
  { dtype: 'uint8', shape: [0, 28], data: new Uint8Array(0) },
];

test('encodeIdx and parseIdx round-trip every element type', async () => {
  for (const a of arrays) {
    const bytes = encodeIdx(a);
    assert.deepEqual(parseIdx(bytes), a);
    assert.deepEqual(await decodeIdx(await gzip(bytes)), a);
  }
  // the MNIST header, byte for byte: magic 0x00000803, then big-endian dims
  assert.deepEqual([...encodeIdx(arrays[0]).subarray(0, 12)], [0, 0, 8, 2, 0, 0, 0, 2, 0, 0, 0, 3]);
  assert.deepEqual(idxToTensor(arrays[3]).toArray(), [[[-2147483648, 7]]]);
  assert.equal(idxToTensor(arrays[0]).dtype, 'int32');
  assert.equal(idxToTensor(arrays[5]).dtype, 'float32');
});

test('readIdx reads plain and gzip files', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'tessera-idx-'));
  const bytes = encodeIdx(arrays[0]);
  writeFileSync(join(dir, 'a-idx2-ubyte'), bytes);
  writeFileSync(join(dir, 'a-idx2-ubyte.gz'), gzipSync(bytes));
  assert.deepEqual(await readIdx(join(dir, 'a-idx2-ubyte')), arrays[0]);
  assert.deepEqual(await readIdx(join(dir, 'a-idx2-ubyte.gz')), arrays[0]);
  await assert.rejects(readIdx(join(dir, 'missing')), /ENOENT/);
});

test('refuses malformed files with errors naming the file', async () => {
  const good = encodeIdx({ dtype: 'uint8', shape: [4, 2, 2], data: new Uint8Array(16) });
  const cases: [Uint8Array, RegExp][] = [
    [new Uint8Array([0, 0]), /too short for the 4-byte magic number/],
    [new Uint8Array([1, 0, 8, 1, 0, 0, 0, 0]), /magic number must start with two zero bytes, got 0x01 0x00/],
    [new Uint8Array([0, 0, 0x0a, 1, 0, 0, 0, 0]), /unknown type code 0x0A/],
    [new Uint8Array([0, 0, 8, 0]), /number of dims is 0/],
    [good.subarray(0, 10), /truncated: 10 bytes, but the header of a 3-d array needs 16/],
    [good.subarray(0, 30), /truncated: a uint8 array of shape \[4, 2, 2\] needs 32 bytes, the file has 30/],
    [new Uint8Array([...good, 9]), /1 unexpected bytes after the uint8 array/],
    [gzipSync(good), /is gzip-compressed; decompress it first/],
  ];
  for (const [bytes, message] of cases) {
    assert.throws(
      () => parseIdx(bytes, 'images.idx'),
      (e: unknown) => {
        assert.ok(e instanceof FileFormatError);
        assert.equal(e.file, 'images.idx');
        assert.match(e.message, message);
        return true;
      },
    );
  }
  const gz = gzipSync(good);
  await assert.rejects(decodeIdx(gz.subarray(0, gz.length - 12), 'x.gz'), /x\.gz: corrupted or truncated gzip data/);
  await assert.rejects(gunzip(new Uint8Array([0x1f, 0x8b, 1, 2, 3]), 'y.gz'), FileFormatError);
});

test('reads the Debian Fashion-MNIST label file when installed', async (t) => {
  const file = '/usr/share/datasets/fashion-mnist/t10k-labels-idx1-ubyte.gz';
  // only a missing file skips: a read or parse error of an installed file fails the test
  if (skipUnlessAvailable(t, existsSync(file), `${file} (apt-get install dataset-fashion-mnist)`)) return;
  const labels = await readIdx(file);
  assert.equal(labels.dtype, 'uint8');
  assert.deepEqual(labels.shape, [10000]);
});
