// Metrics by name, for cross-validation, bootstrap confidence intervals and the CLI: every entry
// is `(yTrue, yPred) => number` with default options, and says what yPred must be and whether
// higher is better. Names follow scikit-learn's scorer names where one exists ('f1_macro',
// 'roc_auc_ovr', ...), without its 'neg_' prefixes: losses are positive, `greaterIsBetter` false.

import type { Tensor } from '../../core/tensor.js';
import { cohenKappa, matthewsCorrcoef } from './agreement.js';
import { accuracy, balancedAccuracy, f1, precision, recall } from './classification.js';
import { logLoss } from './log_loss.js';
import { averagePrecision, prAuc, rocAuc } from './ranking.js';
import {
  explainedVariance,
  meanAbsoluteError,
  meanAbsolutePercentageError,
  meanSquaredError,
  medianAbsoluteError,
  r2Score,
  rootMeanSquaredError,
} from './regression.js';

/** What a metric's yPred is: predicted class labels (N), scores (N) or probabilities (N, K), or regression values (N) / (N, M). */
export type MetricInput = 'labels' | 'scores' | 'values';

/** Any input a metric accepts. */
export type MetricArg = Tensor | ArrayLike<number> | ArrayLike<ArrayLike<number>>;

/** A named metric: call it as `(yTrue, yPred) => number`. */
export interface MetricFn {
  (yTrue: MetricArg, yPred: MetricArg): number;
  /** What yPred must hold. */
  readonly needs: MetricInput;
  /** True for scores (accuracy, R²), false for losses and errors (log loss, MSE). */
  readonly greaterIsBetter: boolean;
}

type Labels = Tensor | ArrayLike<number>;

function metric(needs: MetricInput, greaterIsBetter: boolean, fn: (yTrue: MetricArg, yPred: MetricArg) => number): MetricFn {
  return Object.assign(fn, { needs, greaterIsBetter });
}

const onLabels = (fn: (t: Labels, p: Labels) => number) => metric('labels', true, (t, p) => fn(t as Labels, p as Labels));

/**
 * The metrics by name. Label metrics take predicted classes; 'roc_auc', 'average_precision',
 * 'pr_auc' and 'log_loss' take the positive class's scores (N) or, where multiclass applies,
 * probabilities (N, K) as a tensor or nested rows; regression metrics take predictions.
 * @example METRICS.f1_macro(yTrue, yPred) // 0.71...
 * @example const m = METRICS[name]; const better = m.greaterIsBetter ? a > b : a < b;
 */
export const METRICS = {
  accuracy: onLabels((t, p) => accuracy(t, p)),
  balanced_accuracy: onLabels((t, p) => balancedAccuracy(t, p)),
  precision: onLabels((t, p) => precision(t, p)),
  precision_macro: onLabels((t, p) => precision(t, p, { average: 'macro' })),
  precision_micro: onLabels((t, p) => precision(t, p, { average: 'micro' })),
  precision_weighted: onLabels((t, p) => precision(t, p, { average: 'weighted' })),
  recall: onLabels((t, p) => recall(t, p)),
  recall_macro: onLabels((t, p) => recall(t, p, { average: 'macro' })),
  recall_micro: onLabels((t, p) => recall(t, p, { average: 'micro' })),
  recall_weighted: onLabels((t, p) => recall(t, p, { average: 'weighted' })),
  f1: onLabels((t, p) => f1(t, p)),
  f1_macro: onLabels((t, p) => f1(t, p, { average: 'macro' })),
  f1_micro: onLabels((t, p) => f1(t, p, { average: 'micro' })),
  f1_weighted: onLabels((t, p) => f1(t, p, { average: 'weighted' })),
  matthews_corrcoef: onLabels((t, p) => matthewsCorrcoef(t, p)),
  cohen_kappa: onLabels((t, p) => cohenKappa(t, p)),
  roc_auc: metric('scores', true, (t, p) => rocAuc(t as Labels, p)),
  roc_auc_ovr: metric('scores', true, (t, p) => rocAuc(t as Labels, p, { multiClass: 'ovr' })),
  roc_auc_ovo: metric('scores', true, (t, p) => rocAuc(t as Labels, p, { multiClass: 'ovo' })),
  roc_auc_ovr_weighted: metric('scores', true, (t, p) => rocAuc(t as Labels, p, { multiClass: 'ovr', average: 'weighted' })),
  roc_auc_ovo_weighted: metric('scores', true, (t, p) => rocAuc(t as Labels, p, { multiClass: 'ovo', average: 'weighted' })),
  average_precision: metric('scores', true, (t, p) => averagePrecision(t as Labels, p as Labels)),
  pr_auc: metric('scores', true, (t, p) => prAuc(t as Labels, p as Labels)),
  log_loss: metric('scores', false, (t, p) => logLoss(t as Labels, p)),
  mae: metric('values', false, (t, p) => meanAbsoluteError(t, p)),
  mse: metric('values', false, (t, p) => meanSquaredError(t, p)),
  rmse: metric('values', false, (t, p) => rootMeanSquaredError(t, p)),
  mape: metric('values', false, (t, p) => meanAbsolutePercentageError(t, p)),
  median_absolute_error: metric('values', false, (t, p) => medianAbsoluteError(t, p)),
  r2: metric('values', true, (t, p) => r2Score(t, p)),
  explained_variance: metric('values', true, (t, p) => explainedVariance(t, p)),
} satisfies Record<string, MetricFn>;

/** A name in METRICS. */
export type MetricName = keyof typeof METRICS;

/**
 * The metric called `name`, or an error listing the names.
 * @example getMetric('f1_macro')(yTrue, yPred)
 */
export function getMetric(name: string): MetricFn {
  if (!Object.hasOwn(METRICS, name)) {
    throw new RangeError(`unknown metric ${JSON.stringify(name)}; known metrics: ${Object.keys(METRICS).join(', ')}`);
  }
  return METRICS[name as MetricName];
}
