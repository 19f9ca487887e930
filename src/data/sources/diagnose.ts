// Second looks at a file when DuckDB's first error does not say which line is bad.
// CSV: when the sniffer gives up ("Error when sniffing file"), the cause is almost always one bad
// line among the first rows (too many or too few fields, a quote never closed). Reading the file again
// with the dialect fixed and every column as text lets DuckDB's parser, not its sniffer, meet the bad
// line and report its number.
// JSON Lines: DuckDB's record numbers can be one past the bad line, so the lines up to there are
// parsed with JSON.parse to find it.

import { nodeModules } from '../../io/node.js';
import type { Database } from './duckdb.js';
import { DataSourceError, messageOf } from './errors.js';
import { quoteString } from './sql.js';

/** The dialect the caller asked for. */
export interface CsvDialect {
  delimiter: string;
  header: boolean;
  skipRows: number;
  quote?: string;
}

/**
 * The error naming the first bad line of the CSV file at `path`, or null when a strict read finds
 * none (the caller then keeps the sniffer's error).
 *
 * @example
 * const err = await diagnoseCsv(db, 'readCsv', 'data.csv', { delimiter: ',', header: true, skipRows: 0 });
 * err?.message; // 'readCsv: data.csv line 7: expected 5 fields, found 6: "1,2,3,4,5,6"; ...'
 */
export async function diagnoseCsv(db: Database, op: string, path: string, d: CsvDialect): Promise<DataSourceError | null> {
  const quote = d.quote ?? '"';
  const fields = await countFirstLineFields(op, path, d.skipRows, d.delimiter, quote);
  if (fields === 0) return null;
  const columns = Array.from({ length: fields }, (_, i) => `${quoteString(`c${i}`)}: 'VARCHAR'`).join(', ');
  const sql =
    `SELECT count(*) FROM read_csv($path, auto_detect = false, delim = $delim, quote = $quote, escape = $quote, ` +
    `header = ${d.header}, skip = ${d.skipRows}, columns = {${columns}})`;
  try {
    await db.execute({ op, sql, params: { path, delim: d.delimiter, quote }, context: { file: path } });
    return null;
  } catch (e) {
    return e instanceof DataSourceError && e.line !== undefined ? e : null;
  }
}

/** The number of fields on the first line after `skip` lines (quotes respected), 0 if none. */
async function countFirstLineFields(op: string, path: string, skip: number, delimiter: string, quote: string): Promise<number> {
  const { fs } = await nodeModules(op);
  const handle = await fs.open(path, 'r');
  let text: string;
  try {
    const buf = new Uint8Array(1 << 20);
    const { bytesRead } = await handle.read(buf, 0, buf.length, 0);
    text = new TextDecoder().decode(buf.subarray(0, bytesRead));
  } finally {
    await handle.close();
  }
  let i = 0;
  for (let s = 0; s < skip && i < text.length; s++) i = text.indexOf('\n', i) + 1 || text.length;
  if (i >= text.length) return 0;
  let fields = 1;
  let quoted = false;
  for (; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === quote && text[i + 1] === quote) i++;
      else if (ch === quote) quoted = false;
    } else if (ch === quote) quoted = true;
    else if (text.startsWith(delimiter, i)) fields++;
    else if (ch === '\n' || ch === '\r') break;
  }
  return fields;
}

/**
 * For a malformed JSON Lines file, `err` with the exact line of the first line that does not parse
 * (searched up to the record DuckDB reported, plus one); `err` itself for JSON arrays or when no
 * line fails.
 *
 * @example
 * (await diagnoseJson('readJson', 'events.jsonl', err)).message; // 'readJson: events.jsonl line 2: malformed JSON ...'
 */
export async function diagnoseJson(op: string, path: string, err: DataSourceError): Promise<DataSourceError> {
  const m = /at byte \d+ (?:in|of) (?:line|record\/value) (\d+)/.exec(messageOf(err.cause));
  const what = /malformed JSON \((.*?)\) at byte/.exec(err.message)?.[1] ?? 'cannot parse';
  if (m === null || err.file !== path) return err;
  const last = Number(m[1]) + 1;
  const { fs } = await nodeModules(op);
  const handle = await fs.open(path, 'r');
  try {
    let n = 0;
    for await (const line of handle.readLines()) {
      n++;
      const s = line.trim();
      if (n === 1 && s.startsWith('[')) return err; // a JSON array: lines are not records
      if (s !== '' && !parses(s)) {
        return new DataSourceError(
          `${op}: ${path} line ${n}: malformed JSON (${what}): ${JSON.stringify(clip(s))}`,
          { file: path, line: n },
          {
            cause: err.cause,
          },
        );
      }
      if (n >= last) break;
    }
    return err;
  } finally {
    await handle.close().catch(() => undefined);
  }
}

function parses(s: string): boolean {
  try {
    JSON.parse(s);
    return true;
  } catch {
    return false;
  }
}

function clip(s: string, max = 80): string {
  return s.length > max ? `${s.slice(0, max)}...` : s;
}
