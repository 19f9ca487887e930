// OutlierClipper: caps extreme values of number columns to bounds learned at fit, either training
// quantiles (winsorising) or Tukey's fences [Q1 - k*IQR, Q3 + k*IQR]. Not in scikit-learn; quantiles
// are computed as numpy.percentile does. NaN is ignored by fit and kept; clipping is not invertible.

import type { Column, ColumnKind } from '../table.js';
import { type JsonObject, type JsonReader, show } from './json.js';
import { checkRange, pick } from './options.js';
import { percentile, presentValues, sorted } from './stats.js';
import { type ColumnOptions, ColumnwiseTransform } from './transformer.js';

const METHODS = ['iqr', 'quantile'] as const;

/** OutlierClipper options. */
export interface OutlierClipperOptions extends ColumnOptions {
  /** 'iqr': Tukey's fences from the quartiles; 'quantile': the quantileRange percentiles. Default 'iqr'. */
  method?: (typeof METHODS)[number];
  /** For 'quantile': the percentiles (0..100) to clip to. Default [1, 99]. */
  quantileRange?: readonly [number, number];
  /** For 'iqr': the fence distance in IQRs. Default 1.5. */
  k?: number;
}

/**
 * Clips each number column to [lower, upper] learned from the training data.
 *
 * @example
 * const c = new OutlierClipper({ method: 'iqr', k: 1.5 }).fit(Table.fromColumns({ x: [1, 2, 3, 4, 100] }));
 * c.lower; // [-1]   c.upper; // [7]   (Q1 2, Q3 4, IQR 2)
 * c.transform(Table.fromColumns({ x: [100, 3] })).numbers('x'); // [7, 3]
 */
export class OutlierClipper extends ColumnwiseTransform {
  readonly type = 'OutlierClipper';
  readonly method: (typeof METHODS)[number];
  readonly quantileRange: readonly [number, number];
  readonly k: number;
  /** Per fitted column: the clipping bounds. */
  lower: number[] = [];
  upper: number[] = [];

  constructor(options: OutlierClipperOptions = {}) {
    super('OutlierClipper', options);
    this.method = pick(this.type, 'method', options.method, METHODS, 'iqr');
    this.quantileRange = checkRange(this.type, 'quantileRange', options.quantileRange ?? [1, 99], 0, 100);
    const k = options.k ?? 1.5;
    if (typeof k !== 'number' || !Number.isFinite(k) || k < 0)
      throw new RangeError(`OutlierClipper: k must be a number >= 0, got ${show(k)}`);
    this.k = k;
  }

  protected accepts(kind: ColumnKind): boolean {
    return kind === 'number';
  }
  protected kindHint(): string {
    return 'OutlierClipper needs number columns';
  }
  protected resetState(count: number): void {
    this.lower = new Array(count).fill(0);
    this.upper = new Array(count).fill(0);
  }

  protected fitColumn(j: number, name: string, col: Column): void {
    const s = sorted(presentValues(this.type, name, col.values as Float64Array));
    if (this.method === 'quantile') {
      this.lower[j] = percentile(s, this.quantileRange[0]);
      this.upper[j] = percentile(s, this.quantileRange[1]);
    } else {
      const q1 = percentile(s, 25);
      const q3 = percentile(s, 75);
      this.lower[j] = q1 - this.k * (q3 - q1);
      this.upper[j] = q3 + this.k * (q3 - q1);
    }
  }

  protected encode(j: number, name: string, col: Column): [string, Column][] {
    const lo = this.lower[j];
    const hi = this.upper[j];
    return [[name, { kind: 'number', values: Float64Array.from(col.values as Float64Array, (x) => Math.min(Math.max(x, lo), hi)) }]];
  }

  protected configJSON(): JsonObject {
    return { method: this.method, quantileRange: [...this.quantileRange], k: this.k };
  }
  protected stateJSON(): JsonObject {
    return { lower: this.lower, upper: this.upper };
  }
  protected loadState(r: JsonReader, kinds: ColumnKind[]): void {
    this.lower = [...r.numbers('lower', kinds.length)];
    this.upper = [...r.numbers('upper', kinds.length)];
    this.lower.forEach((lo, j) => {
      if (!(lo <= this.upper[j])) throw r.fail(`${r.where}.lower[${j}] (${lo}) must not exceed upper[${j}] (${this.upper[j]})`);
    });
  }

  /** Rebuilds a clipper from its config JSON (used by transformFromJSON). */
  static fromConfig(r: JsonReader, columns: string[] | undefined): OutlierClipper {
    return new OutlierClipper({
      columns,
      method: r.oneOf('method', METHODS),
      quantileRange: [...r.numbers('quantileRange', 2)] as [number, number],
      k: r.number('k'),
    });
  }
}
