#!/usr/bin/env node
// Run: tessera <command> [options]   (or: node dist/src/cli/main.js <command> [options])
//
// The `tessera` program: dispatches to train, evaluate, predict and info, prints errors on stderr
// and exits with the documented codes (0 ok, 1 runtime failure, 2 usage or config error). Each
// command is loaded on first use, so `--help` and config errors come back at once.

import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { suggestion } from './check.js';
import { ConfigError, EXIT, exitCodeOf, UsageError } from './errors.js';
import { packageVersion, print } from './format.js';
import { COMMAND_HELP, PROGRAM_HELP } from './help.js';

type Command = (argv: string[]) => Promise<number>;

/** The commands, each imported when it runs. */
const COMMANDS: Record<string, () => Promise<Command>> = {
  train: async () => (await import('./train.js')).trainCommand,
  evaluate: async () => (await import('./evaluate.js')).evaluateCommand,
  predict: async () => (await import('./predict.js')).predictCommand,
  info: async () => (await import('./info.js')).infoCommand,
};

/**
 * Runs the CLI with `argv` (without `node` and the script) and returns the exit code.
 * @example process.exitCode = await main(['info', 'runs/quickstart']);
 */
export async function main(argv: readonly string[]): Promise<number> {
  const [first, ...rest] = argv;
  let command = '';
  try {
    if (first === undefined) {
      process.stderr.write(`${PROGRAM_HELP}\n`);
      return EXIT.usage;
    }
    if (first === '-h' || first === '--help') return print(PROGRAM_HELP);
    if (first === '-v' || first === '--version') return print(await packageVersion());
    if (first === 'help') {
      if (rest[0] === undefined) return print(PROGRAM_HELP);
      if (!Object.hasOwn(COMMAND_HELP, rest[0])) throw new UsageError(unknownCommand(rest[0]));
      return print(COMMAND_HELP[rest[0]]);
    }
    if (first.startsWith('-'))
      throw new UsageError(`unknown option ${first}; options come after the command (tessera <command> [options])`);
    if (!Object.hasOwn(COMMANDS, first)) throw new UsageError(unknownCommand(first));
    command = first;
    const run = await COMMANDS[first]();
    return await run(rest);
  } catch (err) {
    report(err, command);
    return exitCodeOf(err);
  }
}

function unknownCommand(name: string): string {
  const names = Object.keys(COMMANDS);
  return `unknown command ${JSON.stringify(name)}${suggestion(name, names)} (commands: ${names.join(', ')})`;
}

/** Prints an error for people: usage errors point at the help, runtime errors give their causes. */
function report(err: unknown, command: string): void {
  const prefix = command === '' ? 'tessera' : `tessera ${command}`;
  if (err instanceof UsageError) {
    const helpFor = err.command || command;
    process.stderr.write(`${prefix}: ${err.message}\nRun 'tessera ${helpFor === '' ? '' : `${helpFor} `}--help' for usage.\n`);
  } else if (err instanceof ConfigError) {
    process.stderr.write(`${prefix}: invalid config, nothing was run.\n${err.message}\n`);
  } else {
    let text = err instanceof Error ? err.message : String(err);
    for (let cause = (err as Error)?.cause; cause instanceof Error; cause = cause.cause) {
      if (!text.includes(cause.message)) text += `\n  caused by: ${cause.message}`;
    }
    process.stderr.write(`${prefix}: error: ${text}\n`);
  }
}

/** Whether this module is the program being run (not imported, e.g. by bin/tessera.js). */
function isEntry(): boolean {
  const script = process.argv[1];
  if (script === undefined) return false;
  try {
    return realpathSync(script) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
}

/** Runs the CLI on process.argv and exits with its code (worker threads must not keep it alive). */
export async function run(): Promise<void> {
  const code = await main(process.argv.slice(2));
  process.exit(code);
}

if (isEntry()) await run();
