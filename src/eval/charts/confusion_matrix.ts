// The confusion matrix as a heatmap: rows are the true classes, columns the predicted ones, each cell
// coloured by its count (or its fraction when normalized) on a light-to-dark blue scale and labelled
// with its count (and percentage), in white on dark cells so the text stays readable.

import { Chart } from './render.js';
import { type ChartOptions, formatValue, page } from './spec.js';
import { describe, isArrayLike } from './validate.js';

/** Which totals a normalized confusion matrix divides by. */
export type ConfusionNormalize = boolean | 'true' | 'pred' | 'all';

export interface ConfusionMatrixChartOptions extends ChartOptions {
  /** Class names, one per row; default '0', '1', ... */
  labels?: readonly (string | number)[];
  /**
   * Colour cells by fractions and show percentages under the counts: 'true' (or true) divides each
   * row by its total (per-class recall on the diagonal), 'pred' each column (precision), 'all' the
   * whole matrix. A row or column without samples shows 0%. Default false (colour by counts).
   */
  normalize?: ConfusionNormalize;
  /** Write the values in the cells. Default: when there are at most 30 classes. */
  showValues?: boolean;
  /** Side of a cell in pixels. Default: 480 / classes, kept within [14, 64]. */
  cellSize?: number;
}

/**
 * A heatmap of a confusion matrix `matrix[true][predicted]` (counts, k x k), with "Predicted" on the
 * x axis and "True" on the y axis.
 *
 * @example
 * const chart = confusionMatrixChart([[50, 2], [5, 43]], { labels: ['cat', 'dog'], normalize: true });
 * await writeChart(chart, 'runs/confusion.svg'); // cells read "50 / 96.2%", "2 / 3.8%", ...
 */
export function confusionMatrixChart(matrix: readonly (readonly number[])[], options: ConfusionMatrixChartOptions = {}): Chart {
  const op = 'confusionMatrixChart';
  const counts = checkMatrix(op, matrix);
  const k = counts.length;
  const labels = checkLabels(op, options.labels, k);
  const mode = normalizeMode(op, options.normalize);
  const showValues = options.showValues ?? k <= 30;
  if (typeof showValues !== 'boolean') throw new TypeError(`${op}: options.showValues must be a boolean, got ${describe(showValues)}`);
  const cell = options.cellSize ?? Math.max(14, Math.min(64, Math.floor(480 / k)));
  if (!Number.isInteger(cell) || cell < 1)
    throw new RangeError(`${op}: options.cellSize must be a positive integer, got ${describe(cell)}`);

  const rowSum = counts.map((row) => row.reduce((a, b) => a + b, 0));
  const colSum = counts[0].map((_, j) => counts.reduce((a, row) => a + row[j], 0));
  const total = rowSum.reduce((a, b) => a + b, 0);
  const fraction = (i: number, j: number): number => {
    const d = mode === 'true' ? rowSum[i] : mode === 'pred' ? colSum[j] : total;
    return d > 0 ? counts[i][j] / d : 0;
  };
  let max = 0;
  const values: Record<string, unknown>[] = [];
  for (let i = 0; i < k; i++) {
    for (let j = 0; j < k; j++) {
      const value = mode === null ? counts[i][j] : fraction(i, j);
      max = Math.max(max, value);
      const text = mode === null ? formatValue(counts[i][j]) : `${formatValue(counts[i][j])}\n${(100 * value).toFixed(1)}%`;
      values.push({ actual: labels[i], predicted: labels[j], count: counts[i][j], value, text });
    }
  }
  const top = mode === null ? Math.max(max, 1) : 1;
  for (const v of values) v.dark = (v.value as number) > 0.55 * top;

  const x = { field: 'predicted', type: 'ordinal', sort: labels, title: 'Predicted', axis: { labelAngle: longest(labels) > 4 ? -45 : 0 } };
  const y = { field: 'actual', type: 'ordinal', sort: labels, title: 'True' };
  const layers: Record<string, unknown>[] = [
    {
      mark: { type: 'rect', stroke: 'white', strokeWidth: k <= 60 ? 1 : 0 },
      encoding: {
        x,
        y,
        color: {
          field: 'value',
          type: 'quantitative',
          scale: { scheme: 'blues', domain: [0, top] },
          legend: mode === null ? { title: legendTitle(mode) } : { title: legendTitle(mode), format: '.0%' },
        },
        tooltip: [
          { field: 'actual', title: 'True' },
          { field: 'predicted', title: 'Predicted' },
          { field: 'count', title: 'Count' },
          ...(mode === null ? [] : [{ field: 'value', title: 'Fraction', format: '.1%' }]),
        ],
      },
    },
  ];
  if (showValues) {
    layers.push({
      mark: { type: 'text', lineBreak: '\n', fontSize: Math.max(8, Math.min(13, Math.floor(cell / (mode === null ? 3 : 4)))) },
      encoding: { x, y, text: { field: 'text' }, color: { condition: { test: 'datum.dark', value: 'white' }, value: '#1a1a1a' } },
    });
  }
  const spec = page(op, options, { title: 'Confusion matrix' });
  spec.width = { step: cell };
  spec.height = { step: cell };
  spec.data = { values };
  spec.layer = layers;
  return new Chart(spec);
}

