// The losses the book's interactive figures compute, written the way lossbook
// computes them (NumPy, lossbook/*.py). Pure functions of numbers and arrays.
// The build embeds lossbook's own values at a grid of positions next to each
// widget, and tests/test_browser.py checks these functions against them to a
// relative 1e-12 in the browser.

const sum = values => values.reduce((total, v) => total + v, 0);
const mean = values => sum(values) / values.length;

// Regression: e = prediction - target.

/** Mean squared error, mean((p - t)^2). */
export const mse = (t, p) => mean(t.map((ti, i) => (p[i] - ti) ** 2));

/** Mean absolute error, mean(|p - t|). */
export const mae = (t, p) => mean(t.map((ti, i) => Math.abs(p[i] - ti)));

/** Huber loss of one error e: m (|e| - m/2) with m = min(|e|, delta), i.e. e^2/2 or delta (|e| - delta/2). */
export function huber(e, delta) {
  const a = Math.abs(e);
  const m = Math.min(a, delta);
  return (a - 0.5 * m) * m;
}

/** Slope of the Huber loss: the error clipped to [-delta, delta]. */
export const huberSlope = (e, delta) => Math.min(Math.max(e, -delta), delta);

/** The line w x + b with the smallest MSE (least squares). */
export function leastSquaresLine(x, y) {
  const mx = mean(x), my = mean(y);
  const w = sum(x.map((xi, i) => (xi - mx) * (y[i] - my))) / sum(x.map(xi => (xi - mx) ** 2));
  return { w, b: my - w * mx };
}

/** The line with the smallest MAE: it passes through two of the points, so every pair is tried. */
export function leastAbsoluteLine(x, y) {
  let best = null;
  for (let i = 0; i < x.length; i++) {
    for (let j = i + 1; j < x.length; j++) {
      const w = (y[j] - y[i]) / (x[j] - x[i]);
      const loss = mean(x.map((xk, k) => Math.abs(w * (xk - x[i]) + y[i] - y[k])));
      if (best === null || loss < best.loss) best = { loss, w, b: y[i] - w * x[i] };
    }
  }
  return { w: best.w, b: best.b };
}

// Information: natural logarithms (nats).

/** Information content (surprisal) of a probability q: -ln q. */
export const informationContent = q => 0 - Math.log(q);

/** Entropy -sum p ln p, with 0 ln 0 = 0. */
export const entropy = p => -sum(p.map(v => (v > 0 ? v * Math.log(v) : 0)));

// Classification.

/** Logits shifted by their maximum (d <= 0) and ln sum exp d, the largest term's 1 taken by log1p. */
function shiftedLogSumExp(z) {
  const top = z.indexOf(Math.max(...z));
  const d = z.map(v => v - z[top]);
  return { d, lse: Math.log1p(sum(d.map((v, k) => (k === top ? 0 : Math.exp(v))))) };
}

/** softmax(z)_k = exp(z_k) / sum_j exp(z_j). */
export function softmax(z) {
  const { d, lse } = shiftedLogSumExp(z);
  return d.map(v => Math.exp(v - lse));
}

/** Cross-entropy of the logits z for the class `label`, with label smoothing eps (targets (1 - eps) y + eps / K). */
export function softmaxCrossEntropy(label, z, eps = 0) {
  const { d, lse } = shiftedLogSumExp(z);
  const hard = lse - d[label];
  return eps ? (1 - eps) * hard + eps * (lse - mean(d)) : hard;
}

/** The smoothed target of class `label` among K: (1 - eps) one_hot + eps / K. */
export const smoothTarget = (label, K, eps) =>
  Array.from({ length: K }, (_, k) => (1 - eps) * (k === label ? 1 : 0) + eps / K);
