// Small helpers the file readers share: SQL quoting (for the few option values that cannot be bound
// as parameters), a file check that names the path before DuckDB is asked, and a column listing.

import { nodeModules } from '../../io/node.js';
import type { Database, SqlValue } from './duckdb.js';
import { DataSourceError } from './errors.js';

/**
 * A SQL string literal: `it's` -> `'it''s'`.
 * @example quoteString("it's") // "'it''s'"
 */
export function quoteString(s: string): string {
  return `'${String(s).replaceAll("'", "''")}'`;
}

/**
 * A SQL identifier, quoted so that any column name is safe: `a "b"` -> `"a ""b"""`.
 * @example quoteIdent('unit price') // '"unit price"'
 */
export function quoteIdent(s: string): string {
  return `"${String(s).replaceAll('"', '""')}"`;
}

/** Whether DuckDB would read `path` as a glob or a URL rather than one local file. */
function isPattern(path: string): boolean {
  return /[*?[{]/.test(path) || /^[a-z][a-z0-9+.-]*:\/\//i.test(path);
}

/**
 * Throws a DataSourceError naming `path` when it is missing, a directory, or empty (0 bytes).
 * Globs and URLs are left to DuckDB.
 *
 * @example await checkFile('readCsv', 'data/train.csv');
 */
export async function checkFile(op: string, path: string): Promise<void> {
  if (isPattern(path)) return;
  const { fs, path: p } = await nodeModules(op);
  let size: number;
  try {
    const st = await fs.stat(path);
    if (st.isDirectory()) {
      throw new DataSourceError(`${op}: '${path}' is a directory; to read every file in it pass a glob such as '${p.join(path, '*')}'`, {
        file: path,
      });
    }
    size = st.size;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') {
      const abs = p.resolve(path);
      const where = abs === path ? '' : ` (looked for ${abs})`;
      throw new DataSourceError(`${op}: file not found: '${path}'${where}`, { file: path }, { cause: e });
    }
    throw e;
  }
  if (size === 0) throw new DataSourceError(`${op}: ${path} is empty (0 bytes); expected data`, { file: path });
}

/**
 * The column names of `sql`'s result (DESCRIBE), for error messages that list what is available.
 * @example await describeColumns(db, "SELECT * FROM read_csv($path)", { path: 'a.csv' }) // ['id', 'name']
 */
export async function describeColumns(db: Database, sql: string, params: Record<string, SqlValue>): Promise<string[]> {
  const t = await db.execute({ op: 'describe', sql: `DESCRIBE ${sql}`, params });
  return t.strings('column_name').map((s) => s ?? '');
}
