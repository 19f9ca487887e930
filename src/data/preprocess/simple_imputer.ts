// SimpleImputer: fills missing values (NaN in number and timestamp columns, null in string columns)
// with a statistic learned at fit (mean, median, most frequent) or a constant, like scikit-learn's
// SimpleImputer. The statistics are kept from fit, so serving fills with the training values. A
// column with no value at fit is an error (scikit-learn drops it silently); inverseTransform is not
// defined, since imputing forgets which values were missing.

import type { Column, ColumnKind } from '../table.js';
import { type JsonObject, type JsonReader, show } from './json.js';
import { pick } from './options.js';
import { compareStrings, mean, median, mostFrequent, presentValues, sorted } from './stats.js';
import { type ColumnOptions, ColumnwiseTransform } from './transformer.js';

const STRATEGIES = ['mean', 'median', 'mostFrequent', 'constant'] as const;
/** How SimpleImputer picks the fill value. */
export type ImputeStrategy = (typeof STRATEGIES)[number];

/** SimpleImputer options. */
export interface SimpleImputerOptions extends ColumnOptions {
  /** 'mean' and 'median' (number columns), 'mostFrequent' (ties: the smallest), 'constant'. Default 'mean'. */
  strategy?: ImputeStrategy;
  /** The value for 'constant'. Default 0 for number columns, 'missing_value' for string columns. */
  fillValue?: number | string;
}

/**
 * Replaces missing values by a per-column statistic learned at fit.
 *
 * @example
 * const imp = new SimpleImputer({ strategy: 'median' }).fit(Table.fromColumns({ age: [20, null, 40, 90] }));
 * imp.statistics; // [40]
 * imp.transform(Table.fromColumns({ age: [null, 30] })).numbers('age'); // [40, 30]
 */
export class SimpleImputer extends ColumnwiseTransform {
  readonly type = 'SimpleImputer';
  readonly strategy: ImputeStrategy;
  readonly fillValue: number | string | undefined;
  /** Per fitted column: the value that replaces missing ones. */
  statistics: (number | string)[] = [];

  constructor(options: SimpleImputerOptions = {}) {
    super('SimpleImputer', options);
    this.strategy = pick(this.type, 'strategy', options.strategy, STRATEGIES, 'mean');
    const fv = options.fillValue;
    if (fv !== undefined && typeof fv !== 'string' && !(typeof fv === 'number' && Number.isFinite(fv)))
      throw new TypeError(`SimpleImputer: fillValue must be a finite number or a string, got ${show(fv)}`);
    if (fv !== undefined && this.strategy !== 'constant')
      throw new RangeError(`SimpleImputer: fillValue is only used with strategy 'constant' (strategy is '${this.strategy}')`);
    this.fillValue = fv;
  }

  protected accepts(kind: ColumnKind): boolean {
    return kind !== 'string' || this.strategy === 'mostFrequent' || this.strategy === 'constant';
  }
  protected kindHint(): string {
    return `strategy '${this.strategy}' needs number columns; use 'mostFrequent' or 'constant' for string columns`;
  }
  protected resetState(count: number): void {
    this.statistics = new Array(count).fill(0);
  }

  protected fitColumn(j: number, name: string, col: Column): void {
    if (this.strategy === 'constant') {
      const fv = this.fillValue ?? (col.kind === 'string' ? 'missing_value' : 0);
      if ((typeof fv === 'string') !== (col.kind === 'string'))
        throw new TypeError(`SimpleImputer.fit: fillValue ${show(fv)} does not suit column '${name}', a ${col.kind} column`);
      this.statistics[j] = fv;
      return;
    }
    if (col.kind === 'string') {
      const present = col.values.filter((v): v is string => v !== null);
      if (present.length === 0) throw new RangeError(`SimpleImputer.fit: column '${name}' has no values (all missing); drop it first`);
      this.statistics[j] = mostFrequent(present, compareStrings) as string;
      return;
    }
    const x = presentValues(this.type, name, col.values);
    if (this.strategy === 'mean') this.statistics[j] = mean(x);
    else if (this.strategy === 'median') this.statistics[j] = median(sorted(x));
    else this.statistics[j] = mostFrequent(x, (a, b) => a - b) as number;
  }

  protected encode(j: number, name: string, col: Column): [string, Column][] {
    const fill = this.statistics[j];
    if (col.kind === 'string') return [[name, { kind: 'string', values: col.values.map((v) => v ?? (fill as string)) }]];
    const out = Float64Array.from(col.values, (v) => (Number.isNaN(v) ? (fill as number) : v));
    return [[name, { kind: col.kind, values: out }]];
  }

  protected configJSON(): JsonObject {
    const config: JsonObject = { strategy: this.strategy };
    if (this.fillValue !== undefined) config.fillValue = this.fillValue;
    return config;
  }
  protected stateJSON(): JsonObject {
    return { statistics: this.statistics };
  }
  protected loadState(r: JsonReader, kinds: ColumnKind[]): void {
    this.statistics = r.array('statistics', kinds.length).map((v, j) => {
      const ok = kinds[j] === 'string' ? typeof v === 'string' : typeof v === 'number' && Number.isFinite(v);
      if (!ok) throw r.fail(`${r.where}.statistics[${j}] must be a ${kinds[j] === 'string' ? 'string' : 'finite number'}, got ${show(v)}`);
      return v as number | string;
    });
  }

  /** Rebuilds an imputer from its config JSON (used by transformFromJSON). */
  static fromConfig(r: JsonReader, columns: string[] | undefined): SimpleImputer {
    const strategy = r.oneOf('strategy', STRATEGIES);
    const fillValue = r.has('fillValue') ? r.raw('fillValue') : undefined;
    return new SimpleImputer({ columns, strategy, fillValue: fillValue as number | string | undefined });
  }
}
