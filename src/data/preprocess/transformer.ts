// The Transformer contract (scikit-learn's fit / transform / inverse_transform, on Tables) and the base
// class the built-in column transforms share. A column transform is configured with the columns it
// applies to (all the columns of the table given to `fit` when none are named); `transform` replaces
// each of those columns in place by its output columns and passes every other column through, so
// transforms chain in a Pipeline and nest in a ColumnTransformer. Fitted statistics are plain data
// and serialise with `toJSON()` as {type, config, state}.

import type { Json } from '../../io/tree.js';
import { type Column, type ColumnKind, Table, withRowLabels } from '../table.js';
import { type JsonObject, JsonReader, show } from './json.js';

/** A transform as JSON: its registered type, its options, and its fitted state (null before fit). */
export interface TransformJSON {
  type: string;
  config: JsonObject;
  state: JsonObject | null;
}

/**
 * Something that learns from a Table (`fit`) and maps Tables to Tables (`transform`), like a
 * scikit-learn transformer. `fit` returns `this`; every method but `fit` needs a fitted transformer.
 *
 * @example
 * const scaler = new StandardScaler({ columns: ['age'] }).fit(train);
 * const z = scaler.transform(test);           // 'age' standardised, other columns unchanged
 * scaler.inverseTransform(z);                 // back to the original ages
 */
export interface Transformer {
  /** The registered type name, e.g. 'StandardScaler'. */
  readonly type: string;
  /** Whether `fit` has run (or fitted state was loaded). */
  readonly isFitted: boolean;
  /** Learns the statistics from `table`; returns this. */
  fit(table: Table): this;
  /** `table` with the transform applied. */
  transform(table: Table): Table;
  /** `fit(table)` then `transform(table)`. */
  fitTransform(table: Table): Table;
  /** Undoes `transform`; throws for transforms that lose information (imputers, clippers). */
  inverseTransform(table: Table): Table;
  /** The names of the columns this transform outputs (in place of the columns it was fitted on). */
  getFeatureNamesOut(): string[];
  /** Options and fitted state as plain JSON; `transformFromJSON` rebuilds the transform. */
  toJSON(): TransformJSON;
}

/** Options every column transform accepts. */
export interface ColumnOptions {
  /** The columns to transform. Default: every column of the table given to `fit`. */
  columns?: readonly string[];
}

/**
 * Throws unless `columns` is undefined or an array of distinct column names.
 * @example checkColumnsOption('StandardScaler', ['age', 'income']) // ['age', 'income']
 */
export function checkColumnsOption(type: string, columns: unknown): readonly string[] | undefined {
  if (columns === undefined) return undefined;
  if (!Array.isArray(columns) || columns.some((c) => typeof c !== 'string'))
    throw new TypeError(`${type}: columns must be an array of column names, got ${JSON.stringify(columns)}`);
  const dup = columns.find((c, i) => columns.indexOf(c) !== i);
  if (dup !== undefined) throw new RangeError(`${type}: column '${dup}' is listed twice in columns`);
  return [...columns];
}

/**
 * Column `name` of `table`, or an error naming the transform, the column and the available ones.
 * @example const col = requireColumn('StandardScaler', table, 'age');
 */
export function requireColumn(type: string, table: Table, name: string): Column {
  if (!table.has(name)) {
    const available = table.columnNames.map((c) => `'${c}'`).join(', ') || 'none';
    throw new RangeError(`${type}: the table has no column '${name}' (it was fitted on it); available columns: ${available}`);
  }
  return table.column(name);
}

/**
 * The shared machinery of per-column transforms: column selection and checks at fit and transform
 * time, the in-place replacement of columns by their outputs, and the JSON layout. A subclass says
 * which kinds of column it accepts, how to fit one column, how to map one column to its outputs, and
 * (when invertible) how to map the outputs back.
 *
 * @example
 * class Log1p extends ColumnwiseTransform {  // a user transform: accepts, kindHint, resetState,
 *   readonly type = 'Log1p';                 // fitColumn, encode, decode, configJSON, stateJSON,
 *   ...                                      // loadState; then registerTransform('Log1p', ...)
 * }
 */