function checkMatrix(op: string, matrix: unknown): number[][] {
  if (!isArrayLike(matrix) || matrix.length === 0) {
    throw new TypeError(`${op}: matrix must be a non-empty square array of rows (k x k counts), got ${describe(matrix)}`);
  }
  const k = matrix.length;
  const out: number[][] = [];
  for (let i = 0; i < k; i++) {
    const row = matrix[i];
    if (!isArrayLike(row)) throw new TypeError(`${op}: matrix[${i}] must be an array of ${k} counts, got ${describe(row)}`);
    if (row.length !== k) {
      throw new RangeError(
        `${op}: matrix must be square (${k} x ${k}, one row and one column per class), but row ${i} has ${row.length} values`,
      );
    }
    const r: number[] = [];
    for (let j = 0; j < k; j++) {
      const v = row[j];
      if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) {
        throw new RangeError(`${op}: matrix[${i}][${j}] must be a finite count >= 0, got ${typeof v === 'number' ? v : describe(v)}`);
      }
      r.push(v);
    }
    out.push(r);
  }
  return out;
}

function checkLabels(op: string, labels: unknown, k: number): string[] {
  if (labels === undefined) return Array.from({ length: k }, (_, i) => String(i));
  if (!Array.isArray(labels) || labels.length !== k) {
    throw new RangeError(`${op}: options.labels must be an array of ${k} class names (one per matrix row), got ${describe(labels)}`);
  }
  const out = labels.map((l, i) => {
    if (typeof l !== 'string' && typeof l !== 'number')
      throw new TypeError(`${op}: options.labels[${i}] must be a string, got ${describe(l)}`);
    return String(l);
  });
  const seen = new Set<string>();
  for (const l of out) {
    if (seen.has(l)) throw new RangeError(`${op}: options.labels must be distinct, but "${l}" appears twice`);
    seen.add(l);
  }
  return out;
}

function normalizeMode(op: string, normalize: unknown): 'true' | 'pred' | 'all' | null {
  if (normalize === undefined || normalize === false) return null;
  if (normalize === true) return 'true';
  if (normalize === 'true' || normalize === 'pred' || normalize === 'all') return normalize;
  throw new RangeError(`${op}: options.normalize must be true, false, 'true', 'pred' or 'all', got ${describe(normalize)}`);
}

function legendTitle(mode: 'true' | 'pred' | 'all' | null): string {
  if (mode === 'true') return 'Share of true class';
  if (mode === 'pred') return 'Share of predicted';
  if (mode === 'all') return 'Share of all';
  return 'Count';
}

function longest(labels: readonly string[]): number {
  return labels.reduce((m, l) => Math.max(m, l.length), 0);
}
