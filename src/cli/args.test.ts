// parseCommand and the numeric options: negative numbers are values (then range-checked), a missing
// value is named, optional values (`--resume [DIR]`) find their word, every error names the option.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { intOption, numberOption, parseCommand } from './args.js';
import { UsageError } from './errors.js';

const SPEC = {
  command: 'train',
  options: { epochs: { type: 'string' }, seed: { type: 'string' }, quiet: { type: 'boolean' }, resume: { type: 'string' } },
  positionals: ['<config>'],
  optionalValue: ['resume'],
} as const;

const parse = (argv: string[]) => parseCommand({ ...SPEC, options: { ...SPEC.options } }, argv);

/** The UsageError message of `fn`. */
function usage(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof UsageError, String(err));
    return err.message;
  }
  assert.fail('expected a UsageError');
}

test('a negative number after a numeric option is its value, then rejected as out of range naming option, range and value', () => {
  assert.equal(parse(['c.yaml', '--epochs', '-1']).values.epochs, '-1');
  assert.equal(parse(['--seed', '-0.5', 'c.yaml']).values.seed, '-0.5');
  assert.equal(parse(['c.yaml', '--epochs=-7']).values.epochs, '-7');
  const msg = usage(() => intOption('train', 'epochs', parse(['c.yaml', '--epochs', '-1']).values.epochs, 1));
  assert.equal(msg, '--epochs: -1 is out of range: expected an integer >= 1');
  assert.match(
    usage(() => intOption('train', 'epochs', '1.5', 1)),
    /^--epochs: expected an integer >= 1, got "1\.5"$/,
  );
  assert.match(
    usage(() => intOption('train', 'epochs', 'NaN', 1)),
    /--epochs: expected an integer >= 1, got "NaN"/,
  );
  assert.match(
    usage(() => intOption('train', 'epochs', '', 1)),
    /--epochs: expected an integer >= 1, got ""/,
  );
  assert.match(
    usage(() => intOption('train', 'epochs', '99999999999999999999', 1)),
    /--epochs: expected an integer/,
  );
  assert.match(
    usage(() => intOption('x', 'k', '5', 1, 3)),
    /--k: 5 is out of range: expected an integer in \[1, 3\]/,
  );
  assert.equal(intOption('train', 'epochs', ' 3 ', 1), 3);
  assert.equal(numberOption('evaluate', 'confidence', '0.9', 0, 1), 0.9);
  assert.match(
    usage(() => numberOption('evaluate', 'confidence', '-1', 0, 1)),
    /--confidence: -1 is out of range: expected a number in \(0, 1\)/,
  );
  assert.match(
    usage(() => numberOption('evaluate', 'confidence', '0x1', 0, 1)),
    /--confidence: expected a number in \(0, 1\).*got "0x1"/,
  );
});

test('a missing value is named, at the end and before another option; a value given to a flag is named', () => {
  assert.equal(
    usage(() => parse(['c.yaml', '--epochs'])),
    'option --epochs needs a value',
  );
  assert.match(
    usage(() => parse(['c.yaml', '--epochs', '--quiet'])),
    /^option --epochs needs a value, got the option --quiet after it/,
  );
  assert.match(
    usage(() => parse(['c.yaml', '--quiet=yes'])),
    /^option --quiet takes no value, got "yes"/,
  );
  assert.match(
    usage(() => parse(['c.yaml', '--epoch', '3'])),
    /unknown option --epoch.*'--epochs'\?/,
  );
  assert.match(
    usage(() => parse([])),
    /missing <config>/,
  );
  // after --, words are positionals, even negative numbers
  assert.deepEqual(parse(['--epochs', '2', '--', '-1']).positionals, ['-1']);
});

test('--resume takes an optional value: the word after it only when a positional would be left over', () => {
  assert.deepEqual(parse(['c.yaml', '--resume']).values.resume, '');
  assert.deepEqual(parse(['--resume', 'c.yaml']), { values: { resume: '' }, positionals: ['c.yaml'], help: false });
  assert.deepEqual(parse(['--resume', 'runs/x', 'c.yaml']).values, { resume: 'runs/x' });
  assert.deepEqual(parse(['--resume', 'runs/x', 'c.yaml']).positionals, ['c.yaml']);
  assert.deepEqual(parse(['c.yaml', '--resume', 'runs/x', '--quiet']).values, { resume: 'runs/x', quiet: true });
  assert.deepEqual(parse(['c.yaml', '--resume=runs/y']).values, { resume: 'runs/y' });
  assert.equal(parse(['c.yaml']).values.resume, undefined);
  assert.match(
    usage(() => parse(['c.yaml', '--resume', 'a', 'b'])),
    /unexpected argument "b"/,
  );
});