export abstract class ColumnwiseTransform implements Transformer {
  abstract readonly type: string;
  /** The configured columns (undefined: all). */
  protected readonly columnsOption: readonly string[] | undefined;
  /** The fitted columns and their kinds; null before fit. */
  protected fitted: { columns: string[]; kinds: ColumnKind[] } | null = null;

  constructor(type: string, options: ColumnOptions) {
    this.columnsOption = checkColumnsOption(type, options.columns);
  }

  get isFitted(): boolean {
    return this.fitted !== null;
  }

  /** The fitted column names, in order. */
  get columns(): string[] {
    return [...this.state('columns').columns];
  }

  /** The column kinds this transform accepts, and a hint for the others. */
  protected abstract accepts(kind: ColumnKind): boolean;
  protected abstract kindHint(): string;
  /** Learns column `j` (its values are given; `n` rows, never 0). */
  protected abstract fitColumn(j: number, name: string, col: Column): void;
  /** Checks the columns about to be fitted against the options (e.g. per-column categories). */
  protected beforeFit(_columns: string[]): void {}
  /** Resets the per-column statistics before a new fit, for `count` columns. */
  protected abstract resetState(count: number): void;
  /** The output columns of fitted column `j`, in order, as [name, column] pairs. */
  protected abstract encode(j: number, name: string, col: Column): [string, Column][];
  /** The output names of fitted column `j`. */
  protected outputNames(j: number): string[] {
    return [this.state('outputNames').columns[j]];
  }
  /** Fitted column `j` rebuilt from its output columns (in `outputNames(j)` order). */
  protected decode(_j: number, _outputs: Column[]): Column {
    throw new Error(`${this.type}: inverseTransform is not defined: the transform loses information`);
  }
  /** The options as JSON (without columns, which the base adds). */
  protected abstract configJSON(): JsonObject;
  /** The fitted statistics as JSON (without columns and kinds, which the base adds). */
  protected abstract stateJSON(): JsonObject;
  /** Loads `stateJSON`'s output for the fitted columns (names and kinds already checked). */
  protected abstract loadState(r: JsonReader, kinds: ColumnKind[], columns: string[]): void;

  /** The fitted state, or an error saying to call fit before `op`. */
  protected state(op: string): { columns: string[]; kinds: ColumnKind[] } {
    if (this.fitted === null) throw new Error(`${this.type}: call fit before ${op}`);
    return this.fitted;
  }

  fit(table: Table): this {
    if (!(table instanceof Table)) throw new TypeError(`${this.type}.fit: expected a Table, got ${typeof table}`);
    if (table.numRows === 0) throw new RangeError(`${this.type}.fit: the table is empty (0 rows); there is nothing to learn from`);
    const columns = this.columnsOption ? [...this.columnsOption] : table.columnNames;
    if (columns.length === 0) throw new RangeError(`${this.type}.fit: no columns to fit (the table has none)`);
    const cols = columns.map((name) => {
      if (!table.has(name)) {
        throw new RangeError(
          `${this.type}.fit: no column '${name}'; available columns: ${table.columnNames.map((c) => `'${c}'`).join(', ')}`,
        );
      }
      const col = table.column(name);
      if (!this.accepts(col.kind)) throw new TypeError(`${this.type}.fit: column '${name}' is a ${col.kind} column; ${this.kindHint()}`);
      return col;
    });
    this.fitted = null; // a failed fit leaves the transform unfitted, not half-fitted
    this.beforeFit(columns);
    this.resetState(columns.length);
    withRowLabels(table, () => {
      cols.forEach((col, j) => {
        this.fitColumn(j, columns[j], col);
      });
    });
    this.fitted = { columns, kinds: cols.map((c) => c.kind) };
    return this;
  }

  fitTransform(table: Table): Table {
    return this.fit(table).transform(table);
  }

  transform(table: Table): Table {
    const { columns, kinds } = this.state('transform');
    const out = new Map<string, Column>();
    const index = new Map(columns.map((c, j) => [c, j]));
    const inputs = columns.map((name, j) => this.checkedColumn(table, name, kinds[j]));
    const add = (name: string, col: Column) => {
      if (out.has(name)) throw new RangeError(`${this.type}: output column '${name}' clashes with another column of the table; rename it`);
      out.set(name, col);
    };
    for (const name of table.columnNames) {
      const j = index.get(name);
      if (j === undefined) add(name, table.column(name));
      else for (const [n, c] of withRowLabels(table, () => this.encode(j, name, inputs[j]))) add(n, c);
    }
    return Table.fromColumns(out);
  }

