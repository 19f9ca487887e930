// ColumnTransformer: different transforms for different columns, side by side, like scikit-learn's
// ColumnTransformer. Each entry fits its transformer on its own columns; the output is each entry's
// output columns in entry order, then the remaining columns ('passthrough') or nothing ('drop').
// Columns of the input not seen at fit are ignored, so serving rows may carry extra fields (an id).

import type { Json } from '../../io/tree.js';
import { type Column, Table } from '../table.js';
import { type JsonObject, JsonReader, show } from './json.js';
import { pick } from './options.js';
import { transformFromJSON } from './registry.js';
import { checkTransformer, requireColumn, type Transformer, type TransformJSON } from './transformer.js';

const REMAINDER = ['drop', 'passthrough'] as const;

/** One entry: a name, a transformer (or 'passthrough' / 'drop'), and the columns it gets. */
export interface ColumnTransformerEntry {
  name: string;
  transformer: Transformer | 'passthrough' | 'drop';
  columns: readonly string[];
}

/** ColumnTransformer options. */
export interface ColumnTransformerOptions {
  /** What happens to columns no entry names: dropped, or appended unchanged. Default 'drop'. */
  remainder?: (typeof REMAINDER)[number];
  /** Prefix output names with the entry name, `name__column` (scikit-learn's default). Default false. */
  verboseFeatureNamesOut?: boolean;
}

/**
 * Applies a transformer to each group of columns and joins the outputs.
 *
 * @example
 * const ct = new ColumnTransformer(
 *   [
 *     { name: 'num', transformer: new StandardScaler(), columns: ['age', 'income'] },
 *     { name: 'cat', transformer: new OneHotEncoder({ handleUnknown: 'ignore' }), columns: ['city'] },
 *   ],
 *   { remainder: 'passthrough' },
 * );
 * ct.fitTransform(table).columnNames; // ['age', 'income', 'city=Oslo', 'city=Rome', ...remaining columns]
 */
export class ColumnTransformer implements Transformer {
  readonly type = 'ColumnTransformer';
  readonly entries: readonly ColumnTransformerEntry[];
  readonly remainder: (typeof REMAINDER)[number];
  readonly verboseFeatureNamesOut: boolean;
  private fitted: { remainderColumns: string[]; outputs: string[][] } | null = null;

  constructor(entries: readonly ColumnTransformerEntry[], options: ColumnTransformerOptions = {}) {
    if (!Array.isArray(entries))
      throw new TypeError(`ColumnTransformer: expected an array of { name, transformer, columns }, got ${show(entries)}`);
    const names = new Set<string>();
    this.entries = entries.map((e, i) => {
      const where = `ColumnTransformer: entry ${i}`;
      if (e === null || typeof e !== 'object') throw new TypeError(`${where} must be { name, transformer, columns }, got ${show(e)}`);
      if (typeof e.name !== 'string' || e.name === '' || e.name.includes('__'))
        throw new TypeError(`${where}: name must be a non-empty string without '__', got ${show(e.name)}`);
      if (names.has(e.name)) throw new RangeError(`ColumnTransformer: two entries are named '${e.name}'; names must be unique`);
      names.add(e.name);
      const transformer =
        e.transformer === 'passthrough' || e.transformer === 'drop'
          ? e.transformer
          : checkTransformer(`${where} ('${e.name}'): transformer`, e.transformer);
      if (!Array.isArray(e.columns) || e.columns.length === 0 || (e.columns as unknown[]).some((c) => typeof c !== 'string'))
        throw new TypeError(`${where} ('${e.name}'): columns must be a non-empty array of column names, got ${show(e.columns)}`);
      return { name: e.name, transformer, columns: [...e.columns] };
    });
    this.remainder = pick('ColumnTransformer', 'remainder', options.remainder, REMAINDER, 'drop');
    const v = options.verboseFeatureNamesOut ?? false;
    if (typeof v !== 'boolean') throw new TypeError(`ColumnTransformer: verboseFeatureNamesOut must be true or false, got ${show(v)}`);
    this.verboseFeatureNamesOut = v;
  }

