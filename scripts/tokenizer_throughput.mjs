// GPT-2 encode throughput, tessera's ByteLevelBPE against js-tiktoken, on the Shakespeare corpus.
// Run: npx tsc -p tsconfig.json && node scripts/tokenizer_throughput.mjs [path/to/input.txt]
// Each run encodes the whole corpus; tessera 'cold' starts from an empty per-pre-token cache (a
// fresh tokenizer each run), 'warm' reuses one tokenizer. Median of 5 runs after one warm-up.

import { readFileSync } from 'node:fs';
import { getEncoding } from 'js-tiktoken';
import gpt2Ranks from 'js-tiktoken/ranks/gpt2';
import { ByteLevelBPE } from '../dist/src/text/index.js';

const path = process.argv[2] ?? new URL('../../shared/data/tinyshakespeare/input.txt', import.meta.url);
const text = readFileSync(path, 'utf8');
const mb = Buffer.byteLength(text) / 1e6;
const ranks = [];
for (const line of gpt2Ranks.bpe_ranks.split('\n')) {
  if (line === '') continue;
  const [, offset, ...tokens] = line.split(' ');
  tokens.forEach((b64, i) => {
    ranks.push([new Uint8Array(Buffer.from(b64, 'base64')), Number(offset) + i]);
  });
}
const t0 = performance.now();
const warm = ByteLevelBPE.fromRanks(ranks, gpt2Ranks.special_tokens);
const buildMs = performance.now() - t0;
const oracle = getEncoding('gpt2');

function median(f) {
  f();
  const times = [];
  for (let i = 0; i < 5; i++) {
    const start = performance.now();
    f();
    times.push(performance.now() - start);
  }
  return times.sort((a, b) => a - b)[2];
}
const fresh = () => new ByteLevelBPE({ vocab: warm.tokenToId, merges: warm.merges, addedTokens: warm.addedTokens });
const pool = Array.from({ length: 6 }, fresh); // built before timing
let next = 0;
const cold = median(() => pool[next++].encode(text));
const cached = median(() => warm.encode(text));
const tiktoken = median(() => oracle.encode(text));
const decode = median(() => warm.decode(oracle.encode(text)));
const row = (name, ms) =>
  console.log(`${name.padEnd(34)} ${ms.toFixed(0).padStart(6)} ms  ${(mb / (ms / 1000)).toFixed(2).padStart(6)} MB/s`);
console.log(`corpus ${mb.toFixed(2)} MB; GPT-2 merges recovered from ranks in ${buildMs.toFixed(0)} ms; node ${process.version}`);
row('tessera encode (cold cache)', cold);
row('tessera encode (warm cache)', cached);
row('js-tiktoken encode', tiktoken);
row('js-tiktoken encode + tessera decode', decode);
