import assert from 'node:assert/strict';
import { test } from 'node:test';
import { classificationReport, pyFixed } from './report.js';

test("pyFixed rounds ties half to even on the exact binary value, as Python's format", () => {
  assert.equal(pyFixed(0.125, 2), '0.12'); // exact tie, 2 is even
  assert.equal(pyFixed(0.375, 2), '0.38'); // exact tie, 7 is odd
  assert.equal(pyFixed(0.135, 2), '0.14'); // 0.135 is a little above the tie in binary
  assert.equal(pyFixed(2.5, 0), '2');
  assert.equal(pyFixed(3.5, 0), '4');
  assert.equal(pyFixed(-0.125, 2), '-0.12');
  assert.equal(pyFixed(2 / 3, 2), '0.67');
  assert.equal(pyFixed(1, 4), '1.0000');
});

test('classificationReport: the text of scikit-learn, and the structured rows', () => {
  const r = classificationReport([0, 1, 2, 2, 2], [0, 0, 2, 2, 1], { targetNames: ['a', 'b', 'c'] });
  const expected = [
    '              precision    recall  f1-score   support',
    '',
    '           a       0.50      1.00      0.67         1',
    '           b       0.00      0.00      0.00         1',
    '           c       1.00      0.67      0.80         3',
    '',
    '    accuracy                           0.60         5',
    '   macro avg       0.50      0.56      0.49         5',
    'weighted avg       0.70      0.60      0.61         5',
    '',
  ].join('\n');
  assert.equal(r.text, expected);
  assert.equal(r.accuracy, 0.6);
  assert.equal(r.microAvg, null);
  assert.deepEqual(r.classes[2], { name: 'c', precision: 1, recall: 2 / 3, f1: 0.8, support: 3 });
  assert.equal(r.weightedAvg.support, 5);
});

test('classificationReport: a label subset reports the micro average; errors', () => {
  const r = classificationReport([0, 1, 2, 2], [0, 2, 2, 1], { labels: [2, 0] });
  assert.equal(r.accuracy, null);
  assert.ok(r.microAvg !== null && r.text.includes('   micro avg'));
  assert.deepEqual(
    r.classes.map((c) => c.name),
    ['2', '0'],
  );
  assert.throws(
    () => classificationReport([0, 1], [0, 1], { targetNames: ['a'] }),
    /classificationReport: targetNames has 1 names but there are 2 classes \[0, 1\]/,
  );
  assert.throws(
    () => classificationReport([0, 1], [0, 1], { digits: -1 }),
    /classificationReport: digits must be an integer in \[0, 20\], got -1/,
  );
});
