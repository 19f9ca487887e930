// DataSourceError, and the translation of DuckDB's error messages into ours: each names the file,
// the line (or JSON record) and the column when DuckDB reports them, says what is wrong in a few
// words, and keeps DuckDB's own message as the `cause` for the full detail.

/** Where a data problem was found; every field is optional (a SQL error has no file). */
export interface DataSourceLocation {
  /** The file, as the caller named it (or as DuckDB reported it for a glob). */
  file?: string;
  /** The 1-based line of a CSV file (the header is line 1), or the record of a JSON file. */
  line?: number;
  /** The column involved. */
  column?: string;
  /** The 0-based row of the result, when the problem was found in a value read (a file reader turns it into a line). */
  row?: number;
}

/**
 * A file or query that cannot be loaded into a Table: a missing or empty file, a malformed CSV line,
 * a value that does not convert, an unknown column, an unsupported type. The message says where
 * and what to fix; `file`, `line` and `column` carry the same for programs.
 *
 * @example
 * try { await readCsv('data.csv') } catch (e) {
 *   if (e instanceof DataSourceError) console.error(e.file, e.line, e.column); // 'data.csv' 7 undefined
 * }
 */
export class DataSourceError extends Error {
  override name = 'DataSourceError';
  readonly file?: string;
  readonly line?: number;
  readonly column?: string;
  readonly row?: number;

  constructor(message: string, where: DataSourceLocation = {}, options?: { cause?: unknown }) {
    super(message, options);
    this.file = where.file;
    this.line = where.line;
    this.column = where.column;
    this.row = where.row;
  }
}

/** What a reader knows when DuckDB fails, to say more than DuckDB does. */
export interface ErrorContext {
  /** The reader or method, for the message prefix: 'readCsv', 'query', ... */
  op: string;
  /** The path the caller gave, when reading a file. */
  file?: string;
  /** Column types the caller forced (`types` option), by column. */
  types?: Readonly<Record<string, string>>;
}

