// Encoders: one-hot column names, unknown and missing categories, drop and infrequent groups, inverse
// round trips for string and number columns, ordinal codes, and LabelEncoder on arrays.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { tensor } from '../../ops/creation.js';
import { Table } from '../table.js';
import { LabelEncoder } from './label_encoder.js';
import { OneHotEncoder } from './one_hot_encoder.js';
import { OrdinalEncoder } from './ordinal_encoder.js';

const cities = () => Table.fromColumns({ city: ['Oslo', 'Rome', null, 'Oslo', 'Lima'], n: [1, 2, 2, 3, null], y: [0, 1, 0, 1, 1] });

test('OneHotEncoder names columns col=value in place, missing as its own category col=null', () => {
  const enc = new OneHotEncoder({ columns: ['city', 'n'] });
  const out = enc.fitTransform(cities());
  const names = ['city=Lima', 'city=Oslo', 'city=Rome', 'city=null', 'n=1', 'n=2', 'n=3', 'n=null'];
  assert.deepEqual(enc.getFeatureNamesOut(), names);
  assert.deepEqual(out.columnNames, [...names, 'y']);
  assert.deepEqual([...out.numbers('city=Oslo')], [1, 0, 0, 1, 0]);
  assert.deepEqual([...out.numbers('city=null')], [0, 0, 1, 0, 0]);
  const back = enc.inverseTransform(out);
  assert.deepEqual(back.columnNames, ['city', 'n', 'y']);
  assert.deepEqual(back.strings('city'), ['Oslo', 'Rome', null, 'Oslo', 'Lima']);
  assert.equal(back.column('n').kind, 'number');
  assert.deepEqual([...back.numbers('n')], [1, 2, 2, 3, Number.NaN]);
});

test('OneHotEncoder unknown categories: a clear error, all zeros, or the infrequent column', () => {
  const fit = Table.fromColumns({ city: ['Oslo', 'Rome', 'Oslo', 'Lima', 'Oslo', 'Rome'] });
  const serve = Table.fromColumns({ city: ['Rome', 'Paris'] });
  assert.throws(
    () => new OneHotEncoder().fit(fit).transform(serve),
    /OneHotEncoder: column 'city' has the unknown category 'Paris' at row 1; known categories: 'Lima', 'Oslo', 'Rome'. Pass handleUnknown: 'ignore'/,
  );
  const ignore = new OneHotEncoder({ handleUnknown: 'ignore' }).fit(fit).transform(serve);
  assert.deepEqual([...ignore.numbers('city=Rome')], [1, 0]);
  assert.deepEqual([...ignore.numbers('city=Oslo')], [0, 0]);
  const inf = new OneHotEncoder({ handleUnknown: 'infrequent', minFrequency: 2 }).fit(fit);
  assert.deepEqual(inf.getFeatureNamesOut(), ['city=Oslo', 'city=Rome', 'city=<infrequent>']);
  assert.deepEqual(inf.infrequentCategories, [['Lima']]);
  assert.deepEqual([...inf.transform(serve).numbers('city=<infrequent>')], [0, 1]);
  // inverse of the infrequent group is missing: it stands for several categories
  assert.deepEqual(inf.inverseTransform(inf.transform(serve)).strings('city'), ['Rome', null]);
});

test('OneHotEncoder drop first / ifBinary invert through the dropped category', () => {
  const t = Table.fromColumns({ b: ['no', 'yes', 'no'], c: ['x', 'y', 'z'] });
  const enc = new OneHotEncoder({ drop: 'ifBinary' }).fit(t);
  assert.deepEqual(enc.getFeatureNamesOut(), ['b=yes', 'c=x', 'c=y', 'c=z']);
  assert.deepEqual(enc.inverseTransform(enc.transform(t)).strings('b'), ['no', 'yes', 'no']);
  const first = new OneHotEncoder({ drop: 'first' }).fit(t);
  assert.deepEqual(first.getFeatureNamesOut(), ['b=yes', 'c=y', 'c=z']);
  assert.deepEqual(first.inverseTransform(first.transform(t)).strings('c'), ['x', 'y', 'z']);
});

