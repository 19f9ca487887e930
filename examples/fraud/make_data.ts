// Run: npm run build && node dist/examples/fraud/make_data.js
//
// Writes the synthetic card-transaction data of the fraud example: examples/fraud/transactions.csv
// (20,000 transactions, about 1.7% fraud, plus the dirt real exports have: missing values, a few
// exact duplicate rows, a few broken values) and examples/fraud/new_transactions.csv (a handful of
// unlabelled rows to score). Seeded with tessera's Generator, so every run writes the same bytes;
// the committed CSVs are its output and the example reads them without running this.
//
// Fraud is drawn from a hidden logit that is non-linear in the features (night hours, amounts far
// above the customer's usual, far from home, new accounts, bursts of transactions, risky merchants,
// and interactions between them) plus noise no column shows, so no model can be perfect: the
// script prints the PR-AUC of the true probabilities, the ceiling any model can reach.

import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Generator, prAuc } from '../../src/index.js';

const config = {
  rows: 20_000, // distinct transactions (duplicates come on top)
  fraudRate: 0.017, // the share of fraud the hidden logit is calibrated to
  duplicates: 45, // rows exported twice
  seed: 2024,
  signal: 3.0, // scale of the hidden logit: higher, the classes separate better
  noise: 0.6, // the spread of what no column shows (log-odds)
  dir: fileURLToPath(new URL('../../../examples/fraud/', import.meta.url)), // the source folder, from dist/examples/fraud
};

const g = new Generator(config.seed);
const pick = <T>(items: readonly T[], weights: readonly number[]): T => {
  let u = g.uniform() * weights.reduce((a, b) => a + b, 0);
  for (let i = 0; i < items.length; i++) {
    u -= weights[i];
    if (u < 0) return items[i];
  }
  return items[items.length - 1];
};
const logNormal = (median: number, sigma: number) => median * Math.exp(sigma * g.normal());
const poisson = (lambda: number) => {
  let k = 0;
  for (let p = g.uniform(); p > Math.exp(-lambda); p *= g.uniform()) k++;
  return k;
};
const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));

// Merchant categories: weight among in-store and among online transactions, fraud risk (log-odds),
// spend relative to the customer's usual amount.
const MERCHANTS: [string, number, number, number, number][] = [
  ['grocery', 30, 6, -0.9, 1],
  ['restaurant', 22, 8, -0.6, 0.8],
  ['gas_station', 14, 0, -0.1, 1],
  ['retail', 16, 22, 0, 1.4],
  ['electronics', 4, 14, 0.8, 3],
  ['travel', 2, 10, 0.3, 6],
  ['entertainment', 5, 10, -0.2, 0.9],
  ['health', 6, 4, -0.7, 1.2],
  ['jewelry', 1, 2, 1.0, 5],
  ['gaming', 0, 6, 1.1, 0.7],
  ['digital_goods', 0, 18, 0.9, 0.4],
];
const CATEGORY = new Map(MERCHANTS.map(([name, , , risk, spend]) => [name, { risk, spend }]));
CATEGORY.set('atm_withdrawal', { risk: 0.3, spend: 1 });
const RESELLABLE = new Set(['electronics', 'jewelry', 'digital_goods', 'gaming']);
// Countries of transactions abroad (the rest are at home, in the US), by weight; some are riskier.
const ABROAD: Record<string, number> = { CA: 20, MX: 16, GB: 14, DE: 10, FR: 10, BR: 8, IN: 7, CN: 6, NG: 5, RU: 4 };
const RISKY_COUNTRIES = new Set(['NG', 'RU', 'CN', 'BR']);

interface Txn {
  timestamp: number; // ms since the epoch
  hour: number;
  amount: number;
  avgAmount30d: number;
  distanceKm: number;
  accountAgeDays: number;
  txnLast24h: number;
  category: string;
  channel: string;
  country: string;
  cardType: string;
  logit: number; // the hidden log-odds of fraud, before calibration
}

// Hour of day: quiet nights, a daytime peak, a lively evening.
const HOUR_MIX = Array.from({ length: 24 }, (_, h) => 0.15 + Math.exp(-(((h - 13) / 4) ** 2)) + 0.6 * Math.exp(-(((h - 19) / 2) ** 2)));
const START = Date.UTC(2024, 2, 1); // 2024-03-01, 60 days of transactions

