// Charts: each chart renders to a well-formed SVG holding its titles, labels and values, to a PNG of
// plausible size, and is written atomically by extension; bad inputs fail with errors that name them.

import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { History } from '../../train/callbacks/history.js';
import { confusionMatrixChart } from './confusion_matrix.js';
import { prChart, rocChart } from './curves.js';
import { type Chart, writeChart } from './render.js';
import { trainingCurvesChart } from './training_curves.js';

/** Checks that `svg` is one balanced `<svg>...</svg>` element and returns the text of its text nodes. */
function svgTexts(svg: string): string[] {
  assert.match(svg, /^<svg[\s>]/, 'starts with <svg');
  assert.match(svg, /<\/svg>\s*$/, 'ends with </svg>');
  const stack: string[] = [];
  const texts: string[] = [];
  const tag = /<(\/?)([a-zA-Z][\w:-]*)((?:[^>"']|"[^"]*"|'[^']*')*?)(\/?)>|([^<]+)/g;
  for (const m of svg.matchAll(tag)) {
    if (m[5] !== undefined) {
      if (m[5].trim() !== '') texts.push(unescape(m[5]));
      assert.ok(stack.length > 0, 'text outside the root element');
    } else if (m[1] === '/') assert.equal(stack.pop(), m[2], `closing </${m[2]}> matches its opening tag`);
    else if (m[4] !== '/') stack.push(m[2]);
    else assert.ok(stack.length > 0, 'element outside the root');
  }
  assert.equal(stack.length, 0, 'every element is closed');
  assert.equal(svg.replace(tag, '').trim(), '', 'nothing but tags and text');
  return texts;
}

function unescape(s: string): string {
  return s
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&');
}

/** Width and height from a PNG's IHDR chunk, after checking the signature. */
function pngSize(png: Uint8Array): { width: number; height: number } {
  assert.deepEqual([...png.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], 'PNG signature');
  assert.equal(new TextDecoder().decode(png.subarray(12, 16)), 'IHDR');
  const view = new DataView(png.buffer, png.byteOffset, png.byteLength);
  return { width: view.getUint32(16), height: view.getUint32(20) };
}

function svgSize(svg: string): { width: number; height: number } {
  const m = /^<svg[^>]*\swidth="(\d+(?:\.\d+)?)"[^>]*\sheight="(\d+(?:\.\d+)?)"/.exec(svg);
  assert.ok(m, 'svg has width and height');
  return { width: Number(m[1]), height: Number(m[2]) };
}

test('confusionMatrixChart: axis titles, class labels and every cell value in the SVG', async () => {
  const matrix = [
    [50, 2, 1],
    [5, 43, 3],
    [0, 7, 60],
  ];
  const texts = svgTexts(await confusionMatrixChart(matrix, { labels: ['cat', 'dog', 'bird'] }).toSVG());
  for (const t of ['Predicted', 'True', 'cat', 'dog', 'bird', 'Confusion matrix', 'Count']) assert.ok(texts.includes(t), `has "${t}"`);
  for (const v of matrix.flat()) assert.ok(texts.includes(String(v)), `has cell value ${v}`);

  const normalized = svgTexts(await confusionMatrixChart(matrix, { normalize: true, title: 'Fashion' }).toSVG());
  for (const t of ['Fashion', '0', '1', '2', '50', '94.3%', '3.8%', '84.3%', '89.6%', '0.0%'])
    assert.ok(normalized.includes(t), `has "${t}"`);
  const byColumn = svgTexts(await confusionMatrixChart(matrix, { normalize: 'pred' }).toSVG());
  assert.ok(byColumn.includes(`${((100 * 50) / 55).toFixed(1)}%`));
  const spec = confusionMatrixChart(matrix, { normalize: 'all' }).spec as { data: { values: { value: number }[] } };
  assert.ok(Math.abs(spec.data.values.reduce((a, v) => a + v.value, 0) - 1) < 1e-12, "'all' fractions sum to 1");
});

test('confusionMatrixChart: ragged, non-square, negative or NaN matrices and bad labels are rejected', () => {
  assert.throws(() => confusionMatrixChart([[1, 2], [3]]), /confusionMatrixChart: matrix must be square \(2 x 2.*row 1 has 1 values/);
  assert.throws(() => confusionMatrixChart([[1, 2, 3]]), /must be square \(1 x 1/);
  assert.throws(() => confusionMatrixChart([]), /matrix must be a non-empty square array/);
  assert.throws(
    () =>
      confusionMatrixChart([
        [1, Number.NaN],
        [0, 1],
      ]),
    /matrix\[0\]\[1\] must be a finite count >= 0, got NaN/,
  );
  assert.throws(
    () =>
      confusionMatrixChart([
        [1, -1],
        [0, 1],
      ]),
    /matrix\[0\]\[1\] must be a finite count >= 0, got -1/,
  );
  assert.throws(
    () =>
      confusionMatrixChart(
        [
          [1, 0],
          [0, 1],
        ],
        { labels: ['a'] },
      ),
    /options.labels must be an array of 2 class names/,
  );
  assert.throws(
    () =>
      confusionMatrixChart(
        [
          [1, 0],
          [0, 1],
        ],
        { labels: ['a', 'a'] },
      ),
    /labels must be distinct, but "a" appears twice/,
  );
  assert.throws(
    () => confusionMatrixChart([[1]], { normalize: 'rows' as never }),
    /options.normalize must be true, false, 'true', 'pred' or 'all', got "rows"/,
  );
});

test('rocChart: axis titles, the chance diagonal and the AUC (given or computed) in the legend', async () => {
  const chart = rocChart([
    { fpr: [0, 0, 0.5, 1], tpr: [0, 0.5, 1, 1], label: 'mlp' },
    { fpr: new Float32Array([0, 0.25, 1]), tpr: new Float32Array([0, 0.5, 1]), label: 'linear', auc: 0.6251 },
  ]);
  const texts = svgTexts(await chart.toSVG());
  for (const t of ['False positive rate', 'True positive rate', 'ROC curve', 'mlp (AUC = 0.875)', 'linear (AUC = 0.625)']) {
    assert.ok(texts.includes(t), `has "${t}"`);
  }
  const layers = chart.spec.layer as { mark: { strokeDash?: number[] }; data: { values: unknown[] } }[];
  assert.deepEqual(layers[0].data.values, [
    { fpr: 0, tpr: 0 },
    { fpr: 1, tpr: 1 },
  ]);
  assert.ok(layers[0].mark.strokeDash, 'the diagonal is dashed');
  const single = svgTexts(await rocChart([{ fpr: [0, 1], tpr: [0, 1] }]).toSVG());
  assert.ok(single.includes('AUC = 0.5'));
});

test('rocChart and prChart: mismatched lengths, NaN, out-of-range rates and bad areas are rejected', () => {
  assert.throws(
    () => rocChart([{ fpr: [0, 0.5, 1], tpr: [0, 1] }]),
    /rocChart: curves\[0\].fpr and .tpr must have the same length, got 3 and 2/,
  );
  assert.throws(
    () => rocChart([{ fpr: [0, Number.NaN], tpr: [0, 1] }]),
    /rocChart: curves\[0\].fpr\[1\] must be a number in \[0, 1\], got NaN/,
  );
  assert.throws(() => rocChart([{ fpr: [0, 1], tpr: [0, 1.5] }]), /curves\[0\].tpr\[1\] must be a number in \[0, 1\], got 1.5/);
  assert.throws(() => rocChart([]), /rocChart: curves must be a non-empty array of \{ fpr, tpr, label\? \}/);
  assert.throws(() => rocChart([{ fpr: [], tpr: [] }]), /curves\[0\].fpr must hold at least 1 value, got 0/);
  assert.throws(() => rocChart([{ fpr: [0, 1], tpr: [0, 1], auc: 2 }]), /curves\[0\].auc must be a number in \[0, 1\], got number 2/);
  assert.throws(() => rocChart([{ fpr: [0, 1], tpr: [0, 1], label: 3 as never }]), /curves\[0\].label must be a string/);
  assert.throws(
    () => prChart([{ recall: [1, 0], precision: [0.5] }]),
    /prChart: curves\[0\].recall and .precision must have the same length, got 2 and 1/,
  );
  assert.throws(
    () => prChart([{ recall: [1, 0], precision: [0.5, 1] }], { baseline: -0.1 }),
    /options.baseline must be the positive rate, a number in \[0, 1\]/,
  );
});

test('prChart: axis titles, the baseline and the average precision (given or computed) in the legend', async () => {
  const chart = prChart(
    [
      { recall: [1, 0.5, 0], precision: [0.5, 1, 1], label: 'mlp' },
      { recall: [0, 0.5, 1], precision: [1, 0.8, 0.5], label: 'linear', ap: 0.7 },
    ],
    { baseline: 0.5 },
  );
  const texts = svgTexts(await chart.toSVG());
  for (const t of ['Recall', 'Precision', 'Precision-recall curve', 'mlp (AP = 0.75)', 'linear (AP = 0.7)', 'positive rate 0.5']) {
    assert.ok(texts.includes(t), `has "${t}"`);
  }
  // the computed AP does not depend on the direction the curve is given in
  const reversed = svgTexts(await prChart([{ recall: [0, 0.5, 1], precision: [1, 1, 0.5] }], { title: '' }).toSVG());
  assert.ok(reversed.includes('AP = 0.75'));
  assert.ok(!reversed.includes('Precision-recall curve'), "title '' draws no title");
});

test('rocChart: a curve of a million points is downsampled to a small SVG, keeping its ends', async () => {
  const n = 1_000_001;
  const fpr = new Float64Array(n);
  const tpr = new Float64Array(n);
  for (let i = 1; i < n; i++) {
    // a staircase: alternately right and up, around the curve tpr = sqrt(fpr)
    const f = i / (n - 1);
    fpr[i] = i % 2 === 0 ? f : fpr[i - 1];
    tpr[i] = Math.sqrt(f);
  }
  const chart = rocChart([{ fpr, tpr, label: 'big' }]);
  const values = (chart.spec.layer as { data: { values: { fpr: number; tpr: number }[] } }[])[1].data.values;
  assert.ok(values.length <= 2000, `${values.length} points kept`);
  assert.deepEqual([values[0].fpr, values[0].tpr], [0, 0]);
  assert.deepEqual([values.at(-1)!.fpr, values.at(-1)!.tpr], [fpr[n - 1], 1]);
  const svg = await chart.toSVG();
  assert.ok(svg.length < 200_000, `SVG of ${svg.length} bytes`);
  assert.ok(svgTexts(svg).includes('big (AUC = 0.667)'), 'the AUC is computed from every point, before downsampling');
});

test('trainingCurvesChart: one panel per family from a History, a record or a list of logs', async () => {
  const record = {
    epoch: [0, 1, 2],
    loss: [1, 0.6, 0.4],
    val_loss: [1.1, 0.7, 0.6],
    accuracy: [0.5, 0.7, 0.8],
    val_accuracy: [0.4, 0.6, 0.7],
  };
  const texts = svgTexts(await trainingCurvesChart(record).toSVG());
  for (const t of ['loss', 'accuracy', 'train', 'validation', 'Epoch']) assert.ok(texts.includes(t), `has "${t}"`);
  const facet = (c: Chart) => (c.spec.facet as { sort: string[] }).sort;
  assert.deepEqual(facet(trainingCurvesChart(record)), ['loss', 'accuracy']);
  const { epoch, ...history } = record;
  assert.deepEqual(
    trainingCurvesChart({ history, epoch }).spec.data,
    trainingCurvesChart(record).spec.data,
    'a History gives the same chart',
  );
  const logs = [
    { loss: 1, accuracy: 0.5, learning_rate: 0.1 },
    { loss: 0.6, accuracy: 0.7, learning_rate: 0.05 },
  ];
  const fromLogs = trainingCurvesChart(logs, { metrics: ['accuracy', 'val_loss'] });
  assert.deepEqual(facet(fromLogs), ['accuracy', 'loss']);
  const values = (fromLogs.spec.data as { values: { metric: string; epoch: number; value: number }[] }).values;
  assert.deepEqual(
    values.filter((v) => v.metric === 'accuracy').map((v) => [v.epoch, v.value]),
    [
      [0, 0.5],
      [1, 0.7],
    ],
  );
  // a real History, with a metric that appears at the second epoch (padded with NaN)
  const h = new History();
  h.onEpochEnd(0, { loss: 1, accuracy: 0.5 });
  h.onEpochEnd(1, { loss: 0.6, accuracy: 0.7, val_loss: 0.8 });
  const real = trainingCurvesChart(h);
  assert.deepEqual(facet(real), ['loss', 'accuracy']);
  assert.equal((real.spec.data as { values: unknown[] }).values.length, 5);
  // NaN (a metric logged late) is left out
  const padded = trainingCurvesChart({ epoch: [0, 1, 2], loss: [1, 0.5, 0.4], val_loss: [Number.NaN, 0.6, 0.5] });
  assert.equal((padded.spec.data as { values: unknown[] }).values.length, 5);
});

test('trainingCurvesChart: empty histories, ragged series and unknown metrics are rejected', () => {
  assert.throws(() => trainingCurvesChart({ epoch: [0, 1], loss: [1] }), /history.loss has 1 values but there are 2 epochs/);
  assert.throws(() => trainingCurvesChart([]), /history has no epochs to draw/);
  assert.throws(
    () => trainingCurvesChart({ epoch: [0], loss: [1] }, { metrics: ['acc'] }),
    /options.metrics has "acc", which is not in the history; available: loss/,
  );
  assert.throws(() => trainingCurvesChart([{ loss: 'x' as never }]), /history.loss\[0\] must be a number, got "x"/);
  assert.throws(
    () => trainingCurvesChart(7 as never),
    /history must be a History, \{ epoch, loss, ... \} or an array of per-epoch logs, got number 7/,
  );
});

test('toPNG: a PNG of the SVG size times the scale', async () => {
  const chart = rocChart([{ fpr: [0, 0.2, 1], tpr: [0, 0.8, 1], label: 'model' }]);
  const svg = svgSize(await chart.toSVG());
  for (const scale of [1, 2]) {
    const png = pngSize(await chart.toPNG({ scale }));
    assert.ok(Math.abs(png.width - svg.width * scale) <= 1 && Math.abs(png.height - svg.height * scale) <= 1, `${png.width}x${png.height}`);
    assert.ok(png.width > 300 * scale && png.width < 1000 * scale, `plausible width ${png.width}`);
  }
  await assert.rejects(chart.toPNG({ scale: 0 }), /toPNG: scale must be a number in \(0, 16\], got 0/);
});

test('writeChart: SVG or PNG by extension, written atomically; other extensions name the path', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'tessera-charts-'));
  try {
    const chart = confusionMatrixChart([
      [3, 1],
      [0, 4],
    ]);
    await writeChart(chart, join(dir, 'cm.svg'));
    await writeChart(chart, join(dir, 'CM.PNG'), { scale: 1 });
    await writeChart(chart, join(dir, 'sub', 'cm.svg'), { mkdir: true });
    assert.equal(await readFile(join(dir, 'cm.svg'), 'utf8'), await chart.toSVG());
    pngSize(await readFile(join(dir, 'CM.PNG')));
    assert.deepEqual((await readdir(dir)).sort(), ['CM.PNG', 'cm.svg', 'sub'], 'no temporary files left behind');
    const jpg = join(dir, 'cm.jpg');
    await assert.rejects(
      writeChart(chart, jpg),
      (e: Error) => e.message.includes(`"${jpg}"`) && /use a path ending in .svg or .png/.test(e.message),
    );
    await assert.rejects(writeChart(chart, join(dir, 'noext')), /cannot tell the format/);
    await assert.rejects(writeChart({} as Chart, join(dir, 'x.svg')), /chart must be a Chart/);
    assert.deepEqual((await readdir(dir)).sort(), ['CM.PNG', 'cm.svg', 'sub'], 'a failed write leaves nothing');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
