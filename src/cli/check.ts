// Validation primitives for configs: each check names the field path and says what it expected and
// what it got (`config.optimizer.lr: expected a positive number, got "fast"`). A Checker collects
// every problem instead of stopping at the first, so one run shows them all.

/** A value as it appears after "got": strings quoted, arrays and objects abbreviated. */
export function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) {
    const json = JSON.stringify(value) ?? '[...]';
    return `an array ${json.length > 40 ? `${json.slice(0, 37)}...` : json}`;
  }
  if (typeof value === 'object') {
    const keys = Object.keys(value as object);
    return keys.length === 0 ? 'an empty object' : `an object with keys ${keys.slice(0, 5).join(', ')}${keys.length > 5 ? ', ...' : ''}`;
  }
  return typeof value;
}

/** Edit distance between two strings: insertions, deletions, substitutions and swaps of neighbours. */
export function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [i]);
  for (let j = 1; j <= b.length; j++) d[0][j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[a.length][b.length];
}

/**
 * The candidate closest to `word` (case-insensitive), if close enough to be a likely typo.
 * @example didYouMean('learningrate', ['lr', 'learningRate']) // 'learningRate'
 */
export function didYouMean(word: string, candidates: readonly string[]): string | undefined {
  const w = word.toLowerCase();
  let best: string | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const c of candidates) {
    const d = editDistance(w, c.toLowerCase());
    if (d < bestDistance) [best, bestDistance] = [c, d];
  }
  return best !== undefined && bestDistance <= Math.max(1, Math.floor(word.length / 3)) ? best : undefined;
}

/** " (did you mean 'x'?)" or "". */
export function suggestion(word: string, candidates: readonly string[]): string {
  const s = didYouMean(word, candidates);
  return s === undefined ? '' : `; did you mean '${s}'?`;
}

/** Bounds of a numeric field. */
export interface NumberSpec {
  /** Require an integer. Default false. */
  integer?: boolean;
  /** Lower bound, inclusive unless minExclusive. Default none. */
  min?: number;
  minExclusive?: boolean;
  /** Upper bound, inclusive unless maxExclusive. Default none. */
  max?: number;
  maxExclusive?: boolean;
}

/** "a positive number", "an integer >= 1", "a number in [0, 1)", ... */
export function expectedNumber(spec: NumberSpec): string {
  const kind = spec.integer ? 'integer' : 'number';
  const { min, max } = spec;
  if (min === 0 && max === undefined) return spec.minExclusive ? `a positive ${kind}` : `a non-negative ${kind}`;
  if (min === 1 && max === undefined && spec.integer) return 'a positive integer';
  if (min !== undefined && max !== undefined) {
    return `${kind === 'integer' ? 'an' : 'a'} ${kind} in ${spec.minExclusive ? '(' : '['}${min}, ${max}${spec.maxExclusive ? ')' : ']'}`;
  }
  const a = kind === 'integer' ? 'an' : 'a';
  if (min !== undefined) return `${a} ${kind} ${spec.minExclusive ? '>' : '>='} ${min}`;
  if (max !== undefined) return `${a} ${kind} ${spec.maxExclusive ? '<' : '<='} ${max}`;
  return kind === 'integer' ? 'an integer' : 'a finite number';
}

/** Collects problems; every check returns the value when valid and undefined otherwise. */
export class Checker {
  readonly problems: string[] = [];

  /** Records a problem at `path`; returns undefined so checks can `return c.fail(...)`. */
  fail(path: string, problem: string): undefined {
    this.problems.push(`${path}: ${problem}`);
    return undefined;
  }

  get ok(): boolean {
    return this.problems.length === 0;
  }

  /** "missing" when `required`, else undefined (the caller applies its default). */
  private absent(path: string, required: string | undefined): undefined {
    return required === undefined ? undefined : this.fail(path, `missing; expected ${required}`);
  }

