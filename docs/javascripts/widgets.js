// The book's interactive figures. Each <div class="lb-widget"> written by a
// page (book.widget) holds a JSON spec: its kind, its controls, its outputs, its
// fixed data, and lossbook's values at a grid of control positions (read only by
// the browser test). The widget stays hidden without JavaScript: the static
// figure above it is the page's figure. All numbers come from losses.js.
import * as L from "./losses.js";

const SVG = "http://www.w3.org/2000/svg";
const COLORS = ["#3366cc", "#e8710a", "#2e9e5b", "#d6336c", "#8e59c9", "#8a6d3b"];
const FONT = 12; // CSS px: the drawing is laid out at the width it is shown, so text is drawn at this size

function el(tag, attrs = {}, ...children) {
  const node = tag.startsWith("svg:") ? document.createElementNS(SVG, tag.slice(4)) : document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) if (value !== undefined) node.setAttribute(name, value);
  node.append(...children);
  return node;
}

const fixed = (value, digits) => (value === null ? "none" : value.toFixed(digits));

// Ticks at 1, 2 or 5 times a power of ten, about five across [lo, hi].
function ticks(lo, hi) {
  const raw = (hi - lo) / 5, power = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map(m => m * power).find(s => s >= raw);
  const out = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step) out.push(+v.toFixed(10));
  return out;
}

// One panel of a drawing: axes, ticks, labels, and helpers that draw in data coordinates (clipped to the panel).
function panel(svg, { left, top, width, height }, { x, y, xlabel, ylabel, xticks = true }) {
  const X = v => left + ((v - x[0]) / (x[1] - x[0])) * width;
  const Y = v => top + height - ((v - y[0]) / (y[1] - y[0])) * height;
  const g = svg.appendChild(el("svg:g"));
  const clip = `${svg.id}-clip-${svg.childElementCount}`;
  g.appendChild(el("svg:clipPath", { id: clip }, el("svg:rect", { x: left - 8, y: top - 8, width: width + 16, height: height + 16 })));
  const plot = el("svg:g", { "clip-path": `url(#${clip})` });
  const text = (tx, ty, content, attrs = {}) =>
    g.appendChild(el("svg:text", { x: tx, y: ty, fill: "currentColor", "font-size": FONT, ...attrs }, content));
  for (const v of xticks ? ticks(...x) : []) {
    g.appendChild(el("svg:line", { x1: X(v), x2: X(v), y1: top, y2: top + height, class: "lb-grid" }));
    text(X(v), top + height + FONT + 4, String(v).replace("-", "−"), { "text-anchor": "middle" });
  }
  for (const v of ticks(...y)) {
    g.appendChild(el("svg:line", { x1: left, x2: left + width, y1: Y(v), y2: Y(v), class: "lb-grid" }));
    text(left - 5, Y(v) + FONT / 3, String(v).replace("-", "−"), { "text-anchor": "end" });
  }
  g.appendChild(el("svg:path", { d: `M${left},${top}V${top + height}H${left + width}`, class: "lb-axis" }));
  text(left + width / 2, top + height + 2 * FONT + 8, xlabel, { "text-anchor": "middle" });
  text(left - 38, top + height / 2, ylabel, { "text-anchor": "middle", transform: `rotate(-90 ${left - 38} ${top + height / 2})` });
  g.appendChild(plot);
  return {
    X, Y, text,
    line(xs, ys, color, dashed = false) {
      const d = xs.map((v, i) => `${i ? "L" : "M"}${X(v).toFixed(1)},${Y(ys[i]).toFixed(1)}`).join("");
      plot.appendChild(el("svg:path", { d, fill: "none", stroke: color, "stroke-width": 2, "stroke-dasharray": dashed ? "5 4" : undefined }));
    },
    dot(vx, vy, color, r = 4) {
      plot.appendChild(el("svg:circle", { cx: X(vx), cy: Y(vy), r, fill: color }));
    },
    legend(entries) {
      entries.forEach(([label, color], i) => text(left + 8, top + FONT + 2 + i * (FONT + 4), label, { fill: color, class: "lb-legend" }));
    },
  };
}

function bars(svg, box, labels, values, highlight, ylabel) {
  const p = panel(svg, box, { x: [0, labels.length], y: [0, 1], xlabel: "", ylabel, xticks: false });
  const slot = box.width / labels.length;
  values.forEach((v, k) => {
    const color = k === highlight ? COLORS[1] : COLORS[0];
    svg.appendChild(el("svg:rect", { x: p.X(k) + slot * 0.2, y: p.Y(v), width: slot * 0.6, height: p.Y(0) - p.Y(v), fill: color }));
    p.text(p.X(k + 0.5), p.Y(v) - 4, v.toFixed(3), { "text-anchor": "middle" });
    p.text(p.X(k + 0.5), box.top + box.height + 2 * FONT + 8, labels[k], { "text-anchor": "middle" });
  });
  return p;
}

