// The CLI's errors and exit codes. Scripts can rely on the codes:
//
//   0  success
//   1  runtime failure: data or model files missing or corrupted, training failed, output not written
//   2  usage or config error: unknown command or option, bad option value, config file missing,
//      unparseable or invalid (found before any work starts)

/** The exit codes of `tessera`, documented in `tessera --help`. */
export const EXIT = { ok: 0, failure: 1, usage: 2 } as const;

/**
 * A mistake on the command line (unknown command or option, missing argument). Exit code 2.
 * @example throw new UsageError('missing <config>', 'train');
 */
export class UsageError extends Error {
  override name = 'UsageError';
  readonly exitCode = EXIT.usage;

  constructor(
    message: string,
    /** The command whose usage to point at ('' for the program). */
    readonly command = '',
  ) {
    super(message);
  }
}

/**
 * One or more problems in a training config, each naming the field path, e.g.
 * `config.optimizer.lr: expected a positive number, got "fast"`. Exit code 2.
 */
export class ConfigError extends Error {
  override name = 'ConfigError';
  readonly exitCode = EXIT.usage;

  constructor(
    /** Each problem on its own line, starting with the field path. */
    readonly problems: readonly string[],
    /** The config file, for the heading. */
    readonly file = '',
  ) {
    const head = `${file === '' ? 'config' : file}: ${problems.length} problem${problems.length === 1 ? '' : 's'}`;
    super(`${head}\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

/** `err` with `file` in its heading when it is a ConfigError without one; other errors as they are. */
export function inFile(err: unknown, file: string): unknown {
  return err instanceof ConfigError && err.file === '' ? new ConfigError(err.problems, file) : err;
}

/** The exit code for an error thrown by a command: 2 for usage and config errors, else 1. */
export function exitCodeOf(err: unknown): number {
  return err instanceof UsageError || err instanceof ConfigError ? EXIT.usage : EXIT.failure;
}
