// Data sources for the CLI: the built-in dataset, Fashion-MNIST (Debian package, cache or a folder),
// any pair of IDX files, or a table (tabular.ts). Configs name them in their `data` section;
// `evaluate --data` and `predict` take the same sources as one string:
//
//   builtin:fashion-mnist-small[:train|:test]
//   fashion-mnist[:<folder>][:train|:test]
//   idx:<images file>,<labels file>
//   <file>.csv | .tsv | .parquet | .json | .jsonl     (a table)
//   sql:<query>                                       (a table, e.g. sql:SELECT * FROM read_csv('a.csv'))

import type { Tensor } from '../core/tensor.js';
import { BUILTIN_DATASETS, type BuiltinName, loadBuiltin } from '../data/builtin.js';
import { loadFashionMNIST } from '../data/fashion-mnist.js';
import { type IdxArray, idxToTensor, readIdx } from '../data/idx.js';
import { tensor } from '../ops/creation.js';
import { UsageError } from './errors.js';
import { isTableSource, type TableSource, tableSourceFromString, tableSourceToString } from './table_source.js';

/** An IDX images file and its labels file. */
export interface IdxPair {
  images: string;
  labels: string;
}

/** Where data comes from. */
export type DataSource =
  | { kind: 'builtin'; name: BuiltinName }
  | { kind: 'fashion-mnist' /** Only this folder is searched when given. */; path?: string /** Default true. */; download?: boolean }
  | { kind: 'idx'; train?: IdxPair; test?: IdxPair }
  | TableSource;

/** Inputs and labels: x float32 (N, ...sample shape), y int32 class indices (N). */
export interface Split {
  x: Tensor;
  y: Tensor;
}

/** A loaded dataset. */
export interface LoadedData {
  train?: Split;
  test?: Split;
  /** Class names by label, when known. */
  classes: readonly string[] | null;
  /** Number of classes (from the names, else from the largest label). */
  numClasses: number;
  /** Where it was read from, for messages. */
  origin: string;
}

export const BUILTIN_NAMES = Object.keys(BUILTIN_DATASETS) as BuiltinName[];

/** The source as the string `parseSourceArg` reads. */
export function sourceToString(source: DataSource): string {
  if (isTableSource(source)) return tableSourceToString(source);
  if (source.kind === 'builtin') return `builtin:${source.name}`;
  if (source.kind === 'fashion-mnist') return source.path === undefined ? 'fashion-mnist' : `fashion-mnist:${source.path}`;
  const pair = source.test ?? source.train;
  return pair === undefined ? 'idx' : `idx:${pair.images},${pair.labels}`;
}

/**
 * Reads a `--data` string (see the top of this file). `defaultSplit` applies when none is named.
 * @example parseSourceArg('builtin:fashion-mnist-small:train') // { source: {kind: 'builtin', ...}, split: 'train' }
 */
export function parseSourceArg(arg: string, defaultSplit: 'train' | 'test' = 'test'): { source: DataSource; split: 'train' | 'test' } {
  const usage =
    'expected builtin:<name>[:train|:test], fashion-mnist[:<folder>][:train|:test], idx:<images>,<labels>, a .csv/.parquet/.json file or sql:<query>';
  const table = tableSourceFromString(arg);
  if (table !== undefined) return { source: table, split: defaultSplit };
  let rest = arg;
  let split = defaultSplit;
  const m = /^(.*):(train|test)$/.exec(rest);
  if (m !== null && m[1] !== '') [rest, split] = [m[1], m[2] as 'train' | 'test'];
  if (rest.startsWith('builtin:')) {
    const name = rest.slice('builtin:'.length);
    if (!(BUILTIN_NAMES as string[]).includes(name)) {
      throw new UsageError(
        `unknown built-in dataset ${JSON.stringify(name)} in ${JSON.stringify(arg)} (built-in: ${BUILTIN_NAMES.join(', ')})`,
      );
    }
    return { source: { kind: 'builtin', name: name as BuiltinName }, split };
  }
  if (rest === 'fashion-mnist') return { source: { kind: 'fashion-mnist' }, split };
  if (rest.startsWith('fashion-mnist:')) return { source: { kind: 'fashion-mnist', path: rest.slice('fashion-mnist:'.length) }, split };
  if (rest.startsWith('idx:')) {
    const files = rest.slice('idx:'.length).split(',');
    if (files.length !== 2 || files.some((f) => f === '')) throw new UsageError(`bad data source ${JSON.stringify(arg)}: ${usage}`);
    const pair = { images: files[0], labels: files[1] };
    return { source: { kind: 'idx', train: pair, test: pair }, split };
  }
  throw new UsageError(`bad data source ${JSON.stringify(arg)}: ${usage}`);
}

