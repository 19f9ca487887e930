// Character-level tokenizer, as in nanoGPT's shakespeare_char: the vocabulary is the sorted set of
// the corpus's characters (code points), a token is a character's index in it.

/** The JSON form of a {@link CharTokenizer} (`toJSON` / `CharTokenizer.fromJSON`). */
export interface CharTokenizerJSON {
  type: 'char';
  /** The characters, id order. */
  chars: string[];
}

/**
 * Characters to ids and back. Characters are Unicode code points (an emoji is one token).
 *
 * @example
 * const tok = CharTokenizer.fromCorpus('hello');  // vocab ['e', 'h', 'l', 'o']
 * tok.encode('hole') // [1, 3, 2, 0]
 * tok.decode([1, 0]) // 'he'
 */
export class CharTokenizer {
  /** The characters in id order. */
  readonly chars: readonly string[];
  private readonly ids: Map<string, number>;

  /**
   * A tokenizer over `chars` (in id order, no duplicates).
   *
   * @example new CharTokenizer(['a', 'b']).encode('ba') // [1, 0]
   */
  constructor(chars: readonly string[]) {
    this.ids = new Map();
    chars.forEach((c, i) => {
      if (typeof c !== 'string' || [...c].length !== 1)
        throw new Error(`CharTokenizer: chars[${i}] must be one character, received ${JSON.stringify(c)}`);
      if (this.ids.has(c)) throw new Error(`CharTokenizer: chars has ${JSON.stringify(c)} twice (at ${this.ids.get(c)} and ${i})`);
      this.ids.set(c, i);
    });
    this.chars = [...chars];
  }

  /**
   * The vocabulary of `corpus`: its unique characters sorted by code point (nanoGPT's `sorted(set(data))`).
   *
   * @example CharTokenizer.fromCorpus('abca').vocabSize // 3
   */
  static fromCorpus(corpus: string): CharTokenizer {
    const set = new Set(corpus);
    return new CharTokenizer([...set].sort((a, b) => a.codePointAt(0)! - b.codePointAt(0)!));
  }

  /** Number of tokens. @example CharTokenizer.fromCorpus('ab').vocabSize // 2 */
  get vocabSize(): number {
    return this.chars.length;
  }

  /**
   * Ids of `text`'s characters; throws naming the first character not in the vocabulary.
   *
   * @example CharTokenizer.fromCorpus('ab').encode('ba') // [1, 0]
   */
  encode(text: string): number[] {
    const out: number[] = [];
    let pos = 0;
    for (const c of text) {
      const id = this.ids.get(c);
      if (id === undefined)
        throw new Error(
          `CharTokenizer.encode: character ${JSON.stringify(c)} (U+${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}) at index ${pos} is not in the vocabulary of ${this.chars.length} characters`,
        );
      out.push(id);
      pos += c.length;
    }
    return out;
  }

  /**
   * The text of `ids`; throws naming an id outside [0, vocabSize).
   *
   * @example CharTokenizer.fromCorpus('ab').decode([1, 0]) // 'ba'
   */
  decode(ids: Iterable<number>): string {
    let s = '';
    let i = 0;
    for (const id of ids) {
      const c = Number.isInteger(id) ? this.chars[id] : undefined;
      if (c === undefined) throw new Error(`CharTokenizer.decode: ids[${i}] = ${id}, expected an integer in [0, ${this.chars.length})`);
      s += c;
      i++;
    }
    return s;
  }

  /** The JSON form. @example JSON.stringify(tok) // '{"type":"char","chars":[...]}' */
  toJSON(): CharTokenizerJSON {
    return { type: 'char', chars: [...this.chars] };
  }

  /**
   * A tokenizer from its JSON form (an object, or the JSON text).
   *
   * @example CharTokenizer.fromJSON(JSON.stringify(tok))
   */
  static fromJSON(json: CharTokenizerJSON | string): CharTokenizer {
    const obj = typeof json === 'string' ? (JSON.parse(json) as CharTokenizerJSON) : json;
    if (obj?.type !== 'char' || !Array.isArray(obj.chars))
      throw new Error(`CharTokenizer.fromJSON: expected { type: 'char', chars: string[] }, received type ${JSON.stringify(obj?.type)}`);
    return new CharTokenizer(obj.chars);
  }
}
