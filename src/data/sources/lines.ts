// The line of a CSV file on which each data row starts, counted as an editor counts them: the first
// line of the file is line 1 (the header, when there is one), and a quoted value that holds a line
// break moves every later row down a line. DuckDB does not report the lines of the rows it reads
// (and its own error line numbers skip the breaks inside quoted values), so the file is scanned here
// byte by byte, the way DuckDB splits it into rows:
//   - a UTF-8 byte order mark is skipped; \n, \r\n and a lone \r each end a line;
//   - `skipRows` lines are skipped first, then the header row (which may span lines);
//   - a line break inside a quoted value belongs to the value ("" inside quotes is a quote);
//   - an empty line is no row, except in a one-column file, where it is a row with a missing value.

import { nodeModules } from '../../io/node.js';

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
  while (i < n) {
    const startLine = line;
    const startDuck = line - inside;
    const startAt = i;
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
 * The data rows' lines of the CSV file at `path` (see csvRowLines), or null when `path` is a glob
 * or a URL, or cannot be read: messages then name rows instead of lines.
 *
 * @example
 * const lines = await csvFileRowLines('data.csv', { delimiter: ',', quote: '"', skipRows: 0, header: true });
 * lines?.[0]; // 2: the first data row is on line 2
 */
export async function csvFileRowLines(path: string, layout: CsvLayout): Promise<Int32Array | null> {
  if (/[*?[{]/.test(path) || /^[a-z][a-z0-9+.-]*:\/\//i.test(path) || /\.(gz|zst)$/i.test(path)) return null;
  try {
    const { fs } = await nodeModules('readCsv');
    return csvRowLines(new Uint8Array(await fs.readFile(path)), layout);
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
