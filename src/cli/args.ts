// Command-line parsing on node:util's parseArgs, with errors that say what to fix: unknown options
// get a did-you-mean, numeric options are checked (range and received value named), missing or
// extra arguments are named. A value that starts with '-' and reads as a number (`--epochs -1`) is
// the option's value, to be range-checked, not an unknown option; an option may take an optional
// value (`--resume [DIR]`).

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
  /**
   * String options whose value may be left out (`--resume` or `--resume DIR`): without a value they
   * parse as ''. The word after such an option is its value only when the command would otherwise
   * have more positional arguments than it takes (`train --resume runs/x cfg.yaml`, `train cfg.yaml --resume runs/x`).
   */
  optionalValue?: readonly string[];
}

/** A token that reads as a negative number, a value rather than an option: -1, -0.5, -.5, -1e3, -Infinity, -NaN. */
const NEGATIVE_NUMBER = /^-(\d|\.\d|Infinity$|NaN$|inf$|nan$)/i;

/**
 * Parses `argv` for one command. Throws UsageError for unknown options, missing values and a
 * wrong number of positional arguments; `help` is true when -h/--help was given (nothing else is checked then).
 * @example const { values, positionals } = parseCommand({ command: 'info', options: { json: { type: 'boolean' } }, positionals: ['<model-dir>'] }, argv);
 */
export function parseCommand<O extends Options>(spec: CommandSpec<O>, argv: readonly string[]): ParsedCommand {
  const end = argv.indexOf('--');
  const before = end < 0 ? argv : argv.slice(0, end);
  if (before.includes('--help') || before.includes('-h')) return { values: {}, positionals: [], help: true };
  const optional = new Set(spec.optionalValue ?? []);
  const options: Options = { ...spec.options, help: { type: 'boolean', short: 'h' } };
  for (const name of optional) options[name] = { type: 'boolean' }; // parsed as a flag, its value found below
  const args = joinNegativeValues(argv, spec.options, end);
  const inline = new Map<string, string>(); // --resume=DIR
  const plain: string[] = [];
  for (const [i, a] of args.entries()) {
    const m = /^--([^=]+)=(.*)$/s.exec(a);
    if (m !== null && optional.has(m[1]) && (end < 0 || i < args.indexOf('--'))) {
      inline.set(m[1], m[2]);
      plain.push(`--${m[1]}`);
    } else plain.push(a);
  }
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({ args: plain, options, allowPositionals: true, strict: true, tokens: true });
  } catch (err) {
    throw new UsageError(rewordParseError(err as Error & { code?: string }, Object.keys(spec.options), plain), spec.command);
  }
  const values = { ...(parsed.values as ParsedCommand['values']) };
  let positionals = [...parsed.positionals];
  const tokens = parsed.tokens ?? [];
  for (const name of optional) {
    if (values[name] === undefined) continue;
    const at = [...tokens].reverse().find((t) => t.kind === 'option' && t.name === name);
    const next = at === undefined ? undefined : tokens.find((t) => t.index === at.index + 1);
    let value = inline.get(name) ?? '';
    if (!inline.has(name) && next?.kind === 'positional' && positionals.length > spec.positionals.length) {
      value = next.value;
      positionals = tokens.filter((t) => t.kind === 'positional' && t !== next).map((t) => (t as { value: string }).value);
    }
    values[name] = value;
  }
  if (positionals.length < spec.positionals.length) {
    throw new UsageError(`missing ${spec.positionals.slice(positionals.length).join(' ')}`, spec.command);
  }
  if (positionals.length > spec.positionals.length) {
    throw new UsageError(`unexpected argument ${JSON.stringify(positionals[spec.positionals.length])}`, spec.command);
  }
  return { values, positionals, help: false };
}

/** Parsed options (string or boolean each) and positional arguments. */
export interface ParsedCommand {
  values: Record<string, string | boolean | undefined>;
  positionals: string[];
  help: boolean;
}