test('OneHotEncoder options and missing values', () => {
  assert.throws(
    () => new OneHotEncoder({ handleMissing: 'error' }).fit(cities().select(['city'])),
    /OneHotEncoder.fit: column 'city' is missing a value at row 2; impute it first \(SimpleImputer\) or set handleMissing: 'category'/,
  );
  const enc = new OneHotEncoder({ categories: { city: ['Rome', 'Oslo'] }, handleUnknown: 'ignore' }).fit(cities().select(['city']));
  assert.deepEqual(enc.getFeatureNamesOut(), ['city=Rome', 'city=Oslo']);
  assert.throws(
    () => new OneHotEncoder({ categories: { city: ['Rome'] } }).fit(cities().select(['city'])),
    /column 'city' holds 'Oslo' at row 0, which is not among the given categories \('Rome'\)/,
  );
  assert.throws(
    () => new OneHotEncoder({ categories: { town: ['a'] } }).fit(cities()),
    /categories are given for column 'town', which is not among the columns fitted/,
  );
  assert.throws(
    () => new OneHotEncoder({ handleUnknown: 'skip' as never }),
    /handleUnknown must be one of "error", "ignore", "infrequent", got "skip"/,
  );
  assert.throws(() => new OneHotEncoder({ minFrequency: 1.5 }), /minFrequency must be a count \(integer >= 1\) or a fraction in \(0, 1\)/);
  assert.throws(() => new OneHotEncoder({ maxCategories: 1 }), /maxCategories must be an integer >= 2/);
  assert.throws(
    () => new OneHotEncoder().fit(Table.fromColumns({ t: [new Date(0)] })),
    /column 't' is a timestamp column; OneHotEncoder encodes number and string columns/,
  );
  const strict = new OneHotEncoder().fit(Table.fromColumns({ c: ['a', 'b'] }));
  assert.throws(() => strict.inverseTransform(Table.fromColumns({ 'c=a': [0], 'c=b': [0] })), /row 0 of column 'c' is all zeros/);
  assert.throws(() => strict.inverseTransform(Table.fromColumns({ 'c=a': [0] })), /the table has no column 'c=b'/);
});

test('OrdinalEncoder codes, unknown and missing values, and its inverse', () => {
  const enc = new OrdinalEncoder({ columns: ['city'], handleUnknown: 'useEncodedValue', unknownValue: -1 });
  const out = enc.fitTransform(cities());
  assert.deepEqual(enc.categories, [['Lima', 'Oslo', 'Rome', null]]);
  assert.deepEqual([...out.numbers('city')], [1, 2, Number.NaN, 1, 0]);
  assert.deepEqual([...enc.transform(Table.fromColumns({ city: ['Rome', 'Paris'] })).numbers('city')], [2, -1]);
  assert.deepEqual(enc.inverseTransform(out).strings('city'), ['Oslo', 'Rome', null, 'Oslo', 'Lima']);
  const strict = new OrdinalEncoder().fit(Table.fromColumns({ size: ['S', 'M'] }));
  assert.throws(
    () => strict.transform(Table.fromColumns({ size: ['XL'] })),
    /column 'size' has the unknown category 'XL' at row 0; known categories: 'M', 'S'/,
  );
  assert.throws(() => strict.transform(Table.fromColumns({ size: [null, 'S'] })), /unknown category null at row 0/);
  assert.throws(() => strict.inverseTransform(Table.fromColumns({ size: [0.5] })), /holds 0.5 at row 0, which is not a code \(0..1\)/);
  assert.throws(() => new OrdinalEncoder({ handleUnknown: 'useEncodedValue' }), /unknownValue must be an integer or NaN/);
  assert.throws(() => new OrdinalEncoder({ unknownValue: -1 }), /unknownValue is only used with handleUnknown: 'useEncodedValue'/);
  assert.throws(
    () => new OrdinalEncoder({ handleUnknown: 'useEncodedValue', unknownValue: 1 }).fit(Table.fromColumns({ s: ['a', 'b'] })),
    /unknownValue 1 is the code of category 'b' of column 's'; pick a negative value or NaN/,
  );
});

test('LabelEncoder encodes targets given as arrays, columns or typed arrays', () => {
  const le = new LabelEncoder();
  assert.throws(() => le.transform(['a']), /LabelEncoder: call fit before transform/);
  assert.deepEqual([...le.fitTransform(['dog', 'cat', 'dog'])], [1, 0, 1]);
  assert.equal(le.numClasses, 2);
  assert.deepEqual(le.inverseTransform(tensor([1, 0], { dtype: 'int32' })), ['dog', 'cat']);
  assert.deepEqual([...new LabelEncoder().fitTransform(Table.fromColumns({ y: [5, 1, 5] }).column('y'))], [1, 0, 1]);
  assert.deepEqual([...new LabelEncoder().fitTransform(new Int32Array([7, 3]))], [1, 0]);
  assert.throws(() => le.transform(['cow']), /label "cow" at position 0 was not seen by fit; known labels: "cat", "dog"/);
  assert.throws(() => le.fit(['a', null]), /the label at position 1 is missing; drop the rows without a target first/);
  assert.throws(() => le.fit(['a', 1] as never), /labels mix strings and numbers \(position 1 is 1\)/);
  assert.throws(() => le.fit([]), /no labels \(an empty array\)/);
  assert.throws(() => le.inverseTransform([2]), /code 2 at position 0 is not a class index \(0..1\)/);
  assert.throws(
    () => LabelEncoder.fromJSON({ type: 'LabelEncoder', config: {}, state: { classes: ['a', 'a'] } }),
    /must be distinct strings or distinct finite numbers/,
  );
});
