// Data: datasets, loaders, the IDX format, Fashion-MNIST, and the datasets that ship with tessera.
// loadFashionMNIST and readIdx need Node.js (loaded on first use); the rest works anywhere.

export { BUILTIN_DATASETS, type BuiltinName, loadBuiltin } from './builtin.js';
export {
  cast as castColumns,
  DESCRIBE_COLUMNS,
  type DropDuplicatesOptions,
  type DropMissingOptions,
  describe,
  dropDuplicates,
  dropMissing,
  missingCounts,
} from './clean.js';
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
export { compose } from './image/compose.js';
export { centerCrop, type RandomCropOptions, randomCrop } from './image/crop.js';
export { randomHorizontalFlip, randomVerticalFlip } from './image/flip.js';
export {
  type Images,
  type ImageTransform,
  imageTransform,
  isImageTransform,
  type RandomOptions as ImageRandomOptions,
  type Size,
} from './image/images.js';
export { normalize as normalizeImages } from './image/normalize.js';
export { type RandomRotationOptions, randomRotation } from './image/rotation.js';
export * from './preprocess/index.js';
export {
  Database,
  type DatabaseOptions,
  openDatabase,
  type QueryOptions,
  type QueryParams,
  query,
  type ScanOptions,
  type SqlValue,
  scanQuery,
} from './sources/duckdb.js';
export { DataSourceError, type DataSourceLocation } from './sources/errors.js';
export {
  type CsvOptions,
  type JsonOptions,
  type ReadOptions,
  readCsv,
  readJson,
  readParquet,
  scanCsv,
  scanJson,
  scanParquet,
} from './sources/readers.js';
export {
  type BadValues,
  inferTextType,
  MISSING_TOKENS,
  type OnBadValue,
  parseValue,
  profileText,
  type ValueType,
  valueTypesOf,
} from './sources/typing.js';
export { type LoadXYOptions, loadXY, type XY } from './sources/xy.js';
export {
  type Column,
  type ColumnInput,
  type ColumnKind,
  isMissing,
  type NumberColumn,
  RowError,
  type RowOrigin,
  type StringColumn,
  Table,
  type TimestampColumn,
  toColumn,
} from './table.js';
export {
  BOS_TOKEN,
  type EncodeBatchOptions,
  EOS_TOKEN,
  type FitOptions as TokenizerFitOptions,
  PAD_TOKEN,
  Tokenizer,
  type TokenizerJSON,
  type TokenizerOptions,
  UNK_TOKEN,
} from './text.js';
export {
  type LanguageModelBatch,
  LanguageModelBatches,
  type LanguageModelBatchesOptions,
  SHAKESPEARE_TRAIN_FRACTION,
  shakespeare,
  type TextCorpus,
} from './text_lm.js';
