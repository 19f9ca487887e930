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
