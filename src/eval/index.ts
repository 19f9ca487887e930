// tessera/eval: judging a model honestly, as scikit-learn does: metrics over whole datasets
// (checked against scikit-learn), splits and splitters, cross-validation, the bootstrap
// (confidence intervals, out-of-bag, .632 and .632+), and charts written as SVG or PNG.
//
//   const cv = await crossValidate({ x, y, splitter: new StratifiedKFold({ nSplits: 5, shuffle: true, seed: 0 }),
//                                    factory: () => compile(makeModel(), {...}), fit: { epochs: 10 }, metrics: { pr_auc: METRICS.pr_auc } });
//   await writeChart(rocChart([{ ...rocCurve(yTrue, scores), label: 'model' }]), 'roc.svg');

export {
  type BootstrapCI,
  type BootstrapCIOptions,
  type BootstrapIndicesOptions,
  type BootstrapSample,
  bootstrapCI,
  bootstrapIndices,
} from './bootstrap.js';
export {
  type Bootstrap632Result,
  type BootstrapEvaluateOptions,
  bootstrap632Estimates,
  bootstrapEvaluate,
  POINT_LOSSES,
  type PointLoss,
  type PointLossName,
} from './bootstrap_632.js';
export { type ConfusionMatrixChartOptions, type ConfusionNormalize, confusionMatrixChart } from './charts/confusion_matrix.js';
export { type CurveChartOptions, type PrChartOptions, type PrCurveInput, prChart, type RocCurveInput, rocChart } from './charts/curves.js';
export { type DownsampleOptions, downsampleCurve } from './charts/downsample.js';
export { type Chart, type PngOptions, type VegaLiteSpec, type WriteChartOptions, writeChart } from './charts/render.js';
export type { ChartOptions } from './charts/spec.js';
export { type HistoryRecord, type TrainingCurvesOptions, type TrainingHistory, trainingCurvesChart } from './charts/training_curves.js';
export {
  type CrossValidateOptions,
  type CrossValidateResult,
  crossValidate,
  type FoldResult,
  type ModelCrossValidateOptions,
} from './cross_validate.js';
export { type CohenKappaOptions, cohenKappa, matthewsCorrcoef } from './metrics/agreement.js';
export { auc } from './metrics/area.js';
export {
  type AccuracyScoreOptions,
  accuracy,
  type BalancedAccuracyOptions,
  balancedAccuracy,
  f1,
  fBeta,
  precision,
  recall,
} from './metrics/classification.js';
export { type ConfusionMatrixOptions, confusionMatrix } from './metrics/confusion.js';
export { type CurveOptions, type PrecisionRecallCurve, precisionRecallCurve, type RocCurve, rocCurve } from './metrics/curves.js';
export type { LabelsLike, MatrixLike, ScoresLike } from './metrics/inputs.js';
export { type LogLossOptions, logLoss } from './metrics/log_loss.js';
export {
  type PrfAverage,
  type PrfOptions,
  type PrfResult,
  precisionRecallFscoreSupport,
  type ZeroDivision,
} from './metrics/prf.js';
export { averagePrecision, prAuc, type RocAucOptions, rocAuc } from './metrics/ranking.js';
export { getMetric, METRICS, type MetricFn, type MetricInput, type MetricName } from './metrics/registry.js';
export {
  explainedVariance,
  meanAbsoluteError,
  meanAbsolutePercentageError,
  meanSquaredError,
  medianAbsoluteError,
  type R2Options,
  type RegressionOptions,
  r2Score,
  rootMeanSquaredError,
} from './metrics/regression.js';
export { type ClassificationReport, type ClassificationReportOptions, classificationReport, type ReportRow } from './metrics/report.js';
export {
  type BestThresholdOptions,
  bestThreshold,
  type ThresholdMetric,
  type ThresholdPoint,
  thresholdForPrecision,
  thresholdForRecall,
} from './metrics/thresholds.js';
export type { AsyncMetricFn as AsyncFoldMetricFn, FitPredict, FoldContext, MetricFn as FoldMetricFn, Predictions } from './predictions.js';
export { type Rows, type TrainTestSplit, type TrainTestSplitOptions, takeRows, trainTestSplit } from './split.js';
export { GroupKFold, type GroupKFoldOptions } from './splitters/group_kfold.js';
export { KFold, type KFoldOptions, RepeatedKFold, type RepeatedKFoldOptions } from './splitters/kfold.js';
export type { Labels } from './splitters/labels.js';
export { GroupShuffleSplit, ShuffleSplit, type ShuffleSplitOptions, StratifiedShuffleSplit } from './splitters/shuffle_split.js';
export type { SplitSize } from './splitters/split_sizes.js';
export type { Fold, OnWarning, SplitData, Splitter } from './splitters/splitter.js';
export {
  RepeatedStratifiedKFold,
  type RepeatedStratifiedKFoldOptions,
  StratifiedKFold,
  type StratifiedKFoldOptions,
} from './splitters/stratified_kfold.js';
export { TimeSeriesSplit, type TimeSeriesSplitOptions } from './splitters/time_series_split.js';
