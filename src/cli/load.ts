// Reads a config file: `.json` as JSON, anything else (`.yaml`, `.yml`) as YAML 1.2 (the `yaml`
// package, loaded on first use). Syntax errors name the file, line and column.

import { readFile } from 'node:fs/promises';
import { basename, extname } from 'node:path';
import { ConfigError, UsageError } from './errors.js';

/** A parsed config file and its name without directory or extension (e.g. 'quickstart'). */
export interface ConfigFile {
  raw: unknown;
  file: string;
  name: string;
}

/**
 * Reads and parses `file`. A missing file is a UsageError (of `command`); a syntax error a ConfigError with its position.
 * @example const { raw, name } = await readConfigFile('examples/quickstart.yaml');
 */
export async function readConfigFile(file: string, command = 'train'): Promise<ConfigFile> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new UsageError(`config file not found: ${file}`, command);
    if (code === 'EISDIR') throw new UsageError(`${file} is a directory; expected a config file (.yaml or .json)`, command);
    throw err;
  }
  const ext = extname(file).toLowerCase();
  const name = basename(file, extname(file));
  return { raw: ext === '.json' ? parseJson(text, file) : await parseYaml(text, file), file, name };
}

/** JSON text to a value; the error gives the line and column of the syntax error. */
export function parseJson(text: string, file: string): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    const message = (err as Error).message;
    const at = /position (\d+)/.exec(message);
    let where = '';
    if (at !== null) {
      const before = text.slice(0, Number(at[1])).split('\n');
      where = ` at line ${before.length}, column ${before[before.length - 1].length + 1}`;
    }
    throw new ConfigError([`not valid JSON${where}: ${message}`], file);
  }
}

/** YAML text to a value; duplicate keys and syntax errors are refused with their line and column. */
export async function parseYaml(text: string, file: string): Promise<unknown> {
  const YAML = await import('yaml');
  const doc = YAML.parseDocument(text, { prettyErrors: true, uniqueKeys: true });
  if (doc.errors.length > 0) {
    throw new ConfigError(
      doc.errors.map((e) => {
        const pos = e.linePos?.[0];
        const message = e.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '');
        return `not valid YAML${pos === undefined ? '' : ` at line ${pos.line}, column ${pos.col}`}: ${message}`;
      }),
      file,
    );
  }
  return doc.toJS({ maxAliasCount: 100 });
}
