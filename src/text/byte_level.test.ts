// GPT-2's byte-to-unicode table and pre-tokenisation regex.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { bytesToSymbols, byteToUnicode, preTokenize, symbolsToBytes, unicodeToByte } from './byte_level.js';

test('byteToUnicode: a bijection onto printable characters, as GPT-2 encoder.py', () => {
  const table = byteToUnicode();
  assert.equal(new Set(table).size, 256);
  assert.equal(table[33], '!');
  assert.equal(table[0], 'Ā'); // U+0100: the first unprintable byte
  assert.equal(table[32], 'Ġ');
  assert.equal(table[10], 'Ċ');
  assert.equal(table[0xad], 'Ń'); // soft hyphen: the last remapped byte
  for (let b = 0; b < 256; b++) assert.equal(unicodeToByte().get(table[b]), b);
  assert.deepEqual([...symbolsToBytes(bytesToSymbols(Uint8Array.from({ length: 256 }, (_, i) => i)))], [...Array(256).keys()]);
  assert.throws(() => symbolsToBytes('a b'), /character ' ' \(U\+0020\) at 1/);
});

test('preTokenize: GPT-2 pieces (contractions, leading spaces, digits, punctuation, trailing whitespace)', () => {
  assert.deepEqual(preTokenize("I'm here,  isn't it? 123abc\n\n"), [
    'I',
    "'m",
    ' here',
    ',',
    ' ',
    ' isn',
    "'t",
    ' it',
    '?',
    ' 123',
    'abc',
    '\n\n',
  ]);
  assert.deepEqual(preTokenize('a   b'), ['a', '  ', ' b']);
  const s = 'x 🎉日本語 e\u0301 ...  \t end ';
  assert.equal(preTokenize(s).join(''), s);
});
