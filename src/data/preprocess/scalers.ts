// Scalers: StandardScaler, MinMaxScaler and RobustScaler, each an affine map per number column with
// scikit-learn's fitted statistics and its guard for constant columns (their scale is 1, so they
// map to 0 instead of NaN). Missing values (NaN) are ignored by fit and stay NaN through transform.

import type { Column, ColumnKind } from '../table.js';
import type { JsonObject, JsonReader } from './json.js';
import { checkBool, checkRange } from './options.js';
import { mean, median, percentile, presentValues, sorted, variance } from './stats.js';
import { type ColumnOptions, ColumnwiseTransform } from './transformer.js';

const EPS = 2.220446049250313e-16; // float64 machine epsilon

/** An affine map `(x - offset) / scale` per column, with its inverse. */
abstract class AffineScaler extends ColumnwiseTransform {
  protected offset: number[] = [];
  protected scale: number[] = [];

  protected accepts(kind: ColumnKind): boolean {
    return kind === 'number';
  }
  protected kindHint(): string {
    return `${this.type} needs number columns; encode strings first (OneHotEncoder, OrdinalEncoder)`;
  }
  protected resetState(count: number): void {
    this.offset = new Array(count).fill(0);
    this.scale = new Array(count).fill(1);
  }
  protected encode(j: number, name: string, col: Column): [string, Column][] {
    const x = col.values as Float64Array;
    const out = new Float64Array(x.length);
    const m = this.offset[j];
    const s = this.scale[j];
    for (let i = 0; i < x.length; i++) out[i] = (x[i] - m) / s;
    return [[name, { kind: 'number', values: out }]];
  }
  protected override decode(j: number, [col]: Column[]): Column {
    const x = this.scaled(j, col);
    const out = new Float64Array(x.length);
    for (let i = 0; i < out.length; i++) out[i] = x[i] * this.scale[j] + this.offset[j];
    return { kind: 'number', values: out };
  }
  /** The values of output column `j`, which must hold numbers. */
  protected scaled(j: number, col: Column): Float64Array {
    if (col.kind !== 'number')
      throw new TypeError(`${this.type}.inverseTransform: column '${this.columns[j]}' must be a number column, got ${col.kind}`);
    return col.values;
  }
}

/** StandardScaler options. */
export interface StandardScalerOptions extends ColumnOptions {
  /** Subtract the mean. Default true. */
  withMean?: boolean;
  /** Divide by the standard deviation (population, ddof 0). Default true. */
  withStd?: boolean;
}

/**
 * Standardises number columns to zero mean and unit variance: `(x - mean) / std`, like
 * scikit-learn's StandardScaler. A (near-)constant column gets scale 1. NaN is ignored by fit and
 * kept by transform. Fitted statistics: `mean`, `var`, `scale`, `nSamplesSeen` (per column).
 *
 * @example
 * const scaler = new StandardScaler().fit(Table.fromColumns({ x: [1, 2, 3] }));
 * scaler.transform(Table.fromColumns({ x: [2, 4] })).numbers('x'); // [0, 2.449...]
 */
export class StandardScaler extends AffineScaler {
  readonly type = 'StandardScaler';
  readonly withMean: boolean;
  readonly withStd: boolean;
  /** Per fitted column: mean, population variance, scale used, and non-missing count. */
  mean: number[] = [];
  var: number[] = [];
  nSamplesSeen: number[] = [];

  constructor(options: StandardScalerOptions = {}) {
    super('StandardScaler', options);
    this.withMean = checkBool('StandardScaler', 'withMean', options.withMean, true);
    this.withStd = checkBool('StandardScaler', 'withStd', options.withStd, true);
  }

