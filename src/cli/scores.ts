// The evaluation metrics of `tessera evaluate`, from a model's predictions on labelled rows:
// classifiers are judged from class probabilities (N, K), regressors from values (N). Each metric
// also comes as a MetricFn for crossValidate and bootstrapCI, and metric warnings (an undefined
// precision, a single class in a resample) are collected instead of printed.

import { fromArray } from '../core/exec.js';
import { Tensor } from '../core/tensor.js';
import { bootstrapCI } from '../eval/bootstrap.js';
import { accuracy, balancedAccuracy, f1, precision, recall } from '../eval/metrics/classification.js';
import { confusionMatrix } from '../eval/metrics/confusion.js';
import { logLoss } from '../eval/metrics/log_loss.js';
import { averagePrecision, prAuc, rocAuc } from '../eval/metrics/ranking.js';
import {
  meanAbsoluteError,
  meanAbsolutePercentageError,
  meanSquaredError,
  r2Score,
  rootMeanSquaredError,
} from '../eval/metrics/regression.js';
import { type ClassificationReport, classificationReport } from '../eval/metrics/report.js';
import type { MetricFn, Predictions } from '../eval/predictions.js';
import type { Task } from './tabular.js';

/** A model's predictions on labelled rows. */
export type Scored =
  | {
      task: 'classification';
      /** True class indices (N). */
      yTrue: Int32Array;
      /** Class probabilities, row-major (N, K). */
      proba: Float64Array;
      numClasses: number;
      /** Binary only: predict the second class when its probability is at least this. Default: the most likely class. */
      threshold?: number;
    }
  | { task: 'regression'; yTrue: Float64Array; pred: Float64Array };

/** The metrics reported for a task (binary classifiers get the precision-recall ones too). */
export function metricNames(task: Task, numClasses = 2): string[] {
  if (task === 'regression') return ['mae', 'mse', 'rmse', 'r2', 'mape'];
  const base = ['accuracy', 'balanced_accuracy', 'precision_macro', 'recall_macro', 'f1_macro'];
  return numClasses === 2 ? [...base, 'roc_auc', 'average_precision', 'pr_auc', 'log_loss'] : [...base, 'roc_auc_ovr', 'log_loss'];
}

/** Whether a larger value of the metric is better (false for errors and losses). */
export function greaterIsBetter(name: string): boolean {
  return !['mae', 'mse', 'rmse', 'mape', 'log_loss'].includes(name);
}

/** Predicted classes: the most likely one, or for a binary classifier with a threshold, 1 when P(class 1) >= threshold. */
export function predictedClasses(proba: Float64Array, k: number, threshold?: number): Int32Array {
  const n = proba.length / k;
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    if (threshold !== undefined && k === 2) {
      out[i] = proba[i * 2 + 1] >= threshold ? 1 : 0;
      continue;
    }
    let best = 0;
    for (let j = 1; j < k; j++) if (proba[i * k + j] > proba[i * k + best]) best = j;
    out[i] = best;
  }
  return out;
}

/** Column j of a row-major (N, K) matrix. */
export function column(m: Float64Array, k: number, j: number): Float64Array {
  return Float64Array.from({ length: m.length / k }, (_, i) => m[i * k + j]);
}

/**
 * Every metric of `metricNames` (or only those in `only`) on the predictions; a metric that is
 * undefined on these rows (ROC-AUC of a single class) is NaN. Warnings go to `warn`.
 */
