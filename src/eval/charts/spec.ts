// What every chart spec shares: the options common to all charts, the page setup (white background,
// a font list that finds DejaVu Sans on Linux, Helvetica on macOS and Arial on Windows, both in a
// browser and in the PNG renderer), and number formatting for labels.

import type { VegaLiteSpec } from './render.js';
import { optionalString, positiveInt } from './validate.js';

/** Options every chart takes. */
export interface ChartOptions {
  /** Title above the chart; '' for none. Each chart has its own default. */
  title?: string;
  /** Width of the plot area in pixels (of one panel for training curves). */
  width?: number;
  /** Height of the plot area in pixels (of one panel for training curves). */
  height?: number;
}

/** Fonts, first found wins. */
export const FONT = 'DejaVu Sans, Helvetica, Arial, sans-serif';

/** The categorical colours of curves (Tableau 10, vega's default, listed so specs are explicit). */
export const PALETTE = ['#4c78a8', '#f58518', '#e45756', '#72b7b2', '#54a24b', '#eeca3b', '#b279a2', '#ff9da6', '#9d755d', '#bab0ac'];

/**
 * The top level of a spec: schema, title, size, background and the shared config.
 * @example const spec = { ...page('rocChart', options, { title: 'ROC curve', width: 360, height: 360 }), layer: [...] };
 */
export function page(op: string, options: ChartOptions, defaults: { title: string; width?: number; height?: number }): VegaLiteSpec {
  if (options === null || typeof options !== 'object') throw new TypeError(`${op}: options must be an object, got ${options}`);
  const title = optionalString(op, 'options.title', options.title) ?? defaults.title;
  const spec: VegaLiteSpec = { $schema: 'https://vega.github.io/schema/vega-lite/v6.json' };
  if (title !== '') spec.title = title;
  if (defaults.width !== undefined) spec.width = positiveInt(op, 'options.width', options.width, defaults.width);
  if (defaults.height !== undefined) spec.height = positiveInt(op, 'options.height', options.height, defaults.height);
  spec.background = 'white';
  spec.padding = 8;
  spec.config = {
    font: FONT,
    title: { fontSize: 15, anchor: 'start', offset: 10 },
    axis: { labelFontSize: 11, titleFontSize: 12, gridColor: '#e6e6e6' },
    legend: { labelFontSize: 11, titleFontSize: 12, labelLimit: 320, titleLimit: 320 },
    header: { labelFontSize: 13, labelFontWeight: 'bold' },
  };
  return spec;
}

/**
 * A number for a label: integers as they are, others with `digits` significant digits.
 * @example formatValue(12) === '12'; formatValue(0.91234) === '0.912'
 */
export function formatValue(v: number, digits = 3): string {
  if (Number.isInteger(v)) return String(v);
  return Number(v.toPrecision(digits)).toString();
}
