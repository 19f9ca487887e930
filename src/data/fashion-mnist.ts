// Fashion-MNIST (Zalando, MIT licence): 60,000 training and 10,000 test images of clothing, 28x28
// grayscale, 10 classes, as four IDX files. loadFashionMNIST (Node.js) finds them in, in order:
//   1. `path`, when given (and then only there);
//   2. the cache folder: `cacheDir`, default $XDG_CACHE_HOME/tessera/fashion-mnist or
//      ~/.cache/tessera/fashion-mnist;
//   3. Debian's /usr/share/datasets/fashion-mnist (`apt-get install dataset-fashion-mnist`);
// and otherwise downloads them from the dataset's official mirror into the cache folder (when
// `download` allows and the network works), checking their MD5 sums. If all of that fails, the error
// says where it looked and how to get the files.

import type { Tensor } from '../core/tensor.js';
import { writeFileAtomic } from '../io/atomic.js';
import { FileFormatError } from '../io/errors.js';
import { nodeModules } from '../io/node.js';
import { tensor } from '../ops/creation.js';
import { decodeIdx, type IdxArray, readIdx } from './idx.js';

/** The class names, by label. */
export const FASHION_MNIST_CLASSES = [
  'T-shirt/top',
  'Trouser',
  'Pullover',
  'Dress',
  'Coat',
  'Sandal',
  'Shirt',
  'Sneaker',
  'Bag',
  'Ankle boot',
] as const;
/** The official download mirror (from the dataset's README). */
export const FASHION_MNIST_MIRROR = 'http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/';
/** Where Debian's dataset-fashion-mnist package installs the files. */
export const FASHION_MNIST_SYSTEM_DIR = '/usr/share/datasets/fashion-mnist';

const FILES = {
  trainImages: 'train-images-idx3-ubyte',
  trainLabels: 'train-labels-idx1-ubyte',
  testImages: 't10k-images-idx3-ubyte',
  testLabels: 't10k-labels-idx1-ubyte',
} as const;
type Part = keyof typeof FILES;
/** MD5 sums of the official .gz files (from the dataset's README). */
const MD5: Readonly<Record<Part, string>> = {
  trainImages: '8d4fb7e6c68d591d4c3dfef9ec88bf0d',
  trainLabels: '25c81989df183df01b3e8a0aad5dffbe',
  testImages: 'bef4ecab320f06d8554ea6380940ec79',
  testLabels: 'bb300cfdad3c16e7a12a480ee83cd310',
};

/** Images and their labels. */
export interface ImageSplit {
  /** float32 in [0, 1]: (N, 1, 28, 28), or (N, 784) with `flatten`. */
  images: Tensor;
  /** int32 class indices: (N). */
  labels: Tensor;
}

/** An image classification dataset: train and test splits, class names, and where it came from. */
export interface ImageDataset {
  train: ImageSplit;
  test: ImageSplit;
  classes: readonly string[];
  /** The folder (or package file) the data was read from. */
  source: string;
}

export interface ImageLoadOptions {
  /** Images as (N, 784) rows instead of (N, 1, 28, 28). Default false. */
  flatten?: boolean;
}

export interface FashionMNISTOptions extends ImageLoadOptions {
  /** A folder holding the four files (`.gz` or not). When given, only this folder is searched. */
  path?: string;
  /** The cache folder searched, and where downloads go. Default: see `defaultCacheDir()`. */
  cacheDir?: string;
  /** System folders searched after the cache. Default [FASHION_MNIST_SYSTEM_DIR]. */
  systemDirs?: readonly string[];
  /** Download when not found. Default true. */
  download?: boolean;
  /** Base URL of the files. Default FASHION_MNIST_MIRROR. */
  mirror?: string;
  /** Check downloads against the official MD5 sums. Default true (turn off only for a mirror of modified files). */
  verifyChecksums?: boolean;
  /** Time allowed per downloaded file, in ms. Default 120000. */
  timeoutMs?: number;
}

/**
 * The cache folder for tessera's data: $XDG_CACHE_HOME/tessera, else ~/.cache/tessera (Node.js).
 * @example await defaultCacheDir() // '/home/me/.cache/tessera'
 */
export async function defaultCacheDir(): Promise<string> {
  const { os, path } = await nodeModules('defaultCacheDir');
  const xdg = process.env.XDG_CACHE_HOME;
  return path.join(xdg !== undefined && xdg !== '' ? xdg : path.join(os.homedir(), '.cache'), 'tessera');
}

/**
 * Loads Fashion-MNIST from disk (see the search order above), downloading it only when needed.
 *
 * @example
 * const { train, test, classes } = await loadFashionMNIST({ flatten: true });
 * train.images.shape; // [60000, 784]
 */