  get isFitted(): boolean {
    return this.fitted !== null;
  }

  /** The transformer of entry `name`. */
  transformer(name: string): Transformer | 'passthrough' | 'drop' {
    const e = this.entries.find((x) => x.name === name);
    if (e === undefined)
      throw new RangeError(`ColumnTransformer: no entry '${name}'; entries are ${this.entries.map((x) => `'${x.name}'`).join(', ')}`);
    return e.transformer;
  }

  fit(table: Table): this {
    this.fitTransform(table);
    return this;
  }

  fitTransform(table: Table): Table {
    if (!(table instanceof Table)) throw new TypeError(`ColumnTransformer.fit: expected a Table, got ${show(table)}`);
    if (table.numRows === 0) throw new RangeError('ColumnTransformer.fit: the table is empty (0 rows); there is nothing to learn from');
    this.fitted = null;
    const named = new Set(this.entries.flatMap((e) => e.columns));
    const parts = this.entries.map((e) => {
      const sub = this.select(table, e, 'fit');
      return e.transformer === 'drop' ? null : e.transformer === 'passthrough' ? sub : e.transformer.fitTransform(sub);
    });
    const remainderColumns = table.columnNames.filter((c) => !named.has(c));
    this.fitted = { remainderColumns, outputs: parts.map((p) => (p === null ? [] : p.columnNames)) };
    try {
      return this.join(parts, table);
    } catch (e) {
      this.fitted = null;
      throw e;
    }
  }

  transform(table: Table): Table {
    const { outputs } = this.state('transform');
    const parts = this.entries.map((e, i) => {
      if (e.transformer === 'drop') return null;
      const sub = this.select(table, e, 'transform');
      const out = e.transformer === 'passthrough' ? sub : e.transformer.transform(sub);
      if (out.columnNames.join('\u0000') !== outputs[i].join('\u0000'))
        throw new Error(
          `ColumnTransformer: entry '${e.name}' produced columns [${out.columnNames.join(', ')}], not the [${outputs[i].join(', ')}] it produced at fit`,
        );
      return out;
    });
    return this.join(parts, table);
  }

  /** The transformed columns of each entry, then the remainder; duplicate names are an error. */
  private join(parts: (Table | null)[], table: Table): Table {
    const { remainderColumns } = this.state('transform');
    const out = new Map<string, Column>();
    const add = (name: string, col: Column) => {
      if (out.has(name))
        throw new RangeError(
          `ColumnTransformer: two outputs are named '${name}'; set verboseFeatureNamesOut: true to prefix names with the entry name`,
        );
      out.set(name, col);
    };
    parts.forEach((p, i) => {
      if (p !== null) for (const c of p.columnNames) add(this.outName(i, c), p.column(c));
    });
    if (this.remainder === 'passthrough') for (const c of remainderColumns) add(this.outName(-1, c), requireColumn(this.type, table, c));
    return Table.fromColumns(out);
  }

  private outName(entry: number, column: string): string {
    if (!this.verboseFeatureNamesOut) return column;
    return `${entry < 0 ? 'remainder' : this.entries[entry].name}__${column}`;
  }

  private select(table: Table, e: ColumnTransformerEntry, op: string): Table {
    for (const c of e.columns) {
      if (!table.has(c))
        throw new RangeError(
          `ColumnTransformer.${op}: entry '${e.name}' needs column '${c}', which the table lacks; available columns: ${table.columnNames.map((n) => `'${n}'`).join(', ')}`,
        );
    }
    return table.select(e.columns);
  }

  /** Rebuilds the columns that can be recovered (entries that are inverted, passed through, or the passed-through remainder). */
  inverseTransform(table: Table): Table {
    const { outputs, remainderColumns } = this.state('inverseTransform');
    const recovered = new Map<string, Column>();
    this.entries.forEach((e, i) => {
      if (e.transformer === 'drop') return;
      const sub = Table.fromColumns(new Map(outputs[i].map((c) => [c, requireColumn(this.type, table, this.outName(i, c))])));
      const back = e.transformer === 'passthrough' ? sub : e.transformer.inverseTransform(sub);
      for (const c of back.columnNames) if (!recovered.has(c)) recovered.set(c, back.column(c));
    });
    if (this.remainder === 'passthrough')
      for (const c of remainderColumns) recovered.set(c, requireColumn(this.type, table, this.outName(-1, c)));
    return Table.fromColumns(recovered);
  }

