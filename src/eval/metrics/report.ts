// The classification report: per-class precision, recall, F1 and support, then accuracy (or the
// micro average) and the macro and weighted averages, as scikit-learn's classification_report —
// both as a structured object and as the same text table, character for character.

import { classList } from './classes.js';
import { type LabelsLike, labelPair, type ScoresLike } from './inputs.js';
import { prfs, type ZeroDivision } from './prf.js';
import type { WarningHandler } from './warnings.js';

/** Options of classificationReport. */
export interface ClassificationReportOptions {
  /** The classes to report and their order; default: the sorted labels present. */
  labels?: ArrayLike<number>;
  /** Display names of the classes, one per label; default: the labels. */
  targetNames?: readonly string[];
  /** Per-sample weights (N): supports become sums of weights. */
  sampleWeight?: ScoresLike;
  /** Decimals in the text. Default 2. */
  digits?: number;
  /** Default 'warn' (see prf.ts). */
  zeroDivision?: ZeroDivision;
  onWarning?: WarningHandler;
}

/** One line of the report. */
export interface ReportRow {
  name: string;
  precision: number;
  recall: number;
  f1: number;
  /** Samples of the class in yTrue (a sum of weights with sampleWeight); the total on average rows. */
  support: number;
}

/** The report: structured rows and the text table. */
export interface ClassificationReport {
  /** One row per class, in `labels` order. */
  classes: ReportRow[];
  /** The accuracy, reported instead of the micro average when every present class is reported. */
  accuracy: number | null;
  /** The micro average, when it is not the accuracy (some labels left out). */
  microAvg: ReportRow | null;
  macroAvg: ReportRow;
  weightedAvg: ReportRow;
  /** The table as scikit-learn prints it. */
  text: string;
}

/**
 * Python's format(x, '.{d}f'): the exact binary value rounded half to even (JS toFixed rounds ties away from zero).
 * @example pyFixed(0.125, 2) // '0.12' (toFixed gives '0.13')
 */
export function pyFixed(x: number, digits: number): string {
  const fixed = x.toFixed(digits);
  const exact = Math.abs(x).toFixed(Math.min(100, digits + 60)); // every digit of a tie
  const point = exact.indexOf('.');
  if (!/^50*$/.test(exact.slice(point + 1 + digits))) return fixed;
  const truncated = exact.slice(0, digits === 0 ? point : point + 1 + digits);
  if (Number(truncated.slice(-1)) % 2 === 1) return fixed; // odd: rounding up reaches the even neighbour
  return (x < 0 ? '-' : '') + truncated;
}

/** Python's str() of a support: an integer count, or a float sum of weights ('3.0', '2.5'). */
function pySupport(v: number, weighted: boolean): string {
  if (!weighted) return String(v);
  return Number.isInteger(v) && Math.abs(v) < 1e16 ? `${v}.0` : String(v);
}

/**
 * Precision, recall, F1 and support per class and averaged, with the text table.
 * @example
 * const r = classificationReport([0, 1, 2, 2, 2], [0, 0, 2, 2, 1], { targetNames: ['a', 'b', 'c'] });
 * console.log(r.text); // the table; r.macroAvg.f1 is 0.4888...
 */
export function classificationReport(
  yTrue: LabelsLike,
  yPred: LabelsLike,
  options: ClassificationReportOptions = {},
): ClassificationReport {
  const fn = 'classificationReport';
  const [t, p] = labelPair(fn, yTrue, yPred);
  const digits = options.digits ?? 2;
  if (!Number.isInteger(digits) || digits < 0 || digits > 20)
    throw new RangeError(`${fn}: digits must be an integer in [0, 20], got ${digits}`);
  const present = classList(fn, undefined, t, p);
  const labels = classList(fn, options.labels, t, p);
  const names = options.targetNames ?? labels.map(String);
  if (names.length !== labels.length) {
    throw new RangeError(`${fn}: targetNames has ${names.length} names but there are ${labels.length} classes [${labels.join(', ')}]`);
  }
  const base = { labels, sampleWeight: options.sampleWeight, zeroDivision: options.zeroDivision, onWarning: options.onWarning };
  const per = prfs(fn, t, p, { ...base, average: null }, 1, 'all');
  const support = per.support as number[];
  const classes = names.map((name, i) => ({
    name,
    precision: (per.precision as number[])[i],
    recall: (per.recall as number[])[i],
    f1: (per.fScore as number[])[i],
    support: support[i],
  }));
  const total = support.reduce((s, v) => s + v, 0);
  const averaged = (average: 'micro' | 'macro' | 'weighted', name: string): ReportRow => {
    const r = prfs(fn, t, p, { ...base, average }, 1, 'all');
    return { name, precision: r.precision as number, recall: r.recall as number, f1: r.fScore as number, support: total };
  };
  const sameSet = labels.length === present.length && present.every((c) => labels.includes(c));
  const micro = averaged('micro', sameSet ? 'accuracy' : 'micro avg');
  const report = {
    classes,
    accuracy: sameSet ? micro.precision : null,
    microAvg: sameSet ? null : micro,
    macroAvg: averaged('macro', 'macro avg'),
    weightedAvg: averaged('weighted', 'weighted avg'),
  };
  return { ...report, text: reportText(report, micro, digits, options.sampleWeight !== undefined) };
}

function reportText(r: Omit<ClassificationReport, 'text'>, micro: ReportRow, digits: number, weighted: boolean): string {
  const width = Math.max(...r.classes.map((c) => c.name.length), 'weighted avg'.length, digits);
  const cell = (s: string) => ` ${s.padStart(9)}`;
  const line = (row: ReportRow) =>
    `${row.name.padStart(width)} ${cell(pyFixed(row.precision, digits))}${cell(pyFixed(row.recall, digits))}${cell(pyFixed(row.f1, digits))}${cell(pySupport(row.support, weighted))}\n`;
  let text = `${''.padStart(width)} ${['precision', 'recall', 'f1-score', 'support'].map(cell).join('')}\n\n`;
  for (const row of r.classes) text += line(row);
  text += '\n';
  if (r.accuracy !== null) {
    // as scikit-learn: the micro F1 (equal to the accuracy) under f1-score, precision and recall blank
    text += `${'accuracy'.padStart(width)} ${cell('')}${cell('')}${cell(pyFixed(micro.f1, digits))}${cell(pySupport(micro.support, weighted))}\n`;
  } else text += line(micro);
  text += line(r.macroAvg);
  text += line(r.weightedAvg);
  return text;
}
