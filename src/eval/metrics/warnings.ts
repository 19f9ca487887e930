// Warnings of the metrics, as scikit-learn's UndefinedMetricWarning: a value that is undefined for
// the data (a precision with no predicted samples, a ROC curve with no negatives) is replaced as
// documented and the caller is told once. Pass `onWarning` to collect them instead (tests, a CLI
// that reports them itself); by default each distinct message is printed once per process, as
// Python's default warning filter does.

/** Receives a metric's warning message. */
export type WarningHandler = (message: string) => void;

const printed = new Set<string>();

/** Prints `message` with console.warn the first time it is seen. */
function warnOnce(message: string): void {
  if (printed.has(message)) return;
  printed.add(message);
  console.warn(`tessera metrics warning: ${message}`);
}

/**
 * Reports a warning to `handler`, or prints it once when none is given.
 * @example metricWarning('f1: F-score is ill-defined ...', (m) => seen.push(m));
 */
export function metricWarning(message: string, handler?: WarningHandler): void {
  (handler ?? warnOnce)(message);
}