  /** A plain object whose keys are all in `allowed` (others reported with a suggestion; null allows any). */
  object(path: string, value: unknown, allowed: readonly string[] | null, required?: string): Record<string, unknown> | undefined {
    if (value === undefined) return this.absent(path, required);
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      return this.fail(path, `expected ${required ?? 'an object'}, got ${describe(value)}`);
    }
    const obj = value as Record<string, unknown>;
    if (allowed === null) return obj;
    for (const key of Object.keys(obj)) {
      if (!allowed.includes(key)) this.fail(`${path}.${key}`, `unknown key${suggestion(key, allowed)} (allowed: ${allowed.join(', ')})`);
    }
    return obj;
  }

  number(path: string, value: unknown, spec: NumberSpec, required?: boolean): number | undefined {
    const expected = expectedNumber(spec);
    if (value === undefined) return this.absent(path, required ? expected : undefined);
    const n = value as number;
    const bad =
      typeof value !== 'number' ||
      !Number.isFinite(n) ||
      (spec.integer && !Number.isInteger(n)) ||
      (spec.min !== undefined && (spec.minExclusive ? n <= spec.min : n < spec.min)) ||
      (spec.max !== undefined && (spec.maxExclusive ? n >= spec.max : n > spec.max));
    return bad ? this.fail(path, `expected ${expected}, got ${describe(value)}`) : n;
  }

  boolean(path: string, value: unknown): boolean | undefined {
    if (value === undefined) return undefined;
    return typeof value === 'boolean' ? value : this.fail(path, `expected true or false, got ${describe(value)}`);
  }

  string(path: string, value: unknown, required?: string): string | undefined {
    if (value === undefined) return this.absent(path, required);
    return typeof value === 'string' && value !== ''
      ? value
      : this.fail(path, `expected ${required ?? 'a non-empty string'}, got ${describe(value)}`);
  }

  /** One of `choices`, matched case-insensitively; returns the canonical spelling. */
  choice<T extends string>(path: string, value: unknown, choices: readonly T[], required?: boolean): T | undefined {
    const list = choices.join(', ');
    if (value === undefined) return this.absent(path, required ? `one of ${list}` : undefined);
    const hit = typeof value === 'string' ? choices.find((c) => c.toLowerCase() === value.toLowerCase()) : undefined;
    if (hit !== undefined) return hit;
    const hint = typeof value === 'string' ? suggestion(value, choices) : '';
    return this.fail(path, `expected one of ${list}, got ${describe(value)}${hint}`);
  }

  /** An array whose items each pass `item` (problems are reported per index). */
  array<T>(path: string, value: unknown, item: (path: string, v: unknown) => T | undefined, expected: string): T[] | undefined {
    if (value === undefined) return undefined;
    if (!Array.isArray(value)) return this.fail(path, `expected ${expected}, got ${describe(value)}`);
    const before = this.problems.length;
    const out = value.map((v, i) => item(`${path}[${i}]`, v));
    return this.problems.length === before ? (out as T[]) : undefined;
  }
}

/**
 * Rewrites a library error such as `Adam: eps must be a number >= 0, got -1` as a problem at the
 * field it names (`config.optimizer.eps: expected a number >= 0, got -1`); other messages are kept
 * whole, after `at`. `given` is the config object, to spot a misspelt key when an argument is missing.
 */
export function rewriteArgError(at: string, message: string, given: Record<string, unknown> = {}): string {
  const arg = /^[\w.]+: (\w+) must be (.+), got (.+)$/s.exec(message);
  if (arg === null) return `${at}: ${message}`;
  const [, name, expected, got] = arg;
  if (got !== 'undefined') return `${at}.${name}: expected ${expected}, got ${got}`;
  const typo = didYouMean(name, Object.keys(given));
  return `${at}.${name}: missing; expected ${expected}${typo === undefined ? '' : ` (the config has '${typo}'; did you mean '${name}'?)`}`;
}