/** The message of anything thrown. @example messageOf(new Error('x')) // 'x' */
export function messageOf(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/**
 * DuckDB's error `e` as a DataSourceError whose message names the file, line and column. Messages
 * it does not recognise pass through after `op: `, with DuckDB's text intact.
 *
 * @example
 * translateDuckDBError(e, { op: 'readCsv', file: 'data.csv' }).message
 * // 'readCsv: data.csv line 7: expected 5 fields, found 6: "1,2,3,4,5,6"'
 */
export function translateDuckDBError(e: unknown, ctx: ErrorContext): DataSourceError {
  if (e instanceof DataSourceError) return e;
  const msg = messageOf(e).replace(/^Failed to extract statements: /, '');
  const { op } = ctx;
  const cause = { cause: e };
  const reported = /\n\s*file = (.+)\n/.exec(msg)?.[1]?.trim();
  const file = reported ?? ctx.file;

  const notFound = /No files found that match the pattern "(.*?)"/.exec(msg);
  if (notFound) return new DataSourceError(`${op}: file not found: '${notFound[1]}'`, { file: notFound[1] }, cause);

  const csvLine = /CSV Error on Line: (\d+)/.exec(msg);
  if (csvLine) {
    const line = Number(csvLine[1]);
    const at = `${op}: ${file ?? '<csv>'} line ${line}`;
    const original = /Original Line: ([^\n]*)/.exec(msg)?.[1];
    const shown = original === undefined ? '' : `: ${JSON.stringify(clip(original))}`;
    const fields = /Expected Number of Columns: (\d+) Found: (\d+)/.exec(msg);
    if (fields) {
      const fix = Number(fields[2]) > Number(fields[1]) ? 'fix the line (or quote a value holding the delimiter)' : 'fix the line';
      return new DataSourceError(`${at}: expected ${fields[1]} fields, found ${fields[2]}${shown}; ${fix}`, { file, line }, cause);
    }
    const conv = /Error when converting column "(.*?)"\. Could not convert string "(.*?)" to '(\w+)'/.exec(msg);
    if (conv) {
      const fix = `DuckDB guessed ${conv[3]} from the first rows; fix the value or pass types: { ${JSON.stringify(conv[1])}: 'string' }`;
      return conversionError(at, conv[1], conv[2], conv[3], ctx, fix, { file, line, column: conv[1] }, e);
    }
    if (/unterminated quote/i.test(msg)) {
      return new DataSourceError(`${at}: a quoted value is never closed${shown}; close the quote or escape it ("")`, { file, line }, cause);
    }
    return new DataSourceError(`${at}: ${detailAfterOriginalLine(msg)}${shown}`, { file, line }, cause);
  }

  if (/Error when sniffing file/.test(msg)) {
    return new DataSourceError(
      `${op}: ${file ?? 'the file'}: cannot make out the CSV layout (delimiter, quoting, field count); check the delimiter and header options`,
      { file },
      cause,
    );
  }

  const parquet = /No magic bytes found at end of file '(.*?)'/.exec(msg);
  if (parquet) {
    return new DataSourceError(`${op}: ${parquet[1]} is not a Parquet file (no PAR1 magic bytes at its end)`, { file: parquet[1] }, cause);
  }

  const json = /Malformed JSON in file "(.*?)", at byte (\d+) in (line|record\/value) (\d+): ([^\n]*)/.exec(msg);
  if (json) {
    // DuckDB's record numbers are not always the file's line numbers: readJson finds the line itself
    const what = json[5].trim().replace(/\.$/, '');
    return new DataSourceError(
      `${op}: ${json[1]}: malformed JSON (${what}) at byte ${json[2]} of ${json[3]} ${json[4]} as DuckDB counts`,
      { file: json[1] },
      cause,
    );
  }

  const cast = /Could not convert string '(.*?)' to (\w+) when casting from source column (.+?)\n/.exec(`${msg}\n`);
  if (cast) {
    const column = cast[3].replace(/^"|"$/g, '');
    const at = file === undefined ? op : `${op}: ${file}`;
    const fix = 'fix the value, or use TRY_CAST in SQL to read it as missing';
    return conversionError(at, column, cast[1], cast[2], ctx, fix, { file, column }, e);
  }

  const missingColumn = /Referenced column "(.*?)" not found/.exec(msg);
  if (missingColumn) {
    const where = file === undefined ? '' : ` in ${file}`;
    return new DataSourceError(`${op}: no column '${missingColumn[1]}'${where}`, { file, column: missingColumn[1] }, cause);
  }

  return new DataSourceError(`${op}: ${file === undefined ? '' : `${file}: `}${msg}`, { file }, cause);
}

function conversionError(
  at: string,
  column: string,
  value: string,
  duckType: string,
  ctx: ErrorContext,
  fix: string,
  where: DataSourceLocation,
  e: unknown,
): DataSourceError {
  const forced = ctx.types?.[column];
  const why = forced === undefined ? fix : `the types option asks for ${forced}; fix the value, or ask for another type`;
  return new DataSourceError(`${at}: column '${column}': cannot read ${JSON.stringify(clip(value))} as ${duckType}; ${why}`, where, {
    cause: e,
  });
}

/** The sentence DuckDB puts after "Original Line: ..." and before "Possible fixes". */
function detailAfterOriginalLine(msg: string): string {
  const lines = msg.split('\n').map((l) => l.trim());
  const start = lines.findIndex((l) => l.startsWith('Original Line:'));
  for (let i = start + 1; i < lines.length; i++) {
    if (lines[i] === '' || lines[i].startsWith('Original Line')) continue;
    if (lines[i].startsWith('Possible fixes')) break;
    return lines[i];
  }
  return lines[0];
}

function clip(s: string, max = 80): string {
  return s.length > max ? `${s.slice(0, max)}...` : s;
}
