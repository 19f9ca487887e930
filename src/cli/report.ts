// The evaluation options shared by `tessera evaluate <model-dir>` and `--cv` (bootstrap, charts,
// threshold), and what both print: the metrics with their bootstrap confidence intervals, the
// confusion matrix and the classification report, as text or as JSON.

import type { ClassificationReport } from '../eval/metrics/report.js';
import { intOption, numberOption, type ParsedCommand } from './args.js';
import { writeEvaluationCharts } from './charts.js';
import { UsageError } from './errors.js';
import { table } from './format.js';
import { thresholdOption } from './predict.js';
import { bootstrapIntervals, classificationSummary, computeMetrics, formatValue, type Interval, type Scored } from './scores.js';

/** The options both forms of evaluate take. */
export interface EvaluationOptions {
  bootstrap?: { resamples: number; confidence: number; seed: number };
  charts?: { dir: string; format: 'svg' | 'png' };
  threshold?: number;
  seed: number;
}

/** Reads --bootstrap, --confidence, --seed, --charts, --format and --threshold; usage errors for the rest. */
export function evaluationOptions(values: ParsedCommand['values']): EvaluationOptions {
  const resamples = intOption('evaluate', 'bootstrap', values.bootstrap, 1);
  const seed = intOption('evaluate', 'seed', values.seed, 0) ?? 0;
  let confidence = 0.95;
  if (values.confidence !== undefined) {
    if (resamples === undefined)
      throw new UsageError('--confidence sets the level of the --bootstrap intervals; add --bootstrap <n>', 'evaluate');
    confidence = numberOption('evaluate', 'confidence', values.confidence, 0, 1) as number;
  }
  const format = values.format ?? 'svg';
  if (format !== 'svg' && format !== 'png')
    throw new UsageError(`--format: expected svg or png, got ${JSON.stringify(format)}`, 'evaluate');
  if (values.format !== undefined && values.charts === undefined)
    throw new UsageError('--format is the format of --charts; add --charts <dir>', 'evaluate');
  const charts = typeof values.charts === 'string' ? { dir: values.charts, format: format as 'svg' | 'png' } : undefined;
  const threshold = thresholdOption('evaluate', values.threshold);
  return {
    seed,
    threshold,
    ...(resamples === undefined ? {} : { bootstrap: { resamples, confidence, seed } }),
    ...(charts === undefined ? {} : { charts }),
  };
}

/** Metrics of predictions, with intervals, summary and charts when asked for. */
export interface Evaluation {
  task: Scored['task'];
  samples: number;
  metrics: Record<string, number>;
  intervals?: Record<string, Interval | null>;
  confusionMatrix?: number[][];
  report?: ClassificationReport;
  charts?: string[];
  warnings: string[];
}

/** Computes everything `evaluate` reports about predictions `s` (class names label the summary and charts). */
export async function evaluatePredictions(
  s: Scored,
  classes: readonly string[],
  options: EvaluationOptions,
  extra: Pick<Parameters<typeof writeEvaluationCharts>[2], 'title' | 'history' | 'historyTitle'> = {},
): Promise<Evaluation> {
  if (s.task === 'classification' && options.threshold !== undefined && s.numClasses !== 2) {
    throw new UsageError(`--threshold needs a binary classifier; this model has ${s.numClasses} classes`, 'evaluate');
  }
  if (s.task === 'regression' && options.threshold !== undefined)
    throw new UsageError('--threshold needs a binary classifier; this model predicts values', 'evaluate');
  if (s.task === 'classification' && options.threshold !== undefined) s = { ...s, threshold: options.threshold };
  const warnings = new Set<string>();
  const metrics = computeMetrics(s, (w) => warnings.add(w));
  const out: Evaluation = { task: s.task, samples: s.yTrue.length, metrics, warnings: [...warnings] };
  if (s.task === 'classification') Object.assign(out, classificationSummary(s, classes));
  if (options.bootstrap !== undefined) out.intervals = bootstrapIntervals(s, options.bootstrap);
  if (options.charts !== undefined) {
    out.charts = await writeEvaluationCharts(options.charts.dir, s, { classes, format: options.charts.format, ...extra });
  }
  return out;
}

/** The evaluation as text: metrics (with intervals), confusion matrix, report, charts, warnings. */
export function renderEvaluation(e: Evaluation, classes: readonly string[], options: EvaluationOptions, heading = 'value'): string {
  const b = options.bootstrap;
  const ciHead = b === undefined ? [] : [`${Math.round(b.confidence * 1000) / 10}% CI (${b.resamples} bootstrap resamples)`];
  const rows = Object.entries(e.metrics).map(([name, v]) => {
    const ci = e.intervals?.[name];
    const interval = ci ? `[${formatValue(ci.low)}, ${formatValue(ci.high)}]` : 'n/a';
    return [name, formatValue(v), ...(b === undefined ? [] : [interval])];
  });
  const parts = [table([['metric', heading, ...ciHead], ...rows])];
  if (e.confusionMatrix !== undefined) {
    const names = e.confusionMatrix.map((_, i) => classes[i] ?? String(i));
    parts.push(
      `Confusion matrix (rows: true class, columns: predicted${options.threshold === undefined ? '' : `, threshold ${options.threshold}`}):\n${table(
        [['', ...names], ...e.confusionMatrix.map((r, i) => [names[i], ...r.map(String)])],
      )}`,
    );
  }
  if (e.report !== undefined) parts.push(`Classification report:\n${e.report.text.replace(/\n+$/, '')}`);
  if (e.charts !== undefined) parts.push(`Charts: ${e.charts.join(', ')}`);
  if (e.warnings.length > 0) parts.push(e.warnings.map((w) => `note: ${w}`).join('\n'));
  return parts.join('\n\n');
}

/** The evaluation as plain JSON (the report without its text table's layout). */
export function evaluationJson(e: Evaluation, options: EvaluationOptions): Record<string, unknown> {
  const nan = (v: number) => (Number.isNaN(v) ? null : v);
  const metrics = Object.fromEntries(Object.entries(e.metrics).map(([k, v]) => [k, nan(v)]));
  const out: Record<string, unknown> = { task: e.task, samples: e.samples, metrics };
  if (e.intervals !== undefined) {
    out.bootstrap = options.bootstrap;
    out.intervals = Object.fromEntries(
      Object.entries(e.intervals).map(([k, ci]) => [k, ci === null ? null : { low: nan(ci.low), high: nan(ci.high), skipped: ci.skipped }]),
    );
  }
  if (options.threshold !== undefined) out.threshold = options.threshold;
  if (e.confusionMatrix !== undefined) out.confusionMatrix = e.confusionMatrix;
  if (e.report !== undefined) out.report = e.report;
  if (e.charts !== undefined) out.charts = e.charts;
  if (e.warnings.length > 0) out.warnings = e.warnings;
  return out;
}
