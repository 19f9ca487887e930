// The type rule of typing.ts over a whole file in SQL, for the streaming scans: their batches must
// not each decide a column's type from their own rows, so each text column is profiled once (how
// many present values are numbers, codes with leading zeros, booleans, dates) by one query that
// DuckDB streams through, and the rule decides from the counts.

import type { Database, SqlValue } from './duckdb.js';
import { quoteIdent, quoteString } from './sql.js';
import { inferTextType, type TextProfile, type ValueType } from './typing.js';

const NUMBER_RE = String.raw`(?i)[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?|[+-]?(inf|infinity)`;
const CODE_RE = String.raw`[+-]?0\d.*`;
const BOOLEAN_RE = '(?i)true|false';
const TIME_RE = String.raw`\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?`;

/**
 * The types the rule gives the text columns of a whole source (profiled in SQL, for streaming
 * scans, whose batches must not each decide), merged with the caller's.
 *
 * @example
 * await decideTypes(db, "read_csv($path)", { path: 'a.csv' }, async () => ['age'], {}, undefined, MISSING_TOKENS);
 * // { age: 'number' } when more than half of age's present values are numbers
 */
export async function decideTypes(
  db: Database,
  source: string,
  params: Record<string, SqlValue>,
  textColumns: () => Promise<string[]>,
  asked: Readonly<Record<string, ValueType>>,
  only: readonly string[] | undefined,
  missing: readonly string[] = [],
): Promise<Record<string, ValueType>> {
  const columns = (await textColumns()).filter((c) => !Object.hasOwn(asked, c) && (only === undefined || only.includes(c)));
  if (columns.length === 0) return { ...asked };
  const nulls = missing.length === 0 ? 'false' : `${'$'}V IN (${missing.map(quoteString).join(', ')})`;
  const parts = columns.flatMap((c, k) => {
    // a JSON column that mixes strings with numbers holds JSON texts: "two" is profiled as two
    const raw = `regexp_replace(${quoteIdent(c)}, '^"(.*)"$', '\\1')`;
    const v = `trim(${raw})`;
    const when = (re: string) => `count(*) FILTER (WHERE regexp_full_match(${v}, ${quoteString(re)}))`;
    return [
      `count(*) FILTER (WHERE ${quoteIdent(c)} IS NOT NULL AND NOT (${nulls.replaceAll('$V', () => raw)})) AS p${k}`,
      `${when(NUMBER_RE)} AS n${k}`,
      `count(*) FILTER (WHERE regexp_full_match(${v}, ${quoteString(NUMBER_RE)}) AND regexp_full_match(${v}, ${quoteString(CODE_RE)})) AS z${k}`,
      `${when(BOOLEAN_RE)} AS b${k}`,
      `${when(TIME_RE)} AS t${k}`,
    ];
  });
  const t = await db.execute({ op: 'scan', sql: `SELECT ${parts.join(', ')} FROM ${source}`, params });
  const out: Record<string, ValueType> = { ...asked };
  columns.forEach((c, k) => {
    const n = (x: string) => t.numbers(`${x}${k}`)[0];
    const profile: TextProfile = { present: n('p'), number: n('n'), codes: n('z'), boolean: n('b'), timestamp: n('t') };
    out[c] = inferTextType(profile); // text too: a batch must not decide again from its own rows
  });
  return out;
}
