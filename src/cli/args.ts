// Command-line parsing on node:util's parseArgs, with errors that say what to fix: unknown options
// get a did-you-mean, numeric options are checked, and missing or extra arguments are named.

import { type ParseArgsConfig, parseArgs } from 'node:util';
import { suggestion } from './check.js';
import { UsageError } from './errors.js';

type Options = NonNullable<ParseArgsConfig['options']>;

/** What a command accepts: its options (plus --help) and its positional arguments' names. */
export interface CommandSpec<O extends Options> {
  command: string;
  options: O;
  /** Names of the positional arguments, e.g. ['<model-dir>', '<input>'], all required. */
  positionals: readonly string[];
}

/**
 * Parses `argv` for one command. Throws UsageError for unknown options, missing values and a
 * wrong number of positional arguments; `help` is true when -h/--help was given (nothing else is checked then).
 * @example const { values, positionals } = parseCommand({ command: 'info', options: { json: { type: 'boolean' } }, positionals: ['<model-dir>'] }, argv);
 */
export function parseCommand<O extends Options>(spec: CommandSpec<O>, argv: readonly string[]): ParsedCommand {
  if (argv.includes('--help') || argv.includes('-h')) return { values: {}, positionals: [], help: true };
  const options: Options = { ...spec.options, help: { type: 'boolean', short: 'h' } };
  let parsed: { values: Record<string, unknown>; positionals: string[] };
  try {
    parsed = parseArgs({ args: [...argv], options, allowPositionals: true, strict: true });
  } catch (err) {
    throw new UsageError(rewordParseError(err as Error & { code?: string }, Object.keys(spec.options)), spec.command);
  }
  const { positionals } = parsed;
  if (positionals.length < spec.positionals.length) {
    throw new UsageError(`missing ${spec.positionals.slice(positionals.length).join(' ')}`, spec.command);
  }
  if (positionals.length > spec.positionals.length) {
    throw new UsageError(`unexpected argument ${JSON.stringify(positionals[spec.positionals.length])}`, spec.command);
  }
  return { values: parsed.values as ParsedCommand['values'], positionals, help: false };
}

/** Parsed options (string or boolean each) and positional arguments. */
export interface ParsedCommand {
  values: Record<string, string | boolean | undefined>;
  positionals: string[];
  help: boolean;
}

function rewordParseError(err: Error & { code?: string }, known: string[]): string {
  const option = /'(-{1,2}[^'\s]+)[^']*'/.exec(err.message)?.[1];
  if (err.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' && option !== undefined) {
    const name = option.replace(/^-+/, '');
    return `unknown option ${option}${suggestion(name, known).replace(/'([^']+)'\?$/, "'--$1'?")} (options: ${[...known, 'help'].map((k) => `--${k}`).join(', ')})`;
  }
  if (err.code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE' && option !== undefined) {
    return err.message.includes('argument missing') ? `option ${option} needs a value` : `option ${option} takes no value`;
  }
  return err.message;
}

/**
 * An integer option's value (undefined when absent); anything else is a UsageError.
 * @example intOption('train', 'epochs', values.epochs, 1) // 3 for --epochs 3
 */
export function intOption(command: string, name: string, value: string | boolean | undefined, min: number): number | undefined {
  if (value === undefined) return undefined;
  const n = typeof value === 'string' && /^[-+]?\d+$/.test(value.trim()) ? Number(value) : Number.NaN;
  if (!Number.isSafeInteger(n) || n < min) {
    throw new UsageError(`--${name}: expected an integer >= ${min}, got ${JSON.stringify(value)}`, command);
  }
  return n;
}
