/**
 * Timing marks for the browser benchmark (bench/bench_browser.py reads them): how long from
 * having the data to the document painted, from a keystroke to the label painted, and from
 * "Accept all" to everything it accepted painted.
 */
type Kind = "open" | "label" | "openedAt" | "acceptAll";
declare global {
  interface Window {
    __annotatorPerf?: Record<Kind, number[]>;
  }
}

function record(kind: Kind, ms: number) {
  const store = (window.__annotatorPerf ??= { open: [], label: [], openedAt: [], acceptAll: [] });
  store[kind].push(ms);
  // Milliseconds since the page began loading, for "from navigation to a usable document".
  if (kind === "open") store.openedAt.push(performance.now());
}

export const perf = {
  /** Time from `t0` until the browser has laid out and painted the change. */
  afterPaint(kind: Kind, t0: number) {
    requestAnimationFrame(() => setTimeout(() => record(kind, performance.now() - t0), 0));
  },
};
