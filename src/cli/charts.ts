// The pictures of `tessera evaluate --charts <dir>`: the confusion matrix, ROC and precision-recall
// curves (the positive class of a binary classifier; one curve per class, one-vs-rest, otherwise),
// and training curves for cross-validation. Each file is written atomically as SVG or PNG.

import { join } from 'node:path';
import { confusionMatrixChart } from '../eval/charts/confusion_matrix.js';
import { prChart, rocChart } from '../eval/charts/curves.js';
import { type Chart, writeChart } from '../eval/charts/render.js';
import { type TrainingHistory, trainingCurvesChart } from '../eval/charts/training_curves.js';
import { confusionMatrix } from '../eval/metrics/confusion.js';
import { precisionRecallCurve, rocCurve } from '../eval/metrics/curves.js';
import { column, predictedClasses, type Scored } from './scores.js';

/** Curves drawn at most (one per class); more classes than this get only the confusion matrix. */
const MAX_CURVES = 10;

/**
 * Writes the charts of a classifier's predictions into `dir` (created if needed); returns the files.
 * `history` (per-epoch logs) adds training_curves, titled `historyTitle`.
 */
export async function writeEvaluationCharts(
  dir: string,
  s: Scored,
  options: { classes: readonly string[]; format: 'svg' | 'png'; title?: string; history?: TrainingHistory; historyTitle?: string },
): Promise<string[]> {
  const out: [string, Chart][] = [];
  const title = (what: string) => (options.title === undefined ? what : `${what}: ${options.title}`);
  if (s.task === 'classification') {
    const labels = Array.from({ length: s.numClasses }, (_, j) => j);
    const matrix = confusionMatrix(s.yTrue, predictedClasses(s.proba, s.numClasses, s.threshold), { labels });
    out.push(['confusion_matrix', confusionMatrixChart(matrix, { labels: [...options.classes], title: title('Confusion matrix') })]);
    const curves = curveInputs(s, options.classes);
    if (curves.length > 0) {
      out.push([
        'roc',
        rocChart(
          curves.map((c) => ({ ...c.roc, label: c.label })),
          { title: title('ROC curve') },
        ),
      ]);
      const baseline = s.numClasses === 2 ? s.yTrue.reduce((a, y) => a + y, 0) / s.yTrue.length : undefined;
      out.push([
        'pr',
        prChart(
          curves.map((c) => ({ ...c.pr, label: c.label })),
          { title: title('Precision-recall curve'), ...(baseline === undefined ? {} : { baseline }) },
        ),
      ]);
    }
  }
  if (options.history !== undefined)
    out.push(['training_curves', trainingCurvesChart(options.history, { title: options.historyTitle ?? 'Training curves' })]);
  const files: string[] = [];
  for (const [name, chart] of out) {
    const file = join(dir, `${name}.${options.format}`);
    await writeChart(chart, file, { mkdir: true });
    files.push(file);
  }
  return files;
}

/** The positive class's curves of a binary classifier, or each class against the rest (classes present in yTrue). */
function curveInputs(s: Extract<Scored, { task: 'classification' }>, classes: readonly string[]) {
  const k = s.numClasses;
  const targets = k === 2 ? [1] : Array.from({ length: Math.min(k, MAX_CURVES + 1) }, (_, j) => j);
  if (targets.length > MAX_CURVES) return [];
  return targets.flatMap((j) => {
    const y = Int32Array.from(s.yTrue, (c) => (c === j ? 1 : 0));
    const positives = y.reduce((a, b) => a + b, 0);
    if (positives === 0 || positives === y.length) return []; // a curve needs both kinds of rows
    const scores = column(s.proba, k, j);
    const label = k === 2 ? `${classes[1] ?? 'class 1'} vs ${classes[0] ?? 'class 0'}` : (classes[j] ?? `class ${j}`);
    return [{ label, roc: rocCurve(y, scores), pr: precisionRecallCurve(y, scores) }];
  });
}
