// Data: datasets, loaders, the IDX format, Fashion-MNIST, and the datasets that ship with tessera.
// loadFashionMNIST and readIdx need Node.js (loaded on first use); the rest works anywhere.

export { BUILTIN_DATASETS, type BuiltinName, loadBuiltin } from './builtin.js';
export { type Collated, defaultCollate } from './collate.js';
export { DataLoader, type DataLoaderOptions, type DataLoaderState } from './dataloader.js';
export { type Dataset, mapDataset, randomSplit, randperm, Subset, TensorDataset } from './dataset.js';
export {
  defaultCacheDir,
  FASHION_MNIST_CLASSES,
  FASHION_MNIST_MIRROR,
  FASHION_MNIST_SYSTEM_DIR,
  type FashionMNISTOptions,
  type ImageDataset,
  type ImageLoadOptions,
  type ImageSplit,
  loadFashionMNIST,
} from './fashion-mnist.js';
export { gunzip, gzip, isGzip } from './gzip.js';
export { decodeIdx, encodeIdx, type IdxArray, type IdxDType, idxToTensor, parseIdx, readIdx } from './idx.js';
export {
  type Column,
  type ColumnInput,
  type ColumnKind,
  isMissing,
  type NumberColumn,
  type StringColumn,
  Table,
  type TimestampColumn,
  toColumn,
} from './table.js';
