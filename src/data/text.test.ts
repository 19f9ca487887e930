// Tokenizer: Unicode splitting (words, punctuation, code points), the deterministic vocabulary order,
// special tokens, padded batches, decode round trips and the JSON form.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { tensor } from '../ops/creation.js';
import { Tokenizer } from './text.js';

test('word level: runs of letters/marks/digits are words, other characters tokens of their own', () => {
  const tok = new Tokenizer();
  assert.deepEqual(tok.tokenize('Hi, Zoë!  The x86 is naïve.'), ['hi', ',', 'zoë', '!', 'the', 'x86', 'is', 'naïve', '.']);
  assert.deepEqual(tok.tokenize("don't stop: 3.14"), ['don', "'", 't', 'stop', ':', '3', '.', '14']);
  assert.deepEqual(tok.tokenize('東京へ行く 👍🏽ok'), ['東京へ行く', '👍', '🏽', 'ok']);
  assert.deepEqual(tok.tokenize('Привет, МИР'), ['привет', ',', 'мир']);
  // the same word typed precomposed or with a combining accent is one token
  assert.deepEqual(tok.tokenize('cafe\u0301 caf\u00e9'), ['café', 'café']);
  assert.deepEqual(tok.tokenize(' \t\n'), []);
  assert.deepEqual(new Tokenizer({ lowercase: false }).tokenize('The Cat'), ['The', 'Cat']);
});

test('char level: one token per code point, case kept by default', () => {
  const tok = new Tokenizer({ level: 'char' });
  assert.deepEqual(tok.tokenize('Ab 👍é'), ['A', 'b', ' ', '👍', 'é']);
  assert.deepEqual(tok.tokenize('e\u0301'), ['é']);
  assert.deepEqual(new Tokenizer({ level: 'char', lowercase: true }).tokenize('AB'), ['a', 'b']);
});

test('fit: specials first, then by frequency, ties in code-unit order; maxSize and minFreq', () => {
  const corpus = ['The cat sat.', 'The dog sat!'];
  const tok = new Tokenizer().fit(corpus);
  assert.deepEqual(tok.vocabulary, ['<pad>', '<unk>', 'sat', 'the', '!', '.', 'cat', 'dog']);
  assert.equal(tok.vocabSize, 8);
  assert.deepEqual(new Tokenizer().fit([...corpus].reverse()).vocabulary, tok.vocabulary, 'independent of text order');
  assert.deepEqual(new Tokenizer().fit(corpus, { maxSize: 4 }).vocabulary, ['<pad>', '<unk>', 'sat', 'the']);
  assert.deepEqual(new Tokenizer().fit(corpus, { minFreq: 2 }).vocabulary, ['<pad>', '<unk>', 'sat', 'the']);
  const both = new Tokenizer({ bos: true, eos: true }).fit(corpus, { maxSize: 5 });
  assert.deepEqual(both.vocabulary, ['<pad>', '<unk>', '<bos>', '<eos>', 'sat']);
  assert.deepEqual(new Tokenizer({ eos: true }).fit(['a']).vocabulary, ['<pad>', '<unk>', '<eos>', 'a']);
  // refitting replaces the vocabulary
  assert.deepEqual(tok.fit(['zebra']).vocabulary, ['<pad>', '<unk>', 'zebra']);
});

test('encode: ids with <unk> for unseen tokens, <bos>/<eos> when enabled', () => {
  const tok = new Tokenizer().fit(['The cat sat.', 'The dog sat!']);
  assert.deepEqual(tok.encode('The cat ran.'), [3, 6, 1, 5]);
  assert.deepEqual(tok.encode(''), []);
  assert.equal(tok.tokenToId('dog'), 7);
  assert.equal(tok.tokenToId('emu'), 1);
  assert.equal(tok.idToToken(7), 'dog');
  const se = new Tokenizer({ bos: true, eos: true }).fit(['a b']);
  assert.deepEqual(se.encode('b a c'), [2, 5, 4, 1, 3]);
  assert.equal(se.decode(se.encode('b a c')), 'b a <unk>');
  assert.equal(se.decode(se.encode('b a'), { skipSpecial: false }), '<bos> b a <eos>');
});

