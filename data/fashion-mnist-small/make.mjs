// Regenerates this folder's class-balanced subset of Fashion-MNIST from the full dataset:
//
//   apt-get install dataset-fashion-mnist && node data/fashion-mnist-small/make.mjs [SOURCE_DIR]
//
// Takes, in file order, the first 100 training images of each class (1,000) and the first 50 test
// images of each class (500), and writes them as gzip'd IDX files under the original names.
// Deterministic: the same source gives byte-identical files.

import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync, gzipSync } from 'node:zlib';

const here = dirname(fileURLToPath(import.meta.url));
const source = process.argv[2] ?? '/usr/share/datasets/fashion-mnist';
const PER_CLASS = { train: 100, t10k: 50 };

for (const [split, perClass] of Object.entries(PER_CLASS)) {
  const images = gunzipSync(readFileSync(join(source, `${split}-images-idx3-ubyte.gz`)));
  const labels = gunzipSync(readFileSync(join(source, `${split}-labels-idx1-ubyte.gz`)));
  const count = labels.readUInt32BE(4);
  const taken = new Array(10).fill(0);
  const keep = [];
  for (let i = 0; i < count; i++) {
    const label = labels[8 + i];
    if (taken[label] < perClass) {
      taken[label]++;
      keep.push(i);
    }
  }
  const n = keep.length;
  const outImages = Buffer.alloc(16 + n * 784);
  outImages.writeUInt32BE(0x803, 0);
  outImages.writeUInt32BE(n, 4);
  outImages.writeUInt32BE(28, 8);
  outImages.writeUInt32BE(28, 12);
  const outLabels = Buffer.alloc(8 + n);
  outLabels.writeUInt32BE(0x801, 0);
  outLabels.writeUInt32BE(n, 4);
  keep.forEach((i, k) => {
    images.copy(outImages, 16 + k * 784, 16 + i * 784, 16 + (i + 1) * 784);
    outLabels[8 + k] = labels[8 + i];
  });
  for (const [name, bytes] of [[`${split}-images-idx3-ubyte.gz`, outImages], [`${split}-labels-idx1-ubyte.gz`, outLabels]]) {
    const gz = gzipSync(bytes, { level: 9 });
    writeFileSync(join(here, name), gz);
    console.log(`${name}: ${n} samples, ${gz.length} bytes`);
  }
}
