// When DuckDB's CSV sniffer gives up ("Error when sniffing file"), the cause is almost always one bad
// line among the first rows: a line with too many or too few fields, or a quote never closed. This
// reads the file again with the dialect fixed and every column as text, so that DuckDB's parser, not
// its sniffer, meets the bad line and reports its line number.

import { nodeModules } from '../../io/node.js';
import type { Database } from './duckdb.js';
import { DataSourceError } from './errors.js';
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
