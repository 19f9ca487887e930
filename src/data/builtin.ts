// Datasets that ship inside the package (under data/ at its root), so examples and tests run on a
// fresh machine with nothing but npm. Read from disk under Node.js, fetched beside the module
// elsewhere (a bundler must then serve the data/ folder).

import { FileFormatError } from '../io/errors.js';
import { isNode, nodeModules } from '../io/node.js';
import { FASHION_MNIST_CLASSES, type ImageDataset, type ImageLoadOptions, toImageSplit } from './fashion-mnist.js';
import { decodeIdx } from './idx.js';

/** The built-in datasets. */
export const BUILTIN_DATASETS = {
  'fashion-mnist-small': {
    description:
      'A class-balanced subset of Fashion-MNIST (MIT licence): 1,000 training and 500 test images, 28x28; an MLP reaches >= 75% test accuracy within 10 epochs',
    folder: 'fashion-mnist-small',
    classes: FASHION_MNIST_CLASSES,
  },
} as const;

export type BuiltinName = keyof typeof BUILTIN_DATASETS;

/** Folders holding data/ relative to this module: compiled (dist/src/data/) and source (src/data/) layouts. */
const ROOTS = ['../../../data/', '../../data/'];

/**
 * Loads a dataset that ships with tessera. Returns the same shape as `loadFashionMNIST`.
 *
 * @example
 * const { train, test, classes } = await loadBuiltin('fashion-mnist-small', { flatten: true });
 * train.images.shape; // [1000, 784]
 */
export async function loadBuiltin(name: BuiltinName, options: ImageLoadOptions = {}): Promise<ImageDataset> {
  if (!Object.hasOwn(BUILTIN_DATASETS, name)) {
    throw new RangeError(
      `loadBuiltin: unknown dataset ${JSON.stringify(name)}; built-in datasets: ${Object.keys(BUILTIN_DATASETS).join(', ')}`,
    );
  }
  const info = BUILTIN_DATASETS[name];
  const folder = await locate(info.folder);
  const names = ['train-images-idx3-ubyte.gz', 'train-labels-idx1-ubyte.gz', 't10k-images-idx3-ubyte.gz', 't10k-labels-idx1-ubyte.gz'];
  const files = names.map((f) => where(new URL(f, folder)));
  const [trainImages, trainLabels, testImages, testLabels] = await Promise.all(
    names.map(async (f, i) => decodeIdx(await readAsset(new URL(f, folder)), files[i])),
  );
  const opts = { ...options, classes: info.classes.length };
  return {
    train: toImageSplit(trainImages, trainLabels, { images: files[0], labels: files[1] }, opts),
    test: toImageSplit(testImages, testLabels, { images: files[2], labels: files[3] }, opts),
    classes: info.classes,
    source: where(folder),
  };
}

/** The URL of a built-in dataset's folder: the first layout that has it on disk, or the compiled layout's URL to fetch. */
export async function locate(folder: string): Promise<URL> {
  const candidates = ROOTS.map((root) => new URL(`${root}${folder}/`, import.meta.url));
  if (!isNode() || candidates[0].protocol !== 'file:') return candidates[0];
  const { fs } = await nodeModules('loadBuiltin');
  for (const url of candidates) if ((await fs.stat(url).catch(() => null))?.isDirectory()) return url;
  throw new Error(
    `loadBuiltin: the files of "${folder}" are missing from the installed package (looked in ${candidates.map(where).join(' and ')}); reinstall tessera`,
  );
}

/** A URL as a path (file: URLs) or as itself, for messages. */
export function where(url: URL): string {
  return url.protocol === 'file:' ? decodeURIComponent(url.pathname) : url.href;
}

/** The bytes of a file under a built-in dataset's folder: read from disk, or fetched. */
export async function readAsset(url: URL): Promise<Uint8Array> {
  if (url.protocol === 'file:') {
    const { fs } = await nodeModules('loadBuiltin');
    return fs.readFile(url);
  }
  const response = await fetch(url);
  if (!response.ok) throw new FileFormatError(url.href, `could not be fetched: HTTP ${response.status} ${response.statusText}`);
  return new Uint8Array(await response.arrayBuffer());
}
