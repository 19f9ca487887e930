// Hugging Face tokenizer.json: a hand-written file in the library's layout loads with the ids worked
// out by hand from its merge ranks; train -> save -> load keeps the ids; unsupported parts are refused.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { trainByteLevelBPE } from './bpe_train.js';
import { fromTokenizerJSON, toTokenizerJSON } from './tokenizer_json.js';

const fixture = new URL('../../../test/fixtures/tokenizers/hand_bytelevel.json', import.meta.url); // dist/src/text -> repo
const handJSON = readFileSync(fixture, 'utf8');

test('tokenizer.json: a hand-written Hugging Face file loads and encodes by merge rank', () => {
  const tok = fromTokenizerJSON(handJSON);
  assert.deepEqual(tok.encode('hello world!<|endoftext|>hello'), [12, 17, 0, 19, 12]);
  assert.deepEqual(tok.encode('wool'), [18, 5, 4]); // 'w o' merges
  assert.deepEqual(tok.encode(' wool'), [13, 5, 5, 4]); // 'Ġ w' (rank 4) before 'w o' (rank 9)
  assert.deepEqual(tok.encode('hold'), [3, 5, 4, 1]);
  assert.deepEqual(tok.encode('wor'), [7, 14]); // 'o r' (rank 5) before the leftmost 'w o' (rank 9)
  assert.throws(() => tok.encode('<|endoftext|>', { addedTokens: false }), /byte 0x3c \('<'\)/); // plain text now
  assert.equal(tok.decode([12, 17, 0, 19]), 'hello world!<|endoftext|>');
  assert.equal(tok.decode([12, 19, 17], { skipSpecial: true }), 'hello world');
  assert.throws(() => tok.encode('hex'), /byte 0x78 \('x'\) of "hex" has no token/);
});

test('tokenizer.json: [a, b] pair merges (tokenizers >= 0.20) and add_prefix_space', () => {
  const obj = JSON.parse(handJSON);
  obj.model.merges = obj.model.merges.map((m: string) => m.split(' '));
  obj.pre_tokenizer.add_prefix_space = true;
  const tok = fromTokenizerJSON(obj);
  assert.deepEqual(tok.encode('hello world'), [8, 12, 17]); // ' hello': no 'Ġ h' merge
  assert.deepEqual(tok.encode(' world'), [17]); // already starts with whitespace
});

test('tokenizer.json: refuses what would change the ids, naming it', () => {
  // biome-ignore lint/suspicious/noExplicitAny: editing parsed JSON
  const with_ = (edit: (o: any) => void) => {
    const o = JSON.parse(handJSON);
    edit(o);
    return () => fromTokenizerJSON(o);
  };
  assert.throws(
    with_((o) => (o.model.type = 'WordPiece')),
    /model.type must be "BPE", received "WordPiece"/,
  );
  assert.throws(
    with_((o) => (o.normalizer = { type: 'NFC' })),
    /normalizer "NFC" is not supported/,
  );
  assert.throws(
    with_((o) => (o.pre_tokenizer = { type: 'Split' })),
    /pre_tokenizer must be ByteLevel .* received "Split"/,
  );
  assert.throws(
    with_((o) => (o.model.dropout = 0.1)),
    /model.dropout must be null, received 0.1/,
  );
  assert.throws(
    with_((o) => (o.model.merges[1] = 'l l l')),
    /merges\[1\] = "l l l"/,
  );
  assert.throws(
    with_((o) => o.model.merges.push('x y')),
    /merges\[10\] = \["x", "y"\] needs token "x"/,
  );
});

test('tokenizer.json: train -> save -> load encodes to the same ids (both merge forms)', () => {
  const corpus = readFileSync(new URL('../../../README.md', import.meta.url), 'utf8');
  const tok = trainByteLevelBPE(corpus, 600, { specialTokens: ['<|endoftext|>', '<pad>'] });
  assert.equal(tok.vocabSize, 600);
  const probe = `${corpus.slice(0, 5000)}<|endoftext|> Ünïcødé 🎉 日本語 <pad>`;
  const ids = tok.encode(probe);
  assert.ok(ids.length < new TextEncoder().encode(probe).length / 2, `trained merges compress: ${ids.length} tokens`);
  for (const merges of ['pairs', 'strings'] as const) {
    const saved = JSON.stringify(toTokenizerJSON(tok, { merges }));
    const back = fromTokenizerJSON(saved);
    assert.deepEqual(back.encode(probe), ids, merges);
    assert.equal(back.decode(ids), probe);
    assert.equal(JSON.stringify(toTokenizerJSON(back, { merges })), saved);
  }
  const json = toTokenizerJSON(tok);
  assert.equal(json.model.vocab['<|endoftext|>'], 0);
  assert.deepEqual(json.added_tokens[1], {
    id: 1,
    content: '<pad>',
    single_word: false,
    lstrip: false,
    rstrip: false,
    normalized: false,
    special: true,
  });
});
