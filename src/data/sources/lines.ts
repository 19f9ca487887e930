// The line of a CSV file on which each data row starts, counted as an editor counts them: the first
// line of the file is line 1 (the header, when there is one), and a quoted value that holds a line
// break moves every later row down a line. DuckDB does not report the lines of the rows it reads
// (and its own error line numbers skip the breaks inside quoted values), so the file is scanned here
// byte by byte, the way DuckDB splits it into rows:
//   - a UTF-8 byte order mark is skipped; \n, \r\n and a lone \r each end a line;
//   - `skipRows` lines are skipped first, then the header row (which may span lines);
//   - a line break inside a quoted value belongs to the value ("" inside quotes is a quote);
//   - an empty line is no row, except in a one-column file, where it is a row with a missing value.
// DuckDB's own error lines (and result rows) are turned into these lines here too (editorLines, atLine).

import { nodeModules } from '../../io/node.js';
import { DataSourceError } from './errors.js';

/** How the file is split into rows (the options the reader was given). */
export interface CsvLayout {
  delimiter: string;
  quote: string;
  skipRows: number;
  header: boolean;
}

/**
 * The 1-based line on which each data row of the CSV text `bytes` starts.
 *
 * @example
 * csvRowLines(new TextEncoder().encode('a,b\n1,"x\ny"\n2,z\n'), { delimiter: ',', quote: '"', skipRows: 0, header: true });
 * // Int32Array [2, 4]
 */
export function csvRowLines(bytes: Uint8Array, layout: CsvLayout): Int32Array {
  let out = new Int32Array(1024);
  let rows = 0;
  scanRows(bytes, layout, (line) => {
    if (rows === out.length) {
      const grown = new Int32Array(out.length * 2);
      grown.set(out);
      out = grown;
    }
    out[rows++] = line;
    return true;
  });
  return out.slice(0, rows);
}

/**
 * The editor's line of the row that DuckDB's error messages call line `duckLine` (DuckDB counts the
 * line breaks inside quoted values as no lines), or null when no row starts there.
 *
 * @example
 * editorLine(new TextEncoder().encode('a,b\n1,"x\ny"\n2,z,3\n'), layout, 3) // 4
 */
export function editorLine(bytes: Uint8Array, layout: CsvLayout, duckLine: number): number | null {
  let found: number | null = null;
  scanRows(
    bytes,
    layout,
    (line, duck) => {
      if (duck === duckLine) found = line;
      return duck < duckLine;
    },
    true,
  );
  return found;
}

/**
 * Calls `visit(line, duckLine)` for each data row (each row, header included, with `all`), where
 * `duckLine` is the line as DuckDB counts it; stops when `visit` returns false.
 */
function scanRows(bytes: Uint8Array, layout: CsvLayout, visit: (line: number, duckLine: number) => boolean, all = false): void {
  const q = layout.quote.length === 1 ? layout.quote.charCodeAt(0) : -1;
  const delim = new TextEncoder().encode(layout.delimiter);
  const isDelim = (k: number) => {
    for (let j = 0; j < delim.length; j++) if (bytes[k + j] !== delim[j]) return false;
    return delim.length > 0;
  };
  const n = bytes.length;
  let i = n >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
  let line = 1;
  let inside = 0; // line breaks inside quoted values so far
  // one line break at i: its length (0 when none)
  const breakAt = (k: number) => (bytes[k] === 10 ? 1 : bytes[k] === 13 ? (bytes[k + 1] === 10 ? 2 : 1) : 0);
  for (let s = 0; s < layout.skipRows && i < n; s++) {
    while (i < n && breakAt(i) === 0) i++;
    i += breakAt(i);
    line++;
  }
  let oneColumn = true; // decided by the first row (the header, or the first data row)
  let first = true;
  // The fast path: a row without a quote or a carriage return before its \n (the common case) ends
  // at that \n, found by the engine's indexOf rather than byte by byte here. The next quote and
  // carriage return are looked up once and reused until the scan passes them.
  let nextQuote = -1;
  let nextCR = -1;
  /** The position of byte `b` at or after `from`, or n when there is none. */
  const find = (b: number, from: number) => {
    const k = b < 0 ? -1 : bytes.indexOf(b, from);
    return k < 0 ? n : k;
  };
  while (i < n) {
    const startLine = line;
    const startDuck = line - inside;
    const startAt = i;
    if (!first) {
      const nl = find(10, i);
      if (nextQuote < i) nextQuote = find(q, i);
      if (nextCR < i) nextCR = find(13, i);
      if (nextQuote > nl && (nextCR >= nl || nextCR === nl - 1)) {
        // nl < n (nextQuote is at most n): the row is bytes [i, nl), at most a \r right before its \n
        const empty = nl === i || (nl === i + 1 && nextCR === i);
        i = nl + 1;
        line++;
        if (empty && !oneColumn) continue;
        if (!visit(startLine, startDuck)) return;
        continue;
      }
    }
    let quoted = false;
    let fields = 1;
    // one row: up to a line break outside quotes
    while (i < n) {
      const b = bytes[i];
      if (b === q) {
        quoted = !quoted;
        i++;
        continue;
      }
      const br = breakAt(i);
      if (br > 0) {
        i += br;
        line++;
        if (!quoted) break;
        inside++;
        continue;
      }
      if (!quoted && b === delim[0] && isDelim(i)) fields++;
      i++;
    }
    const empty = i - startAt === breakAt(startAt) || i === startAt;
    if (first) {
      oneColumn = fields === 1;
      first = false;
      if (layout.header) {
        if (all && !visit(startLine, startDuck)) return;
        continue;
      }
    }
    if (empty && !oneColumn) continue;
    if (empty && i >= n && breakAt(startAt) === 0) continue; // no bytes after the last line break
    if (!visit(startLine, startDuck)) return;
  }
}

