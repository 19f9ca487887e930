// CharTokenizer: nanoGPT's character vocabulary, round trips, JSON, and errors that name the character.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CharTokenizer } from './char_tokenizer.js';

test('CharTokenizer: vocabulary is the sorted unique characters (nanoGPT shakespeare_char)', () => {
  const tok = CharTokenizer.fromCorpus('First Citizen:\nBefore we proceed');
  assert.deepEqual(tok.chars, ['\n', ' ', ':', 'B', 'C', 'F', 'c', 'd', 'e', 'f', 'i', 'n', 'o', 'p', 'r', 's', 't', 'w', 'z']);
  assert.deepEqual(tok.encode('Fire'), [5, 10, 14, 8]);
  assert.equal(tok.decode(tok.encode('First Citizen:')), 'First Citizen:');
});

test('CharTokenizer: a character is a code point (emoji, CJK, combining marks), sorted by code point', () => {
  const text = 'e\u0301 日本 🎉a';
  const tok = CharTokenizer.fromCorpus(text);
  assert.deepEqual(tok.chars, [' ', 'a', 'e', '\u0301', '日', '本', '🎉']);
  assert.equal(tok.encode(text).length, [...text].length);
  assert.equal(tok.decode(tok.encode(text)), text);
});

test('CharTokenizer: save/load as JSON gives the same ids', () => {
  const tok = CharTokenizer.fromCorpus('to be or not to be');
  const back = CharTokenizer.fromJSON(JSON.stringify(tok));
  assert.deepEqual(back.chars, tok.chars);
  assert.deepEqual(back.encode('not to be'), tok.encode('not to be'));
  assert.throws(() => CharTokenizer.fromJSON({ type: 'bpe', chars: [] } as never), /type "bpe"/);
});

test('CharTokenizer: errors name the unknown character, the bad id and the duplicate', () => {
  const tok = CharTokenizer.fromCorpus('abc');
  assert.throws(() => tok.encode('cab!'), /character "!" \(U\+0021\) at index 3 is not in the vocabulary of 3/);
  assert.throws(() => tok.decode([0, 3]), /ids\[1\] = 3, expected an integer in \[0, 3\)/);
  assert.throws(() => new CharTokenizer(['a', 'a']), /"a" twice/);
  assert.throws(() => new CharTokenizer(['ab']), /chars\[0\] must be one character/);
});