  getFeatureNamesOut(): string[] {
    const { outputs, remainderColumns } = this.state('getFeatureNamesOut');
    const names = outputs.flatMap((cols, i) => cols.map((c) => this.outName(i, c)));
    return this.remainder === 'passthrough' ? [...names, ...remainderColumns.map((c) => this.outName(-1, c))] : names;
  }

  toJSON(): TransformJSON {
    const config: JsonObject = {
      transformers: this.entries.map((e) => ({
        name: e.name,
        columns: [...e.columns],
        transformer: typeof e.transformer === 'string' ? e.transformer : (e.transformer.toJSON() as unknown as Json),
      })),
      remainder: this.remainder,
      verboseFeatureNamesOut: this.verboseFeatureNamesOut,
    };
    const state =
      this.fitted === null
        ? null
        : { remainderColumns: [...this.fitted.remainderColumns], outputs: this.fitted.outputs.map((o) => [...o]) };
    return { type: this.type, config, state };
  }

  /**
   * A ColumnTransformer from `toJSON()`'s output (nested transformers through transformFromJSON).
   * @example const ct2 = ColumnTransformer.fromJSON(ct.toJSON());
   */
  static fromJSON(json: TransformJSON, at = ''): ColumnTransformer {
    const r = new JsonReader(`${at}ColumnTransformer.config`, json.config);
    const entries = r.array('transformers').map((raw, i): ColumnTransformerEntry => {
      const e = new JsonReader(`${r.where}.transformers[${i}]`, raw);
      const name = e.string('name');
      const columns = e.strings('columns');
      const t = e.raw('transformer');
      e.done();
      const transformer = t === 'passthrough' || t === 'drop' ? t : transformFromJSON(t, `${e.where}.transformer.`);
      return { name, columns, transformer };
    });
    const remainder = r.oneOf('remainder', REMAINDER);
    const verboseFeatureNamesOut = r.boolean('verboseFeatureNamesOut');
    r.done();
    let ct: ColumnTransformer;
    try {
      ct = new ColumnTransformer(entries, { remainder, verboseFeatureNamesOut });
    } catch (err) {
      throw new TypeError(`transformFromJSON: ${r.where}: ${(err as Error).message}`);
    }
    if (json.state === null) return ct;
    const s = new JsonReader(`${at}ColumnTransformer.state`, json.state);
    const remainderColumns = s.strings('remainderColumns');
    const outputs = s.array('outputs', entries.length).map((o, i) => {
      if (!Array.isArray(o) || o.some((c) => typeof c !== 'string'))
        throw s.fail(`${s.where}.outputs[${i}] must be an array of column names, got ${show(o)}`);
      return o as string[];
    });
    s.done();
    entries.forEach((e, i) => {
      if (typeof e.transformer !== 'string' && !e.transformer.isFitted)
        throw s.fail(`${s.where}: the ColumnTransformer is fitted but its entry '${e.name}' is not (its state is null)`);
      const expected = e.transformer === 'drop' ? [] : e.transformer === 'passthrough' ? e.columns : e.transformer.getFeatureNamesOut();
      if (typeof e.transformer === 'string' && outputs[i].join('\u0000') !== expected.join('\u0000'))
        throw s.fail(`${s.where}.outputs[${i}] must be ${show(expected)} for a '${e.transformer}' entry, got ${show(outputs[i])}`);
    });
    ct.fitted = { remainderColumns, outputs };
    return ct;
  }

  private state(op: string): { remainderColumns: string[]; outputs: string[][] } {
    if (this.fitted === null) throw new Error(`ColumnTransformer: call fit before ${op}`);
    return this.fitted;
  }
}