const range = (a, b) => Array.from({ length: b - a }, (_, i) => a + i);
const box = (width, top, height) => ({ left: 56, top, width: width - 68, height });

// The widgets: compute(params, state) -> values; draw(svg, width, params, state, values) -> height; describe -> alt text.
const KINDS = {
  fit: {
    compute({ x, y, outlier }, { shift }) {
      const ys = y.slice();
      ys[outlier] = y[outlier] + shift;
      const fits = { mse: L.leastSquaresLine(x, ys), mae: L.leastAbsoluteLine(x, ys) };
      const values = {};
      for (const [name, { w, b }] of Object.entries(fits)) {
        const predicted = x.map(v => w * v + b);
        Object.assign(values, { [`w_${name}`]: w, [`b_${name}`]: b,
          [`mse_of_${name}_line`]: L.mse(ys, predicted), [`mae_of_${name}_line`]: L.mae(ys, predicted) });
      }
      return { ...values, outlier_y: ys[outlier] };
    },
    draw(svg, width, { x, y, outlier, ylim }, { shift }, v) {
      const p = panel(svg, box(width, 8, 220), { x: [x[0] - 0.5, x[x.length - 1] + 0.5], y: ylim, xlabel: "x", ylabel: "y" });
      x.forEach((xi, i) => i !== outlier && p.dot(xi, y[i], "#8c8c8c"));
      const ends = [x[0], x[x.length - 1]];
      p.line(ends, ends.map(e => v.w_mse * e + v.b_mse), COLORS[0]);
      p.line(ends, ends.map(e => v.w_mae * e + v.b_mae), COLORS[1]);
      p.dot(x[outlier], v.outlier_y, COLORS[3], 7);
      p.legend([["smallest MSE", COLORS[0]], ["smallest MAE", COLORS[1]], ["the outlier (drag it)", COLORS[3]]]);
      svg.lbInverseY = py => ylim[0] + ((8 + 220 - py) / 220) * (ylim[1] - ylim[0]);
      return 270;
    },
    describe: ({ x, outlier }, s, v) =>
      `${x.length} points; the outlier at x = ${x[outlier].toFixed(2)} is at y = ${v.outlier_y.toFixed(2)}. ` +
      `Least-squares line: slope ${v.w_mse.toFixed(3)}, intercept ${v.b_mse.toFixed(3)}. ` +
      `Least-absolute line: slope ${v.w_mae.toFixed(3)}, intercept ${v.b_mae.toFixed(3)}.`,
    drag: "shift",
  },
  huber: {
    compute({ grid }, { delta, error }) {
      return {
        loss_curve: grid.map(e => L.huber(e, delta)), slope_curve: grid.map(e => L.huberSlope(e, delta)),
        loss: L.huber(error, delta), slope: L.huberSlope(error, delta),
      };
    },
    draw(svg, width, { grid }, { delta, error }, v) {
      const xr = [grid[0], grid[grid.length - 1]];
      const top = panel(svg, box(width, 8, 150), { x: xr, y: [0, 4.5], xlabel: "error e", ylabel: "loss" });
      top.line(grid, grid.map(e => 0.5 * e * e), "#8c8c8c", true);
      top.line(grid, v.loss_curve, COLORS[2]);
      top.dot(error, v.loss, COLORS[3], 5);
      top.legend([[`Huber, δ = ${delta}`, COLORS[2]], ["½e² (dashed)", "currentColor"]]);
      const bottom = panel(svg, box(width, 210, 150), { x: xr, y: [-4, 4], xlabel: "error e", ylabel: "slope" });
      bottom.line(grid, v.slope_curve, COLORS[2]);
      bottom.dot(error, v.slope, COLORS[3], 5);
      return 410;
    },
    describe: ({ grid }, { delta, error }, v) =>
      `Huber loss with delta = ${delta} for errors from ${grid[0]} to ${grid[grid.length - 1]}: a parabola up to ` +
      `|e| = ${delta}, then a straight line. At e = ${error} the loss is ${v.loss.toFixed(4)} and its slope ${v.slope.toFixed(4)}; ` +
      `the slope is the error clipped to plus or minus ${delta}.`,
  },
  surprisal: {
    compute: ({ grid }, { q }) => ({ loss: L.informationContent(q), curve: grid.map(L.informationContent) }),
    draw(svg, width, { grid }, { q }, v) {
      const p = panel(svg, box(width, 8, 200), { x: [0, 1], y: [0, 5], xlabel: "probability of the true class q", ylabel: "−ln q (nats)" });
      p.line(grid, v.curve, COLORS[0]);
      p.dot(q, v.loss, COLORS[3], 6);
      return 250;
    },
    describe: (params, { q }, v) =>
      `The cross-entropy with a one-hot truth, minus ln q, against q from 0.01 to 1; at q = ${q} it is ${v.loss.toFixed(4)} nats.`,
  },
  logits: {
    compute({ label, classes }, state) {
      const z = classes.map((_, k) => state[`z${k}`] / state.T);
      return { probs: L.softmax(z), loss: L.softmaxCrossEntropy(label, z) };
    },
    draw(svg, width, { classes, label }, state, v) {
      bars(svg, box(width, 20, 170), classes, v.probs, label, "softmax(z / T)");
      return 240;
    },
    describe: ({ classes, label }, { T }, v) =>
      `Softmax probabilities at temperature ${T}: ${classes.map((c, k) => `${c} ${v.probs[k].toFixed(3)}`).join(", ")}. ` +
      `The cross-entropy for the true class, ${classes[label]}, is ${v.loss.toFixed(4)} nats.`,
  },
  smoothing: {
    compute({ label, classes, gaps }, { eps }) {
      const target = L.smoothTarget(label, classes.length, eps);
      const other = label === 0 ? 1 : 0;
      const gap = Math.log(target[label] / target[other]);
      const curve = gaps.map(g => L.softmaxCrossEntropy(label, classes.map((_, k) => (k === label ? g : 0)), eps));
      return { target, best: L.entropy(target), gap: Number.isFinite(gap) ? gap : null, curve };
    },
    draw(svg, width, { classes, label, gaps }, { eps }, v) {
      bars(svg, box(width, 20, 130), classes, v.target, label, "target y′");
      const p = panel(svg, box(width, 220, 150), { x: [gaps[0], gaps[gaps.length - 1]], y: [0, 2.5], xlabel: "gap g between the true logit and the others", ylabel: "loss (nats)" });
      p.line(gaps, v.curve, COLORS[2]);
      if (v.gap !== null && v.gap <= gaps[gaps.length - 1]) p.dot(v.gap, v.best, COLORS[3], 5);
      return 420;
    },
    describe: ({ classes, label }, { eps }, v) =>
      `With epsilon = ${eps} the smoothed target gives ${classes.map((c, k) => `${c} ${v.target[k].toFixed(4)}`).join(", ")}` +
      `; the smallest achievable loss is H(y′) = ${v.best.toFixed(4)} nats` +
      (v.gap === null ? ", approached only as the gap grows without bound." : `, at a gap of ${v.gap.toFixed(4)}.`),
  },
};

