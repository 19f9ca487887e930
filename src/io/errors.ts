// The error every file reader and writer in io/ and data/ throws for a bad file: it names the file
// and says what is wrong with it, so a user can tell a truncated download from a wrong path.

/**
 * A file (or byte buffer) that does not hold what it should: wrong magic number, truncated,
 * corrupted, inconsistent header. `file` names it (a path, or a label such as `<bytes>`).
 *
 * @example
 * try { await loadModelFiles('model/') } catch (e) { if (e instanceof FileFormatError) console.error(e.file) }
 */
export class FileFormatError extends Error {
  override name = 'FileFormatError';

  constructor(
    /** The file the problem was found in. */
    readonly file: string,
    /** What is wrong, without the file name. */
    readonly problem: string,
  ) {
    super(`${file}: ${problem}`);
  }
}

/**
 * Where JSON.parse failed on `text`, in words a user can act on ("line 3, column 14", "it ends
 * too early"), instead of the engine's message, which quotes raw bytes and varies by engine.
 *
 * @example try { JSON.parse(text) } catch (e) { throw new FileFormatError(file, `not valid JSON (${jsonSyntaxError(e, text)})`) }
 */
export function jsonSyntaxError(e: unknown, text: string): string {
  const message = e instanceof Error ? e.message : String(e);
  const at = /position (\d+)/.exec(message);
  if (at === null) {
    if (/end of (JSON )?input|Unterminated/i.test(message)) return 'it ends too early';
    const token = /token '(.+?)', (.*) is not valid JSON/s.exec(message);
    if (token === null) return 'a syntax error';
    const pos = text.indexOf(token[1]);
    return pos < 0 ? `unexpected ${shown(token[1])}` : where(text, pos);
  }
  const pos = Number(at[1]);
  return pos >= text.length ? 'it ends too early' : where(text, pos);
}

/**
 * `text` parsed as a JSON object (a manifest), or a FileFormatError naming `file`: where the JSON
 * breaks, followed by `corrupted` (what that likely means for this file), or that it is no object.
 * @example const m = parseJsonObject(text, 'model.json', 'the file is corrupted or not a tessera model');
 */
export function parseJsonObject(text: string, file: string, corrupted: string): Record<string, unknown> {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new FileFormatError(file, `not valid JSON (${jsonSyntaxError(e, text)}); ${corrupted}`);
  }
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) throw new FileFormatError(file, 'expected a JSON object');
  return raw as Record<string, unknown>;
}

/** "unexpected ';' at line 3, column 14" for the character at `pos`. */
function where(text: string, pos: number): string {
  const before = text.slice(0, pos);
  return `unexpected ${shown(text[pos])} at line ${before.split('\n').length}, column ${pos - before.lastIndexOf('\n')}`;
}

/** A character as a message shows it: printable ASCII quoted, anything else as its code. */
function shown(char: string): string {
  const code = char.charCodeAt(0);
  return char.length === 1 && code >= 0x20 && code < 0x7f ? `'${char}'` : `character U+${code.toString(16).toUpperCase().padStart(4, '0')}`;
}