/**
 * The header's fields (quotes removed, "" read as "), or null when there is no text.
 *
 * @example csvHeaderNames(new TextEncoder().encode('id,"unit ""price"""\n1,2\n'), layout) // ['id', 'unit "price"']
 */
export function csvHeaderNames(bytes: Uint8Array, layout: CsvLayout): string[] | null {
  const text = new TextDecoder().decode(bytes).replace(/^\ufeff/, '');
  if (text.length === 0) return null;
  let i = 0;
  for (let s = 0; s < layout.skipRows; s++) {
    const next = text.slice(i).search(/\r\n|\n|\r/);
    if (next < 0) return null;
    i += next + (text.startsWith('\r\n', i + next) ? 2 : 1);
  }
  const q = layout.quote;
  const fields: string[] = [];
  let field = '';
  let quoted = false;
  for (; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === q && text[i + 1] === q) {
        field += q;
        i++;
      } else if (ch === q) quoted = false;
      else field += ch;
    } else if (ch === q) quoted = true;
    else if (layout.delimiter !== '' && text.startsWith(layout.delimiter, i)) {
      fields.push(field);
      field = '';
      i += layout.delimiter.length - 1;
    } else if (ch === '\n' || ch === '\r') break;
    else field += ch;
  }
  fields.push(field);
  return fields;
}

/**
 * Throws naming the file and line when the header of the CSV file at `path` names a column twice
 * (DuckDB would rename the second one a_1 without a word; names compare as SQL's do, ignoring case).
 *
 * @example await checkCsvHeader('readCsv', 'data.csv', layout); // throws for a header "id,Id"
 */