function transaction(): Txn {
  const channel = pick(['in-store', 'online', 'atm'], [58, 34, 8]);
  const cardType = pick(['debit', 'credit', 'prepaid'], [55, 38, 7]);
  const mix = MERCHANTS.map(([, inStore, online]) => (channel === 'online' ? online : inStore));
  const category = channel === 'atm' ? 'atm_withdrawal' : pick(MERCHANTS, mix)[0];
  const abroad = g.uniform() < (channel === 'online' ? 0.12 : 0.04);
  const country = abroad ? pick(Object.keys(ABROAD), Object.values(ABROAD)) : 'US';
  const hour = pick([...HOUR_MIX.keys()], HOUR_MIX);
  const day = g.int(0, 60);
  const timestamp = START + day * 86_400_000 + hour * 3_600_000 + g.int(0, 3_600_000);
  const accountAgeDays = g.uniform() < 0.08 ? g.int(1, 60) : Math.min(7300, Math.round(logNormal(700, 0.9)));
  const avgAmount30d = logNormal(38, 0.6);
  const amount =
    channel === 'atm'
      ? 20 * Math.max(1, Math.round(logNormal(5, 0.7)))
      : avgAmount30d * (CATEGORY.get(category)?.spend ?? 1) * logNormal(1, 0.8);
  const distanceKm = (abroad ? 400 + logNormal(2500, 0.7) : 0) + (channel === 'online' ? logNormal(20, 1.4) : logNormal(6, 1.0));
  const txnLast24h = poisson(2.2);

  // the hidden log-odds of fraud: small main effects, and interactions no linear model can add up
  const online = channel === 'online' ? 1 : 0;
  const night = Math.exp(-((Math.min(Math.abs(hour - 3), 24 - Math.abs(hour - 3)) / 2) ** 2)); // peaks at 3 am
  const far = sigmoid(2 * (Math.log1p(distanceKm) - Math.log(300)));
  const newAccount = Math.exp(-accountAgeDays / 45);
  const highSpend = sigmoid(3 * (Math.log(amount / avgAmount30d) - 1.2)); // far above the customer's usual
  const tiny = sigmoid(3 * (1.5 - Math.log(amount))); // under ~$4.50
  const burst = sigmoid(1.5 * (txnLast24h - 5));
  const resellable = RESELLABLE.has(category) ? 1 : 0;
  let logit =
    0.8 * night +
    0.6 * highSpend +
    0.5 * far +
    0.6 * newAccount +
    0.6 * burst +
    0.5 * (CATEGORY.get(category)?.risk ?? 0) +
    0.4 * online +
    (cardType === 'prepaid' ? 0.6 : 0) +
    (RISKY_COUNTRIES.has(country) ? 0.5 : 0) +
    // interactions
    2.5 * online * newAccount * tiny + // card testing
    2.0 * (1 - online) * far * night + // a cloned card, far from home, at night
    2.0 * night * burst + // a burst of transactions at night
    2.0 * online * highSpend * resellable; // a big online order of goods easy to resell
  logit = config.signal * logit + config.noise * g.normal(); // plus what no column shows
  return { timestamp, hour, amount, avgAmount30d, distanceKm, accountAgeDays, txnLast24h, category, channel, country, cardType, logit };
}

/** The intercept b with mean(sigmoid(logit + b)) = rate (bisection). */
function calibrate(logits: readonly number[], rate: number): number {
  let lo = -30;
  let hi = 10;
  for (let it = 0; it < 60; it++) {
    const mid = (lo + hi) / 2;
    const mean = logits.reduce((s, z) => s + sigmoid(z + mid), 0) / logits.length;
    if (mean > rate) hi = mid;
    else lo = mid;
  }
  return (lo + hi) / 2;
}

const txns = Array.from({ length: config.rows }, transaction).sort((a, b) => a.timestamp - b.timestamp);
const bias = calibrate(
  txns.map((t) => t.logit),
  config.fraudRate,
);
const probability = txns.map((t) => sigmoid(t.logit + bias));
const isFraud = probability.map((p) => (g.uniform() < p ? 1 : 0));