/** `--opt -1` as `--opt=-1` for the command's string options, so that parseArgs reads the number as the value (before `--` only). */
function joinNegativeValues(argv: readonly string[], options: Options, end: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const name = a.startsWith('--') ? a.slice(2) : undefined;
    const next = argv[i + 1];
    const before = end < 0 || i + 1 < end;
    if (before && name !== undefined && options[name]?.type === 'string' && next !== undefined && NEGATIVE_NUMBER.test(next)) {
      out.push(`${a}=${next}`);
      i++;
    } else out.push(a);
  }
  return out;
}

function rewordParseError(err: Error & { code?: string }, known: string[], argv: readonly string[]): string {
  const option = /'(-{1,2}[^'\s]+)[^']*'/.exec(err.message)?.[1];
  if (err.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' && option !== undefined) {
    const name = option.replace(/^-+/, '');
    return `unknown option ${option}${suggestion(name, known).replace(/'([^']+)'\?$/, "'--$1'?")} (options: ${[...known, 'help'].map((k) => `--${k}`).join(', ')})`;
  }
  if (err.code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE' && option !== undefined) {
    if (err.message.includes('argument missing')) return `option ${option} needs a value`;
    if (err.message.includes('ambiguous')) {
      const next = argv[argv.indexOf(option) + 1];
      return `option ${option} needs a value, got the option ${next ?? '?'} after it (for a value that starts with '-', write ${option}=<value>)`;
    }
    return `option ${option} takes no value, got ${JSON.stringify(/=(.*)$/s.exec(argv.find((a) => a.startsWith(`${option}=`)) ?? '')?.[1] ?? '')}`;
  }
  return err.message;
}

/** The accepted range of a numeric option, as words: 'an integer >= 1', 'a number in (0, 1)'. */
function rangeText(integer: boolean, min?: number, max?: number, open = false): string {
  const kind = integer ? 'an integer' : 'a number';
  if (min !== undefined && max !== undefined) return `${kind} in ${open ? '(' : '['}${min}, ${max}${open ? ')' : ']'}`;
  if (min !== undefined) return `${kind} >= ${min}`;
  if (max !== undefined) return `${kind} <= ${max}`;
  return kind;
}

/**
 * An integer option's value (undefined when absent); anything else (fractions, NaN, words, out of
 * range) is a UsageError naming the option, the range and the value received.
 * @example intOption('train', 'epochs', values.epochs, 1) // 3 for --epochs 3; --epochs -1: "--epochs: expected an integer >= 1, got -1"
 */
export function intOption(
  command: string,
  name: string,
  value: string | boolean | undefined,
  min: number,
  max?: number,
): number | undefined {
  if (value === undefined) return undefined;
  const range = rangeText(true, min, max);
  const text = typeof value === 'string' ? value.trim() : '';
  if (typeof value !== 'string' || !/^[-+]?\d+$/.test(text) || !Number.isSafeInteger(Number(text))) {
    throw new UsageError(`--${name}: expected ${range}, got ${JSON.stringify(value)}`, command);
  }
  const n = Number(text);
  if (n < min || (max !== undefined && n > max)) throw new UsageError(`--${name}: ${text} is out of range: expected ${range}`, command);
  return n;
}

/**
 * A number option's value in (min, max) (open bounds; undefined when absent); anything else is a
 * UsageError naming the option, the range and the value received.
 * @example numberOption('evaluate', 'confidence', values.confidence, 0, 1) // 0.95 for --confidence 0.95
 */
export function numberOption(
  command: string,
  name: string,
  value: string | boolean | undefined,
  min: number,
  max: number,
): number | undefined {
  if (value === undefined) return undefined;
  const range = rangeText(false, min, max, true);
  const text = typeof value === 'string' ? value.trim() : '';
  const n = /^[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/i.test(text) ? Number(text) : Number.NaN;
  if (Number.isNaN(n)) throw new UsageError(`--${name}: expected ${range}, e.g. ${(min + max) / 2}, got ${JSON.stringify(value)}`, command);
  if (!(n > min && n < max)) throw new UsageError(`--${name}: ${text} is out of range: expected ${range}`, command);
  return n;
}
