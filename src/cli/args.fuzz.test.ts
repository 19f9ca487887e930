// Random command lines for every command, run in-process through `main` (no file they name exists):
// each ends with an exit code and one message of tessera's own, never a crash or a hang; every
// numeric option given a random value (negative, fraction, NaN, words, empty, `--opt=value`, at the
// end without a value) is accepted exactly when an independent oracle says the value is in range,
// and otherwise refused with a message naming the option, the expected range and the value.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { expectClearError, fc, fuzzParams, outcome } from '../../test/fuzz.js';
import { main } from './main.js';

/**
 * Runs `main(argv)` with stderr captured (stdout is left alone: the test runner reports on it, and no
 * command line here prints there, as none asks for help or names an existing file).
 */
async function runMain(argv: string[]): Promise<{ code: number; err: string }> {
  let err = '';
  const stderr = process.stderr.write;
  process.stderr.write = ((s: string) => {
    err += s;
    return true;
  }) as typeof process.stderr.write;
  try {
    const r = await outcome(() => main(argv), 10_000);
    if ('error' in r) throw r.error; // main must catch everything
    return { code: r.ok, err };
  } finally {
    process.stderr.write = stderr;
  }
}

/** The numeric options of each command, with the oracle of a valid value, and what must come with them. */
interface NumericOption {
  command: string;
  option: string;
  valid: (text: string) => boolean;
  /** Other arguments the command needs for the option to be read (positionals name missing files). */
  rest: string[];
}

const intAtLeast = (min: number) => (t: string) => /^\s*[-+]?\d+\s*$/.test(t) && Number(t) >= min && Number.isSafeInteger(Number(t));
const openUnit = (t: string) => t.trim() !== '' && /^\s*[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?\s*$/i.test(t) && Number(t) > 0 && Number(t) < 1;

const NUMERIC: NumericOption[] = [
  { command: 'train', option: 'epochs', valid: intAtLeast(1), rest: ['missing.yaml'] },
  { command: 'train', option: 'seed', valid: intAtLeast(0), rest: ['missing.yaml'] },
  { command: 'evaluate', option: 'bootstrap', valid: intAtLeast(1), rest: ['missing-model'] },
  { command: 'evaluate', option: 'confidence', valid: openUnit, rest: ['missing-model', '--bootstrap', '10'] },
  { command: 'evaluate', option: 'seed', valid: intAtLeast(0), rest: ['missing-model'] },
  { command: 'evaluate', option: 'threshold', valid: openUnit, rest: ['missing-model'] },
  { command: 'evaluate', option: 'cv', valid: intAtLeast(2), rest: ['missing.yaml'] },
  { command: 'evaluate', option: 'kfold', valid: intAtLeast(2), rest: ['missing.yaml'] },
  { command: 'evaluate', option: 'epochs', valid: intAtLeast(1), rest: ['missing.yaml', '--cv', '3'] },
  { command: 'evaluate', option: 'batch-size', valid: intAtLeast(1), rest: ['missing-model'] },
  { command: 'predict', option: 'top-k', valid: intAtLeast(1), rest: ['missing-model', 'in.csv'] },
  { command: 'predict', option: 'limit', valid: intAtLeast(1), rest: ['missing-model', 'in.csv'] },
  { command: 'predict', option: 'batch-size', valid: intAtLeast(1), rest: ['missing-model', 'in.csv'] },
  { command: 'predict', option: 'threshold', valid: openUnit, rest: ['missing-model', 'in.csv'] },
];

/** Values as users type them: integers of any sign, fractions, exponents, NaN, words, blanks, dashes. */
const value = fc.oneof(
  fc.integer({ min: -1000, max: 1000 }).map(String),
  fc.double({ min: -10, max: 10, noNaN: true }).map(String),
  fc.constantFrom(
    'NaN',
    '-NaN',
    'Infinity',
    '-Infinity',
    '',
    ' ',
    '1e3',
    '-1e3',
    '0.5',
    '-.5',
    '.5',
    '0x10',
    '3abc',
    'ten',
    '--',
    '-',
    '2 ',
    '+4',
    '1_000',
    '9007199254740993',
  ),
);

test('numeric options (oracle: accepted iff the value is in range; else a usage error naming option, range and value)', async () => {
  await fc.assert(
    fc.asyncProperty(fc.constantFrom(...NUMERIC), value, fc.constantFrom('space', 'equals', 'first'), async (o, v, form) => {
      const opt = form === 'equals' ? [`--${o.option}=${v}`] : [`--${o.option}`, v];
      const argv = form === 'first' ? [o.command, ...opt, ...o.rest] : [o.command, ...o.rest, ...opt];
      const r = await runMain(argv);
      assert.ok(r.code === 1 || r.code === 2, `exit ${r.code}`);
      const line = r.err.split('\n')[0];
      expectClearError(new Error(line), [`tessera ${o.command}: `]);
      const aboutOption = line.includes(`--${o.option}`);
      if (o.valid(v)) {
        assert.ok(!aboutOption, `--${o.option} ${JSON.stringify(v)} is valid but refused: ${line}`);
      } else {
        assert.equal(r.code, 2, line);
        assert.ok(aboutOption, `--${o.option} ${JSON.stringify(v)} must be refused naming the option: ${line}`);
        const shown = v.trim();
        if (shown !== '' && !/needs a value/.test(line))
          assert.ok(line.includes(shown), `the value ${JSON.stringify(v)} is not shown: ${line}`);
        if (!/needs a value/.test(line)) assert.match(line, /expected (an integer|a number|a probability)/);
      }
    }),
    fuzzParams(150),
  );
});

const token = fc.oneof(
  fc.constantFrom('--epochs', '--seed', '--output', '--quiet', '--dry-run', '--resume', '--json', '--limit', '--top-k', '--bootstrap'),
  fc.constantFrom('--cv', '--data', '--threshold', '--keep', '--out', '--charts', '--format', '--confidence', '--batch-size'),
  fc.constantFrom(
    '--',
    '-',
    '-x',
    '--unknown',
    '--epochs=',
    '--quiet=yes',
    '--resume=',
    '-v',
    '---',
    '--=3',
    '--__proto__',
    '--constructor',
  ),
  value,
  fc.constantFrom('missing.yaml', 'missing-model', 'in.csv', 'sql:SELECT 1', 'builtin:nope', '__proto__', 'constructor'),
);

test('random command lines (oracle: an exit code and one tessera message, no crash, no hang, no pollution)', async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.constantFrom('train', 'evaluate', 'predict', 'info', 'trian', '--epochs', '-x'),
      fc.array(token, { maxLength: 8 }),
      async (command, rest) => {
        const r = await runMain([command, ...rest]);
        assert.ok(r.code === 1 || r.code === 2, `exit ${r.code}`);
        expectClearError(new Error(r.err), [/^tessera( \w+)?: /]);
        assert.equal(({} as Record<string, unknown>).polluted, undefined);
      },
    ),
    fuzzParams(150),
  );
});

test('regressions: values that start with a dash, and a missing value before another option', async () => {
  const epochs = await runMain(['train', 'missing.yaml', '--epochs', '-1']);
  assert.equal(epochs.code, 2);
  assert.match(epochs.err, /^tessera train: --epochs: -1 is out of range: expected an integer >= 1\n/);
  const before = await runMain(['predict', 'm', 'in.csv', '--limit', '--json']);
  assert.match(before.err, /option --limit needs a value, got the option --json after it/);
  const threshold = await runMain(['predict', 'm', 'in.csv', '--threshold', '-0.5']);
  assert.match(threshold.err, /--threshold: expected a probability in \(0, 1\), got "-0\.5"/);
});
