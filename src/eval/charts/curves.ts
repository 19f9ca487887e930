// ROC and precision-recall charts: one line per curve in the unit square, the legend naming each
// curve with its area (AUC, or average precision), and the reference a classifier must beat (the
// chance diagonal; the positive rate). Points are drawn in the order given, so the vertical and
// horizontal stretches of step curves stay as they are; long curves are downsampled (see
// downsample.ts: every kept point is an original vertex, the line moves by under a pixel).

import { type DownsampleOptions, downsampleCurve } from './downsample.js';
import { Chart } from './render.js';
import { type ChartOptions, formatValue, PALETTE, page } from './spec.js';
import { describe, numbers, optionalString } from './validate.js';

/** One ROC curve: false and true positive rates at decreasing thresholds, as `rocCurve` returns them. */
export interface RocCurveInput {
  fpr: ArrayLike<number>;
  tpr: ArrayLike<number>;
  /** Name in the legend. */
  label?: string;
  /** Area under the curve for the legend; default: computed from the points (trapezoidal rule). */
  auc?: number;
}

/** One precision-recall curve, as `precisionRecallCurve` returns it. */
export interface PrCurveInput {
  recall: ArrayLike<number>;
  precision: ArrayLike<number>;
  /** Name in the legend. */
  label?: string;
  /** Average precision for the legend; default: computed from the points (sum of recall steps times precision). */
  ap?: number;
}

export interface CurveChartOptions extends ChartOptions, DownsampleOptions {}

export interface PrChartOptions extends CurveChartOptions {
  /** The precision of a classifier that guesses: the positive rate of the data. Drawn as a dashed line. */
  baseline?: number;
}

/**
 * ROC curves with the chance diagonal; the legend shows each curve's AUC.
 *
 * @example
 * const chart = rocChart([{ fpr: [0, 0, 0.5, 1], tpr: [0, 0.5, 1, 1], label: 'mlp' }]);
 * await writeChart(chart, 'runs/roc.svg'); // legend: "mlp (AUC = 0.875)"
 */
export function rocChart(curves: readonly RocCurveInput[], options: CurveChartOptions = {}): Chart {
  const op = 'rocChart';
  const data = curveRows(op, curves, ['fpr', 'tpr'], 'auc', 'AUC', trapezoid, options);
  const spec = page(op, options, { title: 'ROC curve', width: 360, height: 360 });
  spec.layer = [
    {
      data: {
        values: [
          { fpr: 0, tpr: 0 },
          { fpr: 1, tpr: 1 },
        ],
      },
      mark: { type: 'line', color: '#9a9a9a', strokeDash: [5, 4], strokeWidth: 1.2 },
      encoding: { x: { field: 'fpr', type: 'quantitative' }, y: { field: 'tpr', type: 'quantitative' } },
    },
    curveLayer(data, 'fpr', 'tpr', 'False positive rate', 'True positive rate', 'bottom-right'),
  ];
  return new Chart(spec);
}

/**
 * Precision-recall curves, with the positive rate as a dashed baseline when given; the legend
 * shows each curve's average precision.
 *
 * @example
 * const chart = prChart([{ recall: [1, 0.5, 0], precision: [0.5, 1, 1], label: 'mlp' }], { baseline: 0.5 });
 * await writeChart(chart, 'runs/pr.png'); // legend: "mlp (AP = 0.75)"
 */
export function prChart(curves: readonly PrCurveInput[], options: PrChartOptions = {}): Chart {
  const op = 'prChart';
  const data = curveRows(op, curves, ['recall', 'precision'], 'ap', 'AP', averagePrecision, options);
  const spec = page(op, options, { title: 'Precision-recall curve', width: 360, height: 360 });
  const layers: Record<string, unknown>[] = [];
  if (options.baseline !== undefined) {
    const b = options.baseline;
    if (typeof b !== 'number' || !(b >= 0 && b <= 1)) {
      throw new RangeError(`${op}: options.baseline must be the positive rate, a number in [0, 1], got ${describe(b)}`);
    }
    layers.push(
      {
        data: { values: [{ y: b }] },
        mark: { type: 'rule', color: '#9a9a9a', strokeDash: [5, 4], strokeWidth: 1.2 },
        encoding: { y: { field: 'y', type: 'quantitative' } },
      },
      {
        data: { values: [{ x: 0, y: b, text: `positive rate ${formatValue(b)}` }] },
        mark: {
          type: 'text',
          align: 'left',
          baseline: b > 0.9 ? 'top' : 'bottom',
          dx: 4,
          dy: b > 0.9 ? 4 : -4,
          color: '#6a6a6a',
          fontSize: 11,
        },
        encoding: { x: { field: 'x', type: 'quantitative' }, y: { field: 'y', type: 'quantitative' }, text: { field: 'text' } },
      },
    );
  }
  layers.push(curveLayer(data, 'recall', 'precision', 'Recall', 'Precision', 'bottom-left'));
  spec.layer = layers;
  return new Chart(spec);
}

