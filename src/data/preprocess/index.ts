// tessera/data preprocessing: scikit-learn style transforms on Tables (fit / transform /
// inverseTransform), the ColumnTransformer and the Pipeline that turn raw rows into a model's input,
// and their JSON form (saved inside the model artifact by saveModel's `preprocessing` option).

export type {
  CategoriesOption,
  Category,
} from './categories.js';
export { ColumnTransformer, type ColumnTransformerEntry, type ColumnTransformerOptions } from './column_transformer.js';
export type { JsonObject } from './json.js';
export { LabelEncoder, type LabelInput } from './label_encoder.js';
export { INFREQUENT_LABEL, OneHotEncoder, type OneHotEncoderOptions } from './one_hot_encoder.js';
export { OrdinalEncoder, type OrdinalEncoderOptions } from './ordinal_encoder.js';
export { OutlierClipper, type OutlierClipperOptions } from './outlier_clipper.js';
export { Pipeline, type PipelineStep } from './pipeline.js';
export { registerTransform, type TransformBuilder, transformFromJSON, transformTypes } from './registry.js';
export {
  MinMaxScaler,
  type MinMaxScalerOptions,
  RobustScaler,
  type RobustScalerOptions,
  StandardScaler,
  type StandardScalerOptions,
} from './scalers.js';
export { type ImputeStrategy, SimpleImputer, type SimpleImputerOptions } from './simple_imputer.js';
export { type ColumnOptions, ColumnwiseTransform, type Transformer, type TransformJSON } from './transformer.js';
