// Rendering charts: a Chart holds a vega-lite spec; toSVG compiles it with vega-lite and renders it
// with vega's headless view (no canvas, no DOM), toPNG rasterises that SVG with resvg (a native
// module: Node.js only), and writeChart saves either one atomically, choosing by the file extension.
// vega, vega-lite and resvg are imported on first use, so importing tessera loads none of them.

import { writeFileAtomic } from '../../io/atomic.js';
import { isNode } from '../../io/node.js';

/** A vega-lite specification (JSON), as built by the chart functions. */
export type VegaLiteSpec = Record<string, unknown>;

export interface PngOptions {
  /** Pixels per SVG unit: 2 renders a 400-wide chart as an 800-pixel-wide PNG. Default 2. */
  scale?: number;
}

export interface WriteChartOptions extends PngOptions {
  /** Create missing parent directories. Default false. */
  mkdir?: boolean;
}

type Vega = typeof import('vega');
type VegaLite = typeof import('vega-lite');
type Resvg = typeof import('@resvg/resvg-js');

let vegaModules: Promise<{ vega: Vega; vegaLite: VegaLite }> | null = null;
let resvgModule: Promise<Resvg> | null = null;

function loadVega(op: string): Promise<{ vega: Vega; vegaLite: VegaLite }> {
  vegaModules ??= Promise.all([import('vega'), import('vega-lite')]).then(
    ([vega, vegaLite]) => ({ vega, vegaLite }),
    (e) => {
      vegaModules = null;
      if (isNode()) throw e;
      // the prebuilt browser bundle (dist/browser/tessera.js) leaves vega out: it is large
      throw new Error(
        `${op}: charts need the vega and vega-lite packages, which the browser bundle leaves out; render chart.spec with vega-embed`,
      );
    },
  );
  return vegaModules;
}

function loadResvg(op: string): Promise<Resvg> {
  if (!isNode()) {
    throw new Error(
      `${op}: PNG rendering needs Node.js (@resvg/resvg-js is a native module); in a browser, draw the SVG of toSVG() on a canvas`,
    );
  }
  resvgModule ??= import('@resvg/resvg-js');
  return resvgModule;
}

/**
 * A chart: its vega-lite spec, renderable as SVG (anywhere) or PNG (Node.js).
 *
 * @example
 * const chart = rocChart([{ fpr, tpr, label: 'model' }]);
 * chart.spec;                              // the vega-lite JSON, e.g. for a notebook or the vega editor
 * const svg = await chart.toSVG();         // '<svg ...>...</svg>'
 * const png = await chart.toPNG({ scale: 2 });
 * await writeChart(chart, 'runs/roc.png');
 */
export class Chart {
  constructor(
    /** The vega-lite spec (plain JSON). */
    readonly spec: VegaLiteSpec,
  ) {}

  /** The chart as an SVG document (a string starting with `<svg`). */
  async toSVG(): Promise<string> {
    const { vega, vegaLite } = await loadVega('toSVG');
    // vega tags inline data rows with ids: compile a copy so that `spec` stays plain JSON
    const spec = structuredClone(this.spec) as unknown as Parameters<VegaLite['compile']>[0];
    const view = new vega.View(vega.parse(vegaLite.compile(spec).spec), { renderer: 'none' });
    try {
      return renumberDefs(await view.toSVG());
    } finally {
      view.finalize();
    }
  }

  /** The chart as PNG bytes, `scale` pixels per SVG unit on a white background (Node.js only). */
  async toPNG(options: PngOptions = {}): Promise<Uint8Array> {
    const { scale = 2 } = options;
    if (typeof scale !== 'number' || !Number.isFinite(scale) || scale <= 0 || scale > 16) {
      throw new RangeError(`toPNG: scale must be a number in (0, 16], got ${scale}`);
    }
    const resvg = await loadResvg('toPNG');
    const svg = await this.toSVG();
    const image = await resvg.renderAsync(svg, {
      fitTo: { mode: 'zoom', value: scale },
      background: 'white',
      font: { loadSystemFonts: true, sansSerifFamily: 'DejaVu Sans', defaultFontFamily: 'DejaVu Sans' },
      logLevel: 'off',
    });
    return new Uint8Array(image.asPng());
  }
}

/**
 * Writes a chart to `file` atomically, as SVG for `.svg` and PNG for `.png` (case-insensitive).
 *
 * @example
 * await writeChart(confusionMatrixChart(matrix), 'runs/confusion.svg');
 * await writeChart(trainingCurvesChart(history), 'runs/curves.png', { scale: 3, mkdir: true });
 */
export async function writeChart(chart: Chart, file: string, options: WriteChartOptions = {}): Promise<void> {
  if (!(chart instanceof Chart)) throw new TypeError('writeChart: chart must be a Chart, as returned by rocChart, prChart, ...');
  if (typeof file !== 'string' || file === '') throw new TypeError('writeChart: file must be a non-empty path ending in .svg or .png');
  const ext = /\.([^./\\]+)$/.exec(file)?.[1]?.toLowerCase();
  if (ext !== 'svg' && ext !== 'png') {
    throw new RangeError(`writeChart: cannot tell the format of "${file}" from its extension; use a path ending in .svg or .png`);
  }
  const data = ext === 'svg' ? await chart.toSVG() : await chart.toPNG(options);
  await writeFileAtomic(file, data, { mkdir: options.mkdir });
}

/**
 * vega numbers gradients and clip paths with process-wide counters; renumbering them by first
 * appearance makes the same chart give the same SVG every time (diffable, testable).
 */
function renumberDefs(svg: string): string {
  const ids = new Map<string, string>();
  return svg.replace(/(id="|url\(#)((gradient_|clip)\d+)/g, (_, lead: string, id: string, kind: string) => {
    let renamed = ids.get(id);
    if (renamed === undefined) {
      renamed = `${kind}${ids.size + 1}`;
      ids.set(id, renamed);
    }
    return lead + renamed;
  });
}