test('encodeBatch: an int32 (N, L) tensor, padded and truncated at either end', () => {
  const tok = new Tokenizer().fit(['a b c d']); // a=2 b=3 c=4 d=5
  const post = tok.encodeBatch(['a b c', 'd', '']);
  assert.equal(post.dtype, 'int32');
  assert.deepEqual(post.shape, [3, 3]);
  assert.deepEqual(post.toArray(), [
    [2, 3, 4],
    [5, 0, 0],
    [0, 0, 0],
  ]);
  assert.deepEqual(tok.encodeBatch(['a b c', 'd'], { length: 2, padding: 'pre', truncation: 'pre' }).toArray(), [
    [3, 4],
    [0, 5],
  ]);
  assert.deepEqual(tok.encodeBatch(['a b c', 'd'], { length: 2 }).toArray(), [
    [2, 3],
    [5, 0],
  ]);
  assert.deepEqual(tok.encodeBatch([], { length: 4 }).shape, [0, 4]);
  assert.throws(
    () => tok.encodeBatch(['a b c'], { length: 2, truncation: false }),
    /texts\[0\] has 3 tokens, more than length 2; pass truncation/,
  );
  assert.throws(() => tok.encodeBatch(['a'], { padding: 'left' as never }), /padding must be 'post' or 'pre', got "left"/);
  assert.throws(() => tok.encodeBatch(['a'], { length: -1 }), /length must be a non-negative integer, got -1/);
  assert.throws(() => tok.encodeBatch(['a', 3 as never]), /texts\[1\] must be a string, got number 3/);
});

test('decode: round trips, skipping pads, from arrays or tensors', () => {
  const words = new Tokenizer().fit(['Le café était très bon, merci !']);
  const text = 'Le café était bon !';
  assert.equal(words.decode(words.encode(text)), words.tokenize(text).join(' '));
  assert.equal(words.decode([...words.encode(text), 0, 0]), 'le café était bon !');
  const chars = new Tokenizer({ level: 'char' });
  const sample = 'Grüße, 世界! 👋🏽 e\u0301';
  chars.fit([sample]);
  assert.equal(chars.decode(chars.encode(sample)), sample.normalize('NFC'), 'char level round-trips exactly');
  const batch = chars.encodeBatch([sample, 'G'], { padding: 'pre' });
  assert.equal(chars.decode(batch.toTypedArray().slice(batch.shape[1])), 'G', 'pads are skipped');
  assert.equal(chars.decode(tensor([2, 3], { dtype: 'int32' })), chars.idToToken(2) + chars.idToToken(3));
  assert.throws(() => chars.decode([0, 99]), /ids\[1\] must be an integer in \[0, \d+\) \(the vocabulary size\), got 99/);
  assert.throws(() => chars.decode(batch), /a tensor of ids must be 1-D, got shape \[2, \d+\]/);
});

test('toJSON / fromJSON: same ids after a round trip, malformed JSON rejected', () => {
  const tok = new Tokenizer({ level: 'word', bos: true }).fit(['ünïcödé text', 'more text']);
  const again = Tokenizer.fromJSON(JSON.stringify(tok));
  assert.deepEqual(again.toJSON(), tok.toJSON());
  assert.deepEqual(again.encode('Ünïcödé text here'), tok.encode('Ünïcödé text here'));
  const json = tok.toJSON();
  assert.throws(() => Tokenizer.fromJSON('{'), /Tokenizer.fromJSON: the text is not valid JSON/);
  assert.throws(() => Tokenizer.fromJSON({ ...json, format: 'x' as never }), /format must be 'tessera.tokenizer', got "x"/);
  assert.throws(
    () => Tokenizer.fromJSON({ ...json, version: 2 as never }),
    /version must be 1 \(the only version this tessera reads\), got number 2/,
  );
  assert.throws(
    () => Tokenizer.fromJSON({ ...json, vocabulary: ['<unk>', '<pad>'] }),
    /vocabulary\[0\] must be the special token <pad>, got "<unk>"/,
  );
  assert.throws(() => Tokenizer.fromJSON({ ...json, vocabulary: [...json.vocabulary, 'text'] }), /vocabulary has "text" twice/);
  assert.throws(() => Tokenizer.fromJSON({ ...json, level: 'byte' as never }), /level must be 'char' or 'word', got "byte"/);
  const { lowercase: _, ...noCase } = json;
  assert.throws(() => Tokenizer.fromJSON(noCase as never), /lowercase is missing/);
});

test('argument errors name what to fix', () => {
  assert.throws(() => new Tokenizer().encode('a'), /Tokenizer.encode: the tokenizer has no vocabulary yet; call fit\(texts\) first/);
  assert.throws(() => new Tokenizer({ level: 'sentence' as never }), /level must be 'char' or 'word', got "sentence"/);
  assert.throws(() => new Tokenizer({ bos: 1 as never }), /bos must be a boolean, got 1/);
  assert.throws(() => new Tokenizer().fit('abc' as never), /texts must be an array \(or iterable\) of strings, got "abc"/);
  assert.throws(() => new Tokenizer().fit(['a', null as never]), /texts\[1\] must be a string, got null/);
  assert.throws(
    () => new Tokenizer({ eos: true }).fit(['a'], { maxSize: 2 }),
    /maxSize must be an integer >= 3 \(the special tokens <pad>, <unk>, <eos>\), got 2/,
  );
  assert.throws(() => new Tokenizer().fit(['a'], { minFreq: 0 }), /minFreq must be a positive integer, got 0/);
  assert.throws(() => new Tokenizer().fit(['a']).idToToken(5), /idToToken: id must be an integer in \[0, 3\), got 5/);
});
