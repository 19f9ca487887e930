// Tokenizers: characters (nanoGPT's char model) and GPT-2's byte-level BPE (trainable; Hugging Face
// tokenizer.json; GPT-2's vocabulary).

export { type AddedToken, ByteLevelBPE, type ByteLevelBPEOptions, type EncodeOptions, parseMergeLines } from './bpe.js';
export { type TrainBPEOptions, trainByteLevelBPE } from './bpe_train.js';
export { bytesToSymbols, byteToUnicode, GPT2_PATTERN, preTokenize, symbolsToBytes, unicodeToByte } from './byte_level.js';
export { CharTokenizer, type CharTokenizerJSON } from './char_tokenizer.js';
export { fromTokenizerJSON, type TokenizerJSON, toTokenizerJSON } from './tokenizer_json.js';