export async function checkCsvHeader(op: string, path: string, layout: CsvLayout): Promise<void> {
  if (!layout.header || /[*?[{]/.test(path) || /^[a-z][a-z0-9+.-]*:\/\//i.test(path) || /\.(gz|zst)$/i.test(path)) return;
  let names: string[] | null;
  try {
    const { fs } = await nodeModules(op);
    const handle = await fs.open(path, 'r');
    try {
      const buf = new Uint8Array(1 << 20);
      const { bytesRead } = await handle.read(buf, 0, buf.length, 0);
      names = csvHeaderNames(buf.subarray(0, bytesRead), layout);
    } finally {
      await handle.close();
    }
  } catch {
    return; // the reader reports a file it cannot read
  }
  const seen = new Map<string, number>();
  (names ?? []).forEach((name, k) => {
    if (name.trim() === '') return; // an empty name becomes column<k>
    const first = seen.get(name.toLowerCase());
    if (first !== undefined) {
      const other = (names as string[])[first];
      const cased = other === name ? '' : `: ${JSON.stringify(other)} and ${JSON.stringify(name)} are one name, as SQL compares names`;
      throw new DataSourceError(
        `${op}: ${path} line ${layout.skipRows + 1}: the header names column ${JSON.stringify(other)} twice (fields ${first + 1} and ${k + 1}${cased}); give each column its own name`,
        { file: path, line: layout.skipRows + 1, column: name },
      );
    }
    seen.set(name.toLowerCase(), k);
  });
}

/**
 * The data rows' lines of the CSV file at `path` (see csvRowLines), or null when `path` is a glob
 * or a URL, or cannot be read: messages then name rows instead of lines.
 *
 * @example
 * const lines = await csvFileRowLines('data.csv', { delimiter: ',', quote: '"', skipRows: 0, header: true });
 * lines?.[0]; // 2: the first data row is on line 2
 */
export async function csvFileRowLines(path: string, layout: CsvLayout): Promise<Int32Array | null> {
  const bytes = await localFileBytes(path);
  return bytes === null ? null : csvRowLines(bytes, layout);
}

/**
 * The bytes of the plain local file at `path`, or null when `path` is a glob, a URL or a compressed
 * file (DuckDB reads those itself), or cannot be read.
 *
 * @example const bytes = await localFileBytes('data.csv');
 */
export async function localFileBytes(path: string): Promise<Uint8Array | null> {
  if (/[*?[{]/.test(path) || /^[a-z][a-z0-9+.-]*:\/\//i.test(path) || /\.(gz|zst)$/i.test(path)) return null;
  try {
    const { fs } = await nodeModules('readCsv');
    return await fs.readFile(path);
  } catch {
    return null;
  }
}

/**
 * The line of each record of a JSON Lines file (blank lines hold no record), or null for a JSON
 * array or a file that cannot be read.
 *
 * @example await jsonRecordLines('events.jsonl'); // Int32Array [1, 2, 4] when line 3 is blank
 */
export async function jsonRecordLines(path: string): Promise<Int32Array | null> {
  if (/[*?[{]/.test(path) || /^[a-z][a-z0-9+.-]*:\/\//i.test(path) || /\.(gz|zst)$/i.test(path)) return null;
  try {
    const { fs } = await nodeModules('readJson');
    const text = await fs.readFile(path, 'utf8');
    if (/^\s*\[/.test(text)) return null;
    const lines: number[] = [];
    text.split(/\r\n|\n|\r/).forEach((l, k) => {
      if (l.trim() !== '') lines.push(k + 1);
    });
    return Int32Array.from(lines);
  } catch {
    return null;
  }
}

/**
 * `err` (from DuckDB, which counts a line break inside a quoted value as no line) with the line an
 * editor shows, and that line's text when DuckDB showed none.
 * @example await editorLines(err, 'a.csv', layout) // 'readCsv: a.csv line 6: expected 2 fields, ...' where DuckDB said line 5
 */
export async function editorLines(err: DataSourceError, path: string, layout: CsvLayout): Promise<DataSourceError> {
  if (err.line === undefined || err.file !== path || /[*?[{]/.test(path)) return err;
  let bytes: Uint8Array;
  try {
    const { fs } = await nodeModules('readCsv');
    bytes = new Uint8Array(await fs.readFile(path));
  } catch {
    return err;
  }
  const line = editorLine(bytes, layout, err.line);
  if (line === null) return err;
  const text = new TextDecoder().decode(bytes).split(/\r\n|\n|\r/)[line - 1] ?? '';
  const shown = JSON.stringify(text.length > 80 ? `${text.slice(0, 80)}...` : text);
  const message = err.message.replace(` line ${err.line}`, ` line ${line}`).replace(/: ""; /, `: ${shown}; `);
  return new DataSourceError(message, { file: err.file, line, column: err.column }, { cause: err.cause });
}

/**
 * An error about row i of the result (`err.row`) as one about its line in `path`, when `lines` knows it.
 * @example await atLine(err, 'a.csv', lines) // "... column 'id' holds 9007199254740993, beyond ..." at 'a.csv line 5'
 */
export async function atLine(e: unknown, path: string, lines: Int32Array | null): Promise<unknown> {
  if (!(e instanceof DataSourceError) || e.row === undefined || lines === null || e.row >= lines.length) return e;
  const line = lines[e.row];
  const big = /^(\w+): column '.*' holds (\S+) \((\w+)\) at row \d+, beyond/.exec(e.message);
  const message =
    big === null
      ? e.message.replace(`at row ${e.row}`, `at ${path} line ${line}`)
      : `${big[1]}: ${path} line ${line}: column '${e.column}' holds ${big[2]}, beyond ±(2^53-1) where numbers lose digits; ` +
        `pass types: { '${e.column}': 'number' } to accept rounding, or 'string' to keep every digit`;
  return new DataSourceError(message, { file: path, line, column: e.column }, { cause: e.cause });
}