export async function loadFashionMNIST(options: FashionMNISTOptions = {}): Promise<ImageDataset> {
  const { path } = await nodeModules('loadFashionMNIST');
  const cacheDir = options.cacheDir ?? path.join(await defaultCacheDir(), 'fashion-mnist');
  const places = options.path !== undefined ? [options.path] : [cacheDir, ...(options.systemDirs ?? [FASHION_MNIST_SYSTEM_DIR])];
  const report: string[] = [];
  for (const dir of places) {
    const found = await findFiles(dir);
    if (typeof found !== 'string') return readSplits(found, dir, options);
    report.push(`  - ${dir} (${found})`);
  }
  let downloadNote: string;
  if (options.path !== undefined) downloadNote = 'Nothing was downloaded, since an explicit path was given.';
  else if (options.download === false) downloadNote = 'Nothing was downloaded (download: false).';
  else {
    const mirror = options.mirror ?? FASHION_MNIST_MIRROR;
    try {
      await download(mirror, cacheDir, options);
      const found = await findFiles(cacheDir);
      if (typeof found !== 'string') return readSplits(found, cacheDir, options);
      downloadNote = `Downloaded from ${mirror}, but ${cacheDir} still lacks files (${found}).`;
    } catch (e) {
      downloadNote = `Downloading from ${mirror} failed: ${(e as Error).message}${(e as Error).cause ? ` (${String((e as { cause: unknown }).cause)})` : ''}.`;
    }
  }
  throw new Error(
    [
      'loadFashionMNIST: Fashion-MNIST not found. Looked in:',
      ...report,
      downloadNote,
      'To fix: install the Debian package (apt-get install dataset-fashion-mnist), or put the four files',
      `(${Object.values(FILES)
        .map((f) => `${f}.gz`)
        .join(', ')}) in a folder and pass { path },`,
      "or allow the download. To start without any files, use loadBuiltin('fashion-mnist-small').",
    ].join('\n'),
  );
}

/**
 * Turns IDX images (uint8, (N, 28, 28)) and labels (uint8, (N)) into an ImageSplit, checking their
 * shapes and label range; `files` name them in errors.
 */
export function toImageSplit(
  images: IdxArray,
  labels: IdxArray,
  files: { images: string; labels: string },
  options: ImageLoadOptions & { classes: number },
): ImageSplit {
  if (images.dtype !== 'uint8' || images.shape.length !== 3) {
    throw new FileFormatError(
      files.images,
      `expected uint8 images of shape (N, H, W), got ${images.dtype} of shape [${images.shape.join(', ')}]`,
    );
  }
  if (labels.dtype !== 'uint8' || labels.shape.length !== 1) {
    throw new FileFormatError(
      files.labels,
      `expected uint8 labels of shape (N), got ${labels.dtype} of shape [${labels.shape.join(', ')}]`,
    );
  }
  const [n, h, w] = images.shape;
  if (labels.shape[0] !== n) throw new FileFormatError(files.labels, `has ${labels.shape[0]} labels but ${files.images} has ${n} images`);
  const pixels = new Float32Array(images.data.length);
  for (let i = 0; i < pixels.length; i++) pixels[i] = images.data[i] / 255;
  const bad = (labels.data as Uint8Array).findIndex((l) => l >= options.classes);
  if (bad >= 0)
    throw new FileFormatError(files.labels, `label ${labels.data[bad]} at index ${bad} is out of range for ${options.classes} classes`);
  const imageTensor = tensorOf(pixels, 'float32', options.flatten ? [n, h * w] : [n, 1, h, w]); // (N, 1, H, W) or (N, H*W)
  return { images: imageTensor, labels: tensorOf(Int32Array.from(labels.data), 'int32', [n]) };
}

async function readSplits(files: Record<Part, string>, dir: string, options: ImageLoadOptions): Promise<ImageDataset> {
  const [trainImages, trainLabels, testImages, testLabels] = await Promise.all(
    (['trainImages', 'trainLabels', 'testImages', 'testLabels'] as const).map((p) => readIdx(files[p])),
  );
  const opts = { ...options, classes: FASHION_MNIST_CLASSES.length };
  return {
    train: toImageSplit(trainImages, trainLabels, { images: files.trainImages, labels: files.trainLabels }, opts),
    test: toImageSplit(testImages, testLabels, { images: files.testImages, labels: files.testLabels }, opts),
    classes: FASHION_MNIST_CLASSES,
    source: dir,
  };
}

/** The four files in `dir` (`.gz` preferred), or a description of what is missing. */
async function findFiles(dir: string): Promise<Record<Part, string> | string> {
  const { fs, path } = await nodeModules('loadFashionMNIST');
  let names: string[];
  try {
    names = await fs.readdir(dir);
  } catch {
    return 'no such directory';
  }
  const out: Partial<Record<Part, string>> = {};
  const missing: string[] = [];
  for (const [part, base] of Object.entries(FILES) as [Part, string][]) {
    const name = [`${base}.gz`, base].find((n) => names.includes(n));
    if (name === undefined) missing.push(`${base}.gz`);
    else out[part] = path.join(dir, name);
  }
  return missing.length > 0 ? `missing ${missing.join(', ')}` : (out as Record<Part, string>);
}

async function download(mirror: string, cacheDir: string, options: FashionMNISTOptions): Promise<void> {
  const { crypto, path } = await nodeModules('loadFashionMNIST');
  const got = await Promise.all(
    (Object.entries(FILES) as [Part, string][]).map(async ([part, base]) => {
      const url = new URL(`${base}.gz`, mirror).href;
      const response = await fetch(url, { signal: AbortSignal.timeout(options.timeoutMs ?? 120_000) });
      if (!response.ok) throw new Error(`HTTP ${response.status} ${response.statusText} for ${url}`);
      const bytes = new Uint8Array(await response.arrayBuffer());
      if (options.verifyChecksums !== false) {
        const md5 = crypto.createHash('md5').update(bytes).digest('hex');
        if (md5 !== MD5[part]) throw new Error(`checksum mismatch for ${url}: MD5 ${md5}, expected ${MD5[part]}`);
      }
      await decodeIdx(bytes, url); // a broken file never reaches the cache
      return [`${base}.gz`, bytes] as const;
    }),
  );
  for (const [name, bytes] of got) await writeFileAtomic(path.join(cacheDir, name), bytes, { mkdir: true });
}

function tensorOf(data: Float32Array | Int32Array, dtype: 'float32' | 'int32', shape: number[]): Tensor {
  return tensor(data, { dtype }).reshape(shape);
}