/**
 * Loads a source. Images become float32 in [0, 1]: (N, 1, H, W), or (N, H*W) with `flatten`.
 * @example const { train, test, numClasses } = await loadData({ kind: 'builtin', name: 'fashion-mnist-small' }, { flatten: true });
 */
export async function loadData(source: DataSource, options: { flatten: boolean; classes?: readonly string[] }): Promise<LoadedData> {
  if (isTableSource(source)) throw new TypeError(`loadData: ${tableSourceToString(source)} is a table; read it with loadTabular`);
  if (source.kind === 'builtin' || source.kind === 'fashion-mnist') {
    const { flatten } = options;
    const ds =
      source.kind === 'builtin'
        ? await loadBuiltin(source.name, { flatten })
        : await loadFashionMNIST({ flatten, path: source.path, download: source.download });
    const split = (s: { images: Tensor; labels: Tensor }) => ({ x: s.images, y: s.labels });
    const classes = options.classes ?? ds.classes;
    return { train: split(ds.train), test: split(ds.test), classes, numClasses: classes.length, origin: ds.source };
  }
  const read = async (pair: IdxPair | undefined): Promise<Split | undefined> => {
    if (pair === undefined) return undefined;
    const [images, labels] = await Promise.all([readIdx(pair.images), readIdx(pair.labels)]);
    return {
      x: imagesToTensor(images, pair.images, options.flatten),
      y: labelsToTensor(labels, pair.labels, images.shape[0], pair.images),
    };
  };
  const train = await read(source.train);
  const test = source.test === source.train ? train : await read(source.test);
  const maxes = await Promise.all([train, test].map(async (s) => (s === undefined ? -1 : (await s.y.max().data())[0])));
  const maxLabel = Math.max(-1, ...maxes);
  const classes = options.classes ?? null;
  if (classes !== null && maxLabel >= classes.length) {
    throw new RangeError(`the IDX labels go up to ${maxLabel}, but only ${classes.length} class names were given`);
  }
  return { train, test, classes, numClasses: classes?.length ?? maxLabel + 1, origin: (source.train ?? source.test)?.images ?? '' };
}

/** IDX images as float32: uint8 scaled to [0, 1]; (N, H, W) gains a channel dim, or all is flattened. */
export function imagesToTensor(images: IdxArray, file: string, flatten: boolean): Tensor {
  const { shape } = images;
  if (shape.length < 2)
    throw new RangeError(`${file}: expected images of shape (N, ...), got a ${shape.length}-d array [${shape.join(', ')}]`);
  const data = new Float32Array(images.data.length);
  const scale = images.dtype === 'uint8' ? 1 / 255 : 1;
  for (let i = 0; i < data.length; i++) data[i] = images.data[i] * scale;
  const n = shape[0];
  const sample = shape.slice(1);
  const out = flatten ? [n, sample.reduce((a, b) => a * b, 1)] : sample.length === 2 ? [n, 1, ...sample] : shape; // (N, 1, H, W) or (N, D)
  return tensor(data).reshape(out);
}

function labelsToTensor(labels: IdxArray, file: string, n: number, imagesFile: string): Tensor {
  if (labels.shape.length !== 1) throw new RangeError(`${file}: expected labels of shape (N), got [${labels.shape.join(', ')}]`);
  if (labels.dtype === 'float32' || labels.dtype === 'float64')
    throw new TypeError(`${file}: expected integer labels, got ${labels.dtype}`);
  if (labels.shape[0] !== n) throw new RangeError(`${file} has ${labels.shape[0]} labels but ${imagesFile} has ${n} images`);
  const bad = Array.from(labels.data).findIndex((l) => l < 0);
  if (bad >= 0) throw new RangeError(`${file}: label ${labels.data[bad]} at index ${bad} is negative`);
  return idxToTensor(labels);
}