export function computeMetrics(s: Scored, warn: (message: string) => void = () => {}, only?: readonly string[]): Record<string, number> {
  const out: Record<string, number> = {};
  const safe = (name: string, fn: () => number) => {
    if (only !== undefined && !only.includes(name)) return;
    try {
      out[name] = fn();
    } catch (err) {
      warn(`${name}: ${(err as Error).message}`);
      out[name] = Number.NaN;
    }
  };
  if (s.task === 'regression') {
    safe('mae', () => meanAbsoluteError(s.yTrue, s.pred));
    safe('mse', () => meanSquaredError(s.yTrue, s.pred));
    safe('rmse', () => rootMeanSquaredError(s.yTrue, s.pred));
    safe('r2', () => r2Score(s.yTrue, s.pred));
    safe('mape', () => meanAbsolutePercentageError(s.yTrue, s.pred));
    return out;
  }
  const { yTrue, proba, numClasses: k } = s;
  const yPred = predictedClasses(proba, k, s.threshold);
  const prf = { average: 'macro' as const, zeroDivision: 0 as const, onWarning: warn };
  safe('accuracy', () => accuracy(yTrue, yPred));
  safe('balanced_accuracy', () => balancedAccuracy(yTrue, yPred, { onWarning: warn }));
  safe('precision_macro', () => precision(yTrue, yPred, prf));
  safe('recall_macro', () => recall(yTrue, yPred, prf));
  safe('f1_macro', () => f1(yTrue, yPred, prf));
  const labels = Array.from({ length: k }, (_, j) => j);
  if (k === 2) {
    const p1 = column(proba, 2, 1);
    safe('roc_auc', () => rocAuc(yTrue, p1));
    safe('average_precision', () => averagePrecision(yTrue, p1, { onWarning: warn }));
    safe('pr_auc', () => prAuc(yTrue, p1, { onWarning: warn }));
  } else safe('roc_auc_ovr', () => rocAuc(yTrue, proba, { multiClass: 'ovr', numClasses: k, labels }));
  safe('log_loss', () => logLoss(yTrue, proba, { numClasses: k, labels }));
  return out;
}

/** The confusion matrix (K, K) and the classification report, with class names. */
export function classificationSummary(
  s: Extract<Scored, { task: 'classification' }>,
  classes: readonly string[],
): { confusionMatrix: number[][]; report: ClassificationReport } {
  const yPred = predictedClasses(s.proba, s.numClasses, s.threshold);
  const labels = Array.from({ length: s.numClasses }, (_, j) => j);
  return {
    confusionMatrix: confusionMatrix(s.yTrue, yPred, { labels }),
    report: classificationReport(s.yTrue, yPred, { labels, targetNames: [...classes], zeroDivision: 0, digits: 4 }),
  };
}

/** A percentile bootstrap interval of one metric. */
export interface Interval {
  low: number;
  high: number;
  /** Resamples where the metric was undefined (left out). */
  skipped: number;
}

/**
 * Bootstrap confidence intervals of every metric: the rows are resampled `resamples` times
 * (within each class for classifiers) with one seed, so every metric sees the same resamples.
 */
export function bootstrapIntervals(
  s: Scored,
  options: { resamples: number; confidence: number; seed: number },
): Record<string, Interval | null> {
  const names = metricNames(s.task, s.task === 'classification' ? s.numClasses : 0);
  const n = s.yTrue.length;
  const preds: Predictions = s.task === 'classification' ? fromArray([n, s.numClasses], s.proba, 'float32') : s.pred;
  const out: Record<string, Interval | null> = {};
  for (const name of names) {
    try {
      const ci = bootstrapCI(s.yTrue, preds, metricFn(s, name), {
        nResamples: options.resamples,
        confidence: options.confidence,
        seed: options.seed,
        stratify: s.task === 'classification',
        maxSkippedFraction: 0.5,
      });
      out[name] = { low: ci.low, high: ci.high, skipped: ci.skipped };
    } catch {
      out[name] = null; // undefined on the rows themselves, or on most resamples
    }
  }
  return out;
}

/**
 * One metric as a MetricFn (yTrue, predictions) => number, for crossValidate and bootstrapCI:
 * predictions are the (N, K) probabilities of a classifier or the (N) values of a regressor.
 */
export function metricFn(like: { task: Task; threshold?: number }, name: string): MetricFn {
  return (yTrue: Float64Array, pred: Predictions) => {
    const values = pred instanceof Tensor ? Float64Array.from(pred.toTypedArray() as ArrayLike<number>) : pred;
    const s: Scored =
      like.task === 'regression'
        ? { task: 'regression', yTrue, pred: values }
        : {
            task: 'classification',
            yTrue: Int32Array.from(yTrue),
            proba: values,
            numClasses: values.length / Math.max(yTrue.length, 1),
            threshold: like.threshold,
          };
    const v = computeMetrics(s, undefined, [name])[name];
    if (v === undefined) throw new RangeError(`unknown metric ${name}`);
    return v;
  };
}

/** A metric's value for the results table: 4 decimals, 'n/a' when undefined. */
export function formatValue(v: number | undefined): string {
  return v === undefined || Number.isNaN(v) ? 'n/a' : v.toFixed(4);
}