  protected override resetState(count: number): void {
    super.resetState(count);
    this.mean = new Array(count).fill(0);
    this.var = new Array(count).fill(0);
    this.nSamplesSeen = new Array(count).fill(0);
  }
  protected fitColumn(j: number, name: string, col: Column): void {
    const x = presentValues(this.type, name, col.values as Float64Array);
    const n = x.length;
    const m = mean(x);
    const v = variance(x, m);
    const constant = v <= n * EPS * v + (n * m * EPS) ** 2; // sklearn's _is_constant_feature
    this.mean[j] = m;
    this.var[j] = v;
    this.nSamplesSeen[j] = n;
    this.offset[j] = this.withMean ? m : 0;
    this.scale[j] = this.withStd && !constant ? Math.sqrt(v) : 1;
  }
  protected configJSON(): JsonObject {
    return { withMean: this.withMean, withStd: this.withStd };
  }
  protected stateJSON(): JsonObject {
    return { mean: this.mean, var: this.var, scale: this.scale, nSamplesSeen: this.nSamplesSeen };
  }
  protected loadState(r: JsonReader, kinds: ColumnKind[]): void {
    const n = kinds.length;
    this.mean = [...r.numbers('mean', n)];
    this.var = [...r.numbers('var', n)];
    this.scale = positive(r, 'scale', r.numbers('scale', n));
    this.nSamplesSeen = [...r.numbers('nSamplesSeen', n)];
    this.offset = this.mean.map((m) => (this.withMean ? m : 0));
  }
  /** The scale actually applied per column (1 where withStd is false or the column is constant). */
  get scales(): number[] {
    return [...this.scale];
  }

  /** Rebuilds a scaler from its config JSON (used by transformFromJSON). */
  static fromConfig(r: JsonReader, columns: string[] | undefined): StandardScaler {
    return new StandardScaler({ columns, withMean: r.boolean('withMean'), withStd: r.boolean('withStd') });
  }
}

/** MinMaxScaler options. */
export interface MinMaxScalerOptions extends ColumnOptions {
  /** The range [min, max] the training data is mapped to. Default [0, 1]. */
  featureRange?: readonly [number, number];
  /** Clip transformed values to featureRange (for data outside the training range). Default false. */
  clip?: boolean;
}

/**
 * Scales number columns linearly so the training minimum and maximum map to `featureRange`, like
 * scikit-learn's MinMaxScaler: `x * scale + min`. A constant column gets range 1. NaN is kept.
 *
 * @example
 * const s = new MinMaxScaler({ featureRange: [-1, 1] }).fit(Table.fromColumns({ x: [0, 5, 10] }));
 * s.transform(Table.fromColumns({ x: [5, 20] })).numbers('x'); // [0, 3]  (clip: true gives [0, 1])
 */
export class MinMaxScaler extends AffineScaler {
  readonly type = 'MinMaxScaler';
  readonly featureRange: readonly [number, number];
  readonly clip: boolean;
  /** Per fitted column: the training minimum and maximum. */
  dataMin: number[] = [];
  dataMax: number[] = [];

  constructor(options: MinMaxScalerOptions = {}) {
    super('MinMaxScaler', options);
    this.featureRange = checkRange('MinMaxScaler', 'featureRange', options.featureRange ?? [0, 1], -Infinity, Infinity);
    this.clip = checkBool('MinMaxScaler', 'clip', options.clip, false);
  }

