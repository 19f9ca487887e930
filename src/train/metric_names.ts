// Metrics by name for `compile({ metrics: ['accuracy', 'top5', 'f1'] })`. The name given is the key
// in the logs (and 'val_' + name on validation data).

import { F1Score, Precision, Recall } from './classification_metrics.js';
import { Accuracy, MeanAbsoluteError, MeanSquaredError, type Metric, TopKAccuracy } from './metrics.js';

/** The metric names `compile` accepts; 'top<k>' works for any k ('top3', 'top5'). */
export const METRIC_NAMES = ['accuracy', 'acc', 'top5', 'precision', 'recall', 'f1', 'mae', 'mse'] as const;

/**
 * A fresh metric for `spec`: a name from METRIC_NAMES (or 'top<k>'), or a Metric used as is.
 * `binaryThreshold` turns binary outputs into predictions: 0.5 for probabilities, 0 for logits.
 * @example resolveMetric('top3').name // 'top3'
 */
export function resolveMetric(spec: string | Metric, binaryThreshold = 0.5): Metric {
  if (typeof spec !== 'string') {
    const ok =
      spec !== null && typeof spec === 'object' && ['update', 'result', 'reset'].every((m) => typeof (spec as never)[m] === 'function');
    if (!ok || typeof spec.name !== 'string')
      throw new TypeError('compile: a metric must be a name or an object with name, update, result and reset');
    return spec;
  }
  const threshold = binaryThreshold;
  switch (spec) {
    case 'accuracy':
    case 'acc':
      return new Accuracy({ name: spec, threshold });
    case 'precision':
      return new Precision({ threshold });
    case 'recall':
      return new Recall({ threshold });
    case 'f1':
      return new F1Score({ threshold });
    case 'mae':
      return new MeanAbsoluteError();
    case 'mse':
      return new MeanSquaredError();
  }
  const topK = /^top(\d+)$/.exec(spec);
  if (topK !== null && Number(topK[1]) >= 1) return new TopKAccuracy(Number(topK[1]));
  throw new RangeError(`compile: unknown metric '${spec}' (known: ${METRIC_NAMES.join(', ')}, top<k>), or pass a Metric object`);
}