function start(root) {
  const spec = JSON.parse(root.querySelector(".lb-widget-data").textContent);
  const kind = KINDS[spec.kind];
  const controls = spec.controls.map(c => {
    const input = el("input", { type: "range", id: `${root.id}-${c.name}`, name: c.name, min: c.min, max: c.max, step: c.step, value: c.value });
    const shown = el("output", { for: input.id });
    root.querySelector(".lb-widget-controls").append(el("div", { class: "lb-widget-control" }, el("label", { for: input.id }, c.label), input, shown));
    return { c, input, shown };
  });
  const readout = spec.outputs.map(o => {
    const out = el("output", { "data-key": o.key, "data-index": o.index, "data-digits": o.digits });
    root.querySelector(".lb-widget-readout").append(el("li", {}, `${o.label}: `, out, o.unit ? ` ${o.unit}` : ""));
    return { o, out };
  });
  const svg = root.querySelector(".lb-widget-svg");
  svg.id = `${root.id}-svg`;
  const render = () => {
    const state = Object.fromEntries(controls.map(({ c, input }) => [c.name, Number(input.value)]));
    const values = kind.compute(spec.params, state);
    root.lbValues = values; // what the browser test compares with lossbook's values
    for (const { c, input, shown } of controls) shown.textContent = fixed(Number(input.value), c.digits);
    for (const { o, out } of readout) out.textContent = fixed(o.index === undefined ? values[o.key] : values[o.key][o.index], o.digits);
    const width = Math.round(svg.parentElement.clientWidth) || 600;
    svg.replaceChildren();
    const height = kind.draw(svg, width, spec.params, state, values);
    svg.setAttribute("viewBox", `0 0 ${width} ${height}`);
    svg.setAttribute("aria-label", kind.describe(spec.params, state, values));
  };
  for (const { input } of controls) input.addEventListener("input", render);
  if (kind.drag) {
    const { input } = controls.find(({ c }) => c.name === kind.drag);
    const move = event => {
      if (!(event.buttons & 1) || !svg.lbInverseY) return;
      const scale = svg.viewBox.baseVal.height / svg.getBoundingClientRect().height;
      const target = svg.lbInverseY((event.clientY - svg.getBoundingClientRect().top) * scale);
      const base = spec.params.y[spec.params.outlier];
      input.value = String(target - base); // the range input snaps it to its step
      render();
      event.preventDefault();
    };
    svg.addEventListener("pointerdown", move);
    svg.addEventListener("pointermove", move);
  }
  let lastWidth = 0;
  new ResizeObserver(() => {
    if (svg.parentElement.clientWidth !== lastWidth) { lastWidth = svg.parentElement.clientWidth; render(); }
  }).observe(svg.parentElement);
  root.hidden = false;
  render();
}

const startAll = () => document.querySelectorAll(".lb-widget[hidden]").forEach(start);
if (window.document$) window.document$.subscribe(startAll);
else startAll();
