// The loss and metric names a config may use: the trainer's own lists (one source of truth), plus
// which losses take class-index targets (for those, the model must output one score per class).

import { LOSS_NAMES, METRIC_NAMES } from '../train/index.js';

/** Loss names, as `Trainer` accepts them. */
export const LOSSES: readonly string[] = LOSS_NAMES;

/** Losses whose targets are class indices: the model outputs (N, classes) and accuracy applies. */
export const CLASSIFICATION_LOSSES: readonly string[] = ['crossEntropy', 'cross_entropy', 'nll'];

/** Losses of binary classifiers: the model outputs one score per sample (N, 1), the targets are 0 or 1. */
export const BINARY_LOSSES: readonly string[] = ['bce', 'bceWithLogits'];

/** Metric names, as `Trainer` accepts them; 'top<k>' works for any k >= 1. */
export const METRICS: readonly string[] = METRIC_NAMES;

/** Whether `name` is a metric the trainer knows. */
export function isMetric(name: string): boolean {
  return METRICS.includes(name) || /^top[1-9]\d*$/.test(name);
}