// The dirt of a real export, added after the labels: it hides information, it carries none.
type Cell = string | number | null;
const HEADER = `transaction_id timestamp amount hour distance_from_home_km account_age_days txn_last_24h avg_amount_30d
  merchant_category channel country card_type is_fraud`.split(/\s+/);
const missing = <T>(v: T, rate: number): T | null => (g.uniform() < rate ? null : v);
const rows: Cell[][] = txns.map((t, i) => [
  `T${String(100_000 + i)}`,
  new Date(t.timestamp).toISOString().slice(0, 19).replace('T', ' '),
  g.uniform() < 0.0005 ? Math.round(t.amount * 100) : Number(t.amount.toFixed(2)), // a few amounts keyed in cents
  t.hour,
  missing(g.uniform() < 0.0003 ? 19_999 : Number(t.distanceKm.toFixed(1)), t.channel === 'online' ? 0.06 : 0.01), // no geolocation; a sentinel
  missing(t.accountAgeDays, 0.015),
  g.uniform() < 0.0002 ? 250 + g.int(0, 50) : t.txnLast24h, // a runaway counter
  missing(Number(t.avgAmount30d.toFixed(2)), 0.02),
  missing(t.category, 0.02),
  t.channel,
  missing(t.country, 0.015),
  missing(t.cardType, 0.005),
  isFraud[i],
]);
for (let d = 0; d < config.duplicates; d++) {
  const at = g.int(0, rows.length);
  rows.splice(at + 1, 0, [...rows[at]]); // exported twice, side by side
}

const csvCell = (v: Cell) => (v === null ? '' : String(v));
const toCsv = (header: string[], body: Cell[][]) => `${[header, ...body].map((r) => r.map(csvCell).join(',')).join('\n')}\n`;
writeFileSync(`${config.dir}transactions.csv`, toCsv(HEADER, rows));

// New transactions to score: raw rows as they arrive, without the label. Some carry what training
// never saw (a merchant category, a country) or miss values.
const NEW: Cell[][] = [
  ['N000001', '2024-05-02 12:14:03', 23.4, 12, 3.1, 1210, 2, 41.5, 'grocery', 'in-store', 'US', 'debit'],
  ['N000002', '2024-05-02 03:41:55', 1899.0, 3, 5210.7, 12, 9, 35.2, 'electronics', 'online', 'NG', 'prepaid'],
  ['N000003', '2024-05-02 02:08:37', 1.99, 2, null, 20, 6, 28.0, 'digital_goods', 'online', 'US', 'prepaid'],
  ['N000004', '2024-05-02 19:30:12', 64.0, 19, 8.4, 2400, 1, 52.3, 'restaurant', 'in-store', 'US', 'credit'],
  ['N000005', '2024-05-02 04:12:40', 400.0, 4, 3120.0, 30, 7, 44.0, 'atm_withdrawal', 'atm', 'RU', 'debit'],
  ['N000006', '2024-05-02 15:55:21', 310.5, 15, null, null, 3, null, 'crypto_exchange', 'online', null, 'credit'],
  ['N000007', '2024-05-02 10:02:09', 129.99, 10, 14.2, 800, 2, 60.1, null, 'online', 'ZZ', 'debit'],
  ['N000008', '2024-05-02 23:47:18', 75.25, 23, 12.0, 15, 5, 30.0, 'gaming', 'online', 'US', null],
];
writeFileSync(`${config.dir}new_transactions.csv`, toCsv(HEADER.slice(0, -1), NEW));

const frauds = isFraud.filter((f) => f === 1).length;
console.log(`wrote ${rows.length} rows (${config.duplicates} duplicated) to ${config.dir}transactions.csv`);
console.log(`fraud: ${frauds} of ${txns.length} (${((100 * frauds) / txns.length).toFixed(2)}%)`);
console.log(`PR-AUC of the true fraud probabilities (the ceiling for any model): ${prAuc(isFraud, probability).toFixed(3)}`);
console.log(`wrote ${NEW.length} unlabelled rows to ${config.dir}new_transactions.csv`);