/** Area under a curve by the trapezoidal rule, whichever way x runs. */
function trapezoid(x: Float64Array, y: Float64Array): number {
  let area = 0;
  for (let i = 1; i < x.length; i++) area += ((x[i] - x[i - 1]) * (y[i] + y[i - 1])) / 2;
  return Math.abs(area);
}

/** Sum over recall steps of the step times the precision at its higher-recall end (scikit-learn's AP). */
function averagePrecision(recall: Float64Array, precision: Float64Array): number {
  let ap = 0;
  for (let i = 1; i < recall.length; i++) {
    const hi = recall[i] >= recall[i - 1] ? i : i - 1;
    ap += Math.abs(recall[i] - recall[i - 1]) * precision[hi];
  }
  return ap;
}

interface CurveData {
  values: Record<string, unknown>[];
  names: string[];
}

/** Validated, downsampled rows `{ curve, <x>, <y>, i }` of every curve, and the legend names in order. */
function curveRows(
  op: string,
  curves: readonly object[],
  [xKey, yKey]: [string, string],
  scoreKey: string,
  scoreName: string,
  score: (x: Float64Array, y: Float64Array) => number,
  options: DownsampleOptions,
): CurveData {
  if (!Array.isArray(curves) || curves.length === 0) {
    throw new TypeError(`${op}: curves must be a non-empty array of { ${xKey}, ${yKey}, label? }, got ${describe(curves)}`);
  }
  const values: Record<string, unknown>[] = [];
  const names: string[] = [];
  curves.forEach((curve, c) => {
    if (curve === null || typeof curve !== 'object')
      throw new TypeError(`${op}: curves[${c}] must be an object { ${xKey}, ${yKey}, label? }, got ${describe(curve)}`);
    const fields = curve as Record<string, unknown>;
    const x = numbers(op, `curves[${c}].${xKey}`, fields[xKey], { min: 0, max: 1 });
    const y = numbers(op, `curves[${c}].${yKey}`, fields[yKey], { min: 0, max: 1 });
    if (x.length !== y.length) {
      throw new RangeError(`${op}: curves[${c}].${xKey} and .${yKey} must have the same length, got ${x.length} and ${y.length}`);
    }
    const label = optionalString(op, `curves[${c}].label`, fields.label);
    let area = fields[scoreKey];
    if (area === undefined) area = score(x, y);
    else if (typeof area !== 'number' || !(area >= 0 && area <= 1)) {
      throw new RangeError(`${op}: curves[${c}].${scoreKey} must be a number in [0, 1], got ${describe(area)}`);
    }
    let name = `${label ?? (curves.length > 1 ? `curve ${c + 1}` : '')} (${scoreName} = ${formatValue(area as number)})`.trim();
    if (name.startsWith('(')) name = name.slice(1, -1);
    while (names.includes(name)) name = `${name} #${c + 1}`;
    names.push(name);
    for (const i of downsampleCurve(x, y, options)) values.push({ curve: name, [xKey]: x[i], [yKey]: y[i], i });
  });
  return { values, names };
}

/** The layer drawing the curves, coloured by name, in point order. */
function curveLayer(data: CurveData, x: string, y: string, xTitle: string, yTitle: string, legendCorner: string): Record<string, unknown> {
  const unit = { domain: [0, 1], nice: false };
  return {
    data: { values: data.values },
    mark: { type: 'line', strokeWidth: 2, interpolate: 'linear' },
    encoding: {
      x: { field: x, type: 'quantitative', title: xTitle, scale: unit },
      y: { field: y, type: 'quantitative', title: yTitle, scale: unit },
      order: { field: 'i', type: 'quantitative' },
      color: {
        field: 'curve',
        type: 'nominal',
        sort: data.names,
        scale: { domain: data.names, range: PALETTE },
        legend: { title: null, orient: legendCorner, fillColor: 'rgba(255,255,255,0.85)', padding: 6 },
      },
    },
  };
}