  protected override resetState(count: number): void {
    super.resetState(count);
    this.dataMin = new Array(count).fill(0);
    this.dataMax = new Array(count).fill(0);
  }
  protected fitColumn(j: number, name: string, col: Column): void {
    const x = presentValues(this.type, name, col.values as Float64Array);
    let lo = Infinity;
    let hi = -Infinity;
    for (const v of x) {
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
    this.dataMin[j] = lo;
    this.dataMax[j] = hi;
    this.setAffine(j);
  }
  /** scale = (b - a) / range and min = a - dataMin * scale, as scikit-learn computes them. */
  private setAffine(j: number): void {
    const [a, b] = this.featureRange;
    let range = this.dataMax[j] - this.dataMin[j];
    if (range < 10 * EPS) range = 1;
    this.scale[j] = (b - a) / range;
    this.offset[j] = a - this.dataMin[j] * this.scale[j];
  }
  /** Per fitted column: the multiplier `scale` and the shift `min` of `x * scale + min`. */
  get scales(): number[] {
    return [...this.scale];
  }
  get mins(): number[] {
    return [...this.offset];
  }
  protected override encode(j: number, name: string, col: Column): [string, Column][] {
    const x = col.values as Float64Array;
    const out = new Float64Array(x.length);
    const [a, b] = this.featureRange;
    for (let i = 0; i < x.length; i++) {
      const y = x[i] * this.scale[j] + this.offset[j];
      out[i] = this.clip ? Math.min(Math.max(y, a), b) : y;
    }
    return [[name, { kind: 'number', values: out }]];
  }
  protected override decode(j: number, [col]: Column[]): Column {
    const x = this.scaled(j, col);
    const out = new Float64Array(x.length);
    for (let i = 0; i < out.length; i++) out[i] = (x[i] - this.offset[j]) / this.scale[j];
    return { kind: 'number', values: out };
  }
  protected configJSON(): JsonObject {
    return { featureRange: [...this.featureRange], clip: this.clip };
  }
  protected stateJSON(): JsonObject {
    return { dataMin: this.dataMin, dataMax: this.dataMax };
  }
  protected loadState(r: JsonReader, kinds: ColumnKind[]): void {
    this.dataMin = [...r.numbers('dataMin', kinds.length)];
    this.dataMax = [...r.numbers('dataMax', kinds.length)];
    this.dataMin.forEach((lo, j) => {
      if (!(lo <= this.dataMax[j])) throw r.fail(`${r.where}.dataMin[${j}] (${lo}) must not exceed dataMax[${j}] (${this.dataMax[j]})`);
      this.setAffine(j);
    });
  }

  /** Rebuilds a scaler from its config JSON (used by transformFromJSON). */
  static fromConfig(r: JsonReader, columns: string[] | undefined): MinMaxScaler {
    return new MinMaxScaler({ columns, featureRange: [...r.numbers('featureRange', 2)] as [number, number], clip: r.boolean('clip') });
  }
}

/** RobustScaler options. */
export interface RobustScalerOptions extends ColumnOptions {
  /** Subtract the median. Default true. */
  withCentering?: boolean;
  /** Divide by the interquantile range. Default true. */
  withScaling?: boolean;
  /** The percentiles (0..100) whose difference is the scale. Default [25, 75] (the IQR). */
  quantileRange?: readonly [number, number];
}

/**
 * Scales number columns robustly to outliers: `(x - median) / (Q3 - Q1)`, like scikit-learn's
 * RobustScaler (quantiles interpolated linearly as numpy.percentile does). NaN is ignored and kept.
 *
 * @example
 * const s = new RobustScaler().fit(Table.fromColumns({ x: [1, 2, 3, 4, 100] }));
 * s.center; // [3]   s.scales; // [2]  (Q3 4 - Q1 2)
 */
export class RobustScaler extends AffineScaler {
  readonly type = 'RobustScaler';
  readonly withCentering: boolean;
  readonly withScaling: boolean;
  readonly quantileRange: readonly [number, number];
  /** Per fitted column: the median. */
  center: number[] = [];

  constructor(options: RobustScalerOptions = {}) {
    super('RobustScaler', options);
    this.withCentering = checkBool('RobustScaler', 'withCentering', options.withCentering, true);
    this.withScaling = checkBool('RobustScaler', 'withScaling', options.withScaling, true);
    this.quantileRange = checkRange('RobustScaler', 'quantileRange', options.quantileRange ?? [25, 75], 0, 100);
  }

  protected override resetState(count: number): void {
    super.resetState(count);
    this.center = new Array(count).fill(0);
  }
  protected fitColumn(j: number, name: string, col: Column): void {
    const s = sorted(presentValues(this.type, name, col.values as Float64Array));
    this.center[j] = median(s);
    this.offset[j] = this.withCentering ? this.center[j] : 0;
    const iqr = percentile(s, this.quantileRange[1]) - percentile(s, this.quantileRange[0]);
    this.scale[j] = this.withScaling && iqr >= 10 * EPS ? iqr : 1;
  }
  /** The scale applied per column (the interquantile range, or 1). */
  get scales(): number[] {
    return [...this.scale];
  }
  protected configJSON(): JsonObject {
    return { withCentering: this.withCentering, withScaling: this.withScaling, quantileRange: [...this.quantileRange] };
  }
  protected stateJSON(): JsonObject {
    return { center: this.center, scale: this.scale };
  }
  protected loadState(r: JsonReader, kinds: ColumnKind[]): void {
    this.center = [...r.numbers('center', kinds.length)];
    this.scale = positive(r, 'scale', r.numbers('scale', kinds.length));
    this.offset = this.center.map((c) => (this.withCentering ? c : 0));
  }

  /** Rebuilds a scaler from its config JSON (used by transformFromJSON). */
  static fromConfig(r: JsonReader, columns: string[] | undefined): RobustScaler {
    return new RobustScaler({
      columns,
      withCentering: r.boolean('withCentering'),
      withScaling: r.boolean('withScaling'),
      quantileRange: [...r.numbers('quantileRange', 2)] as [number, number],
    });
  }
}

function positive(r: JsonReader, key: string, v: Float64Array): number[] {
  v.forEach((s, j) => {
    if (!(s > 0)) throw r.fail(`${r.where}.${key}[${j}] must be > 0, got ${s}`);
  });
  return [...v];
}