  inverseTransform(table: Table): Table {
    const { columns } = this.state('inverseTransform');
    const groups = columns.map((_, j) => this.outputNames(j));
    const first = new Map(groups.map((g, j) => [g[0], j]));
    const owned = new Set(groups.flat());
    const decoded = groups.map((g, j) =>
      this.decode(
        j,
        g.map((name) => requireColumn(this.type, table, name)),
      ),
    );
    const out = new Map<string, Column>();
    for (const name of table.columnNames) {
      const j = first.get(name);
      if (j !== undefined) out.set(columns[j], decoded[j]);
      else if (!owned.has(name)) out.set(name, table.column(name));
    }
    return Table.fromColumns(out);
  }

  getFeatureNamesOut(): string[] {
    const { columns } = this.state('getFeatureNamesOut');
    return columns.flatMap((_, j) => this.outputNames(j));
  }

  toJSON(): TransformJSON {
    const config: JsonObject = { columns: this.columnsOption ? [...this.columnsOption] : null, ...this.configJSON() };
    if (this.fitted === null) return { type: this.type, config, state: null };
    const state: JsonObject = { columns: [...this.fitted.columns], kinds: [...this.fitted.kinds], ...this.stateJSON() };
    return { type: this.type, config, state };
  }

  /**
   * Loads the fitted state written by `toJSON` (used by `transformFromJSON`); returns this. `at`
   * locates the transform in an outer JSON for error messages.
   */
  loadStateJSON(json: Json | undefined, at = ''): this {
    if (json === null || json === undefined) {
      this.fitted = null;
      return this;
    }
    const r = new JsonReader(`${at}${this.type}.state`, json);
    const columns = r.strings('columns');
    if (columns.length === 0) throw r.fail(`${r.where}.columns must name at least one column`);
    const kinds = r.array('kinds', columns.length).map((k, j) => {
      if (k !== 'number' && k !== 'string' && k !== 'timestamp')
        throw r.fail(`${r.where}.kinds[${j}] must be 'number', 'string' or 'timestamp', got ${JSON.stringify(k)}`);
      if (!this.accepts(k)) throw r.fail(`${r.where}.kinds[${j}] is '${k}', which ${this.type} does not accept`);
      return k as ColumnKind;
    });
    this.resetState(columns.length);
    this.loadState(r, kinds, columns);
    r.done();
    this.fitted = { columns, kinds };
    return this;
  }

  /**
   * Column `name` of `table`, checked to be of the kind seen at fit. A string column with every
   * value missing counts as missing values of the fitted kind: a CSV reader cannot tell the type
   * of a column that is empty in every row of a new file, and reads it as text.
   */
  private checkedColumn(table: Table, name: string, kind: ColumnKind): Column {
    const col = requireColumn(this.type, table, name);
    if (col.kind === kind) return col;
    if (col.kind === 'string' && col.values.every((v) => v === null)) {
      return { kind, values: new Float64Array(col.values.length).fill(Number.NaN) } as Column;
    }
    throw new TypeError(`${this.type}: column '${name}' is a ${col.kind} column now but was ${kind} at fit`);
  }
}

/**
 * `t`, checked to have the Transformer methods (for the steps of a Pipeline or ColumnTransformer).
 * @example checkTransformer('Pipeline: steps[0]', new StandardScaler())
 */
export function checkTransformer(where: string, t: unknown): Transformer {
  const ok =
    t !== null &&
    typeof t === 'object' &&
    ['fit', 'transform', 'fitTransform', 'inverseTransform', 'getFeatureNamesOut', 'toJSON'].every(
      (m) => typeof (t as Record<string, unknown>)[m] === 'function',
    );
  if (!ok)
    throw new TypeError(
      `${where} must be a Transformer (fit, transform, fitTransform, inverseTransform, getFeatureNamesOut, toJSON), got ${show(t)}`,
    );
  return t as Transformer;
}
