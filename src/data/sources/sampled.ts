// When DuckDB's sampled type detection already gives the whole-file answer, so `readCsv` can skip
// the whole-file sniff (`sample_size = -1`, single-threaded, about 2.6 s of a 4.7 s read of 1M rows x
// 20 columns). The rule of typing.ts asks for each column's type from the whole file. The sampled
// read lets DuckDB choose only DOUBLE or VARCHAR (auto_type_candidates), from its first SAMPLE_ROWS
// rows, and gives the whole file's types and values when:
//   - no field anywhere is a number written with a leading zero (007): the whole-file sniffer makes
//     such a column text, while a sampled DOUBLE column would take a later 007 as 7 without a word
//     (checked here conservatively: any '0' followed by a digit at a field's start, quoted or not);
//   - the sampled read succeeds: a later value that does not fit DOUBLE (a word) is a conversion
//     error, and the caller then reads the file again with the whole-file sniff, whose errors name
//     the line. (BIGINT is no candidate: DuckDB casts a later 2.5 into a sampled BIGINT column as 3.)
// A VARCHAR column holds the same text either way, and typing.ts then decides it from every value
// (booleans, dates and times included); a DOUBLE column holds the numbers a BIGINT one would, and
// integers beyond 2^53 are refused by the reader as for any DOUBLE column.

/** DuckDB's default `sample_size` for CSV type detection (rows). */
export const SAMPLE_ROWS = 20480;

/** The source types whose sampled reading equals the whole-file one when the sampled read succeeds. */
const SAFE_TYPES = new Set(['DOUBLE', 'VARCHAR']);

/**
 * Whether a field of the CSV text `bytes` may be a number written with a leading zero (`007`,
 * `-01`, `"0123"`): conservative, so a quoted value or a value inside text can answer true too.
 *
 * @example mayHoldZeroPadded(new TextEncoder().encode('zip\n01234\n'), ',') // true
 */
export function mayHoldZeroPadded(bytes: Uint8Array, delimiter: string): boolean {
  const delim = delimiter.length > 0 ? delimiter.charCodeAt(delimiter.length - 1) : -1;
  for (let k = bytes.indexOf(48); k >= 0; k = bytes.indexOf(48, k + 1)) {
    const next = bytes[k + 1];
    if (!(next >= 48 && next <= 57)) continue; // '0' then a digit
    let p = k - 1;
    if (p >= 0 && (bytes[p] === 43 || bytes[p] === 45)) p--; // a sign
    while (p >= 0 && (bytes[p] === 32 || bytes[p] === 9 || bytes[p] === 34 || bytes[p] === 39)) p--; // blanks, quotes
    if (p < 0 || bytes[p] === 10 || bytes[p] === 13 || bytes[p] === delim) return true;
  }
  return false;
}

/**
 * Whether a table read with DuckDB's default sample has the whole-file types (see the header):
 * every column DOUBLE or VARCHAR (a guard: the sampled read offers DuckDB no other type), or no
 * more rows than the sample holds.
 *
 * @example sampledTypesHold({ x: 'DOUBLE', name: 'VARCHAR' }, 1_000_000) // true
 */
export function sampledTypesHold(sourceTypes: Readonly<Record<string, string>>, rows: number): boolean {
  return rows <= SAMPLE_ROWS || Object.values(sourceTypes).every((t) => SAFE_TYPES.has(t));
}
