"""Binary cross-entropy (docs/practice/binary-cross-entropy.md): the spam filter's steps, the caps, the curves,
the gradient on probabilities and on logits."""

from __future__ import annotations

import math
from collections.abc import Callable
from fractions import Fraction

import matplotlib.pyplot as plt
import numpy as np

from booksite.emulate import keras_binary_crossentropy, sklearn_log_loss, torch_binary_cross_entropy
from booksite.page import alt_num, check, exact, figure, num, probed, table, tex_power_of_ten, tex_sci
from booksite.pages import aligned_mean, clip_caps
from lossbook import (
    binary_cross_entropy,
    binary_cross_entropy_grad,
    binary_cross_entropy_with_logits,
    binary_cross_entropy_with_logits_grad,
    cross_entropy,
)

# NumPy emulations of how three libraries cap the binary cross-entropy (elementwise, float64),
# each named after the call it reproduces (tests/book/test_emulations.py compares them with the
# real libraries).
EMULATIONS: dict[str, Callable] = {
    "PyTorch": torch_binary_cross_entropy,
    "Keras": keras_binary_crossentropy,
    "scikit-learn": sklearn_log_loss,
}


def probability_steps(labels: list[int], probs: list[Fraction]) -> tuple[list[float], str]:
    """Each example's loss from its probability and their mean, step by step, checked against lossbook's
    binary and two-class cross-entropies: (the losses, the Markdown)."""
    terms, lines = [], []
    for i, (y, p) in enumerate(zip(labels, probs), start=1):
        # Only the term of the observed label survives: -ln p for y = 1, -ln(1 - p) for y = 0.
        kept = p if y == 1 else 1 - p
        loss = -math.log(kept)
        terms.append(loss)
        lines.append(
            f"\\ell_{i} &= -\\big({y} \\ln {exact(p)} + {1 - y} \\ln(1 - {exact(p)})\\big)"
            f" = -\\ln {exact(kept)} = {loss:.4f}"
        )
    mean, steps = aligned_mean(lines, terms)
    y_arr, p_arr = np.array(labels, dtype=float), np.array(probs, dtype=float)
    two_class = cross_entropy(np.stack([1 - y_arr, y_arr], axis=1), np.stack([1 - p_arr, p_arr], axis=1))
    return terms, "\n".join(
        [
            steps,
            check(
                "spam filter from probabilities",
                mean,
                binary_cross_entropy(y_arr, p_arr),
                function="lossbook.classification.binary_cross_entropy",
            ),
            check(
                "each email as a two-class cross-entropy",
                terms,
                two_class,
                function="lossbook.information.cross_entropy",
            ),
        ]
    )


def tex(x: float) -> str:
    """A number for TeX: four significant digits, or scientific notation when tiny; never '-0'."""
    return tex_sci(x) if x != 0 and abs(x) < 1e-3 else f"{x + 0.0:.4g}"


def logit_steps(labels: list[int], logits: list[float]) -> tuple[list[float], float, str]:
    """Each example's loss from its logit by the stable formula, and their mean, step by step, checked against
    lossbook: (the losses, their mean, the Markdown)."""
    parts, lines = [], []
    for i, (y, z) in enumerate(zip(labels, logits), start=1):
        relu, cross, soft = max(z, 0.0), z * y + 0.0, math.log1p(math.exp(-abs(z)))  # + 0.0: no -0
        loss = relu - cross + soft
        parts.append(loss)
        lines.append(
            f"\\ell_{i} &= \\max({z:g}, 0) - ({z:g})({y}) + \\ln\\big(1 + e^{{-{abs(z):g}}}\\big)"
            f" = {tex(relu)} - ({tex(cross)}) + {tex(soft)} = {loss:.4f}"
        )
    mean_logits, steps = aligned_mean(lines, parts)
    line = check(
        "spam filter from logits",
        mean_logits,
        binary_cross_entropy_with_logits(np.array(labels, dtype=float), np.array(logits)),
        function="lossbook.classification.binary_cross_entropy_with_logits",
    )
    return parts, mean_logits, steps + "\n" + line


def cell(value: float, reference: float) -> str:
    """A loss for the table, in bold when it differs from the exact one."""
    text = "∞" if np.isinf(value) else f"{value:.4f}"
    return text if value == reference else f"**{text}**"


def edge_table(edge_p: np.ndarray) -> str:
    """The loss for the label 1 at each of ``edge_p``: exact (lossbook) and under each library's cap,
    then the caps themselves."""
    ones = np.ones_like(edge_p)
    exact_loss = binary_cross_entropy(ones, edge_p, reduction="none")
    framework = {name: f(ones, edge_p) for name, f in EMULATIONS.items()}
    rows = [
        [
            "0" if p == 0 else f"${tex_power_of_ten(p)}$",
            cell(e, e),
            *(cell(framework[name][i], e) for name in EMULATIONS),
        ]
        for i, (p, e) in enumerate(zip(edge_p, exact_loss))
    ]
    caps = clip_caps(EMULATIONS)
    eps = np.finfo(np.float64).eps
    clip = probed("clipping")
    keras_class = clip["keras"]["BinaryCrossentropy_float64_inputs"]  # the real Keras class, probed
    assert math.isclose(caps["Keras"], keras_class["y1_p0"], rel_tol=1e-6), (caps["Keras"], keras_class)
    assert keras_class["y0_p1"] < keras_class["y1_p0"]
    return (
        table(
            ["$p$ (for $y = 1$)", "exact: $-\\ln p$ (lossbook)", *EMULATIONS], rows, align="r" * (len(EMULATIONS) + 2)
        )
        + "\n\nValues in bold differ from the exact loss. The largest loss one element with $y = 1$ can cost is "
        + ", ".join(f"{num(caps[name])} nats in {name}" for name in EMULATIONS)
        + f" (that is, $-\\ln 10^{{-7}}$ for Keras and $-\\ln \\varepsilon$ with $\\varepsilon = "
        f"2^{{{int(math.log2(eps))}}} \\approx {tex_sci(eps)}$ for scikit-learn on float64 data). "
        "Keras's cap holds in this direction only: its loss classes compute in the loss's dtype, "
        f"{probed('precision.keras.loss_dtype')} by default, where $1 - 10^{{-7}}$ rounds to "
        f"{clip['keras']['float32_one_minus_epsilon']:.8f}; so `BinaryCrossentropy()` charges a prediction $p = 1$ "
        f"for $y = 0$ {num(keras_class['y0_p1'])} nats, against {num(keras_class['y1_p0'])} for $p = 0$ and $y = 1$."
    )


def curve_figure(grid: np.ndarray, probs: list[Fraction], terms: list[float]) -> str:
    """The loss against p for each label, with the examples (``probs``, their losses ``terms``) marked."""
    loss_y1 = binary_cross_entropy(np.ones_like(grid), grid, reduction="none")
    loss_y0 = binary_cross_entropy(np.zeros_like(grid), grid, reduction="none")
    fig, ax = plt.subplots()
    ax.plot(grid, loss_y1, label="true label $y = 1$: $-\\ln p$")
    ax.plot(grid, loss_y0, label="true label $y = 0$: $-\\ln(1 - p)$")
    ax.scatter(np.array(probs, dtype=float), terms, zorder=3, s=40, color="#8c8c8c", label="the four emails")
    ax.set_ylim(0, 7)
    ax.set_xlabel("predicted probability of the label 1, $p$")
    ax.set_ylabel("loss (nats)")
    ax.legend(loc="upper center")
    crossing = float(binary_cross_entropy([1], [0.5]))
    return figure(
        fig,
        alt=(
            f"The binary cross-entropy in nats against p from {alt_num(grid[0])} to "
            f"{alt_num(grid[-1])}, for y = 1 and y = 0. "
            f"The y = 1 curve falls from {alt_num(loss_y1[0])} to {alt_num(loss_y1[-1])}, the y = "
            "0 curve rises mirror-wise; "
            f"they cross at p = 0.5 at {alt_num(crossing)} nats. The four emails sit on the curves at losses "
            f"{', '.join(f'{alt_num(t)}' for t in terms)}."
        ),
        derived=[0.5, crossing],  # where the two plotted curves cross
        caption="Each label has its own curve; both rise without bound as the prediction approaches the wrong "
        "certainty.",
    )


def caps_figure(tiny: np.ndarray) -> str:
    """The loss for the label 1 as p shrinks along ``tiny`` (from 1 down): exact, and each library's cap."""
    caps = clip_caps(EMULATIONS)
    fig, ax = plt.subplots()
    ax.plot(
        tiny, binary_cross_entropy(np.ones_like(tiny), tiny, reduction="none"), label="exact (lossbook)", linewidth=3
    )
    for (name, f), style in zip(EMULATIONS.items(), ["--", "-.", ":"]):
        ax.plot(tiny, f(np.ones_like(tiny), tiny), linestyle=style, label=f"{name} (cap {caps[name]:.1f})")
    ax.set_xscale("log")
    ax.set_xlim(1.0, tiny[0])  # reversed: p shrinks to the right
    ax.set_xticks([10.0**-k for k in range(0, 61, 10)])
    ax.set_xlabel("$p$ for a true label $y = 1$ (log scale, decreasing)")
    ax.set_ylabel("loss (nats)")
    ax.legend()
    exact_end = float(binary_cross_entropy([1], [tiny[0]]))
    return figure(
        fig,
        alt=(
            f"Loss in nats for y = 1 as p shrinks from 1 to {alt_num(tiny[0])} on a logarithmic axis. The exact loss "
            f"rises in a straight line to {alt_num(exact_end)}; PyTorch follows it and flattens at "
            f"{alt_num(caps['PyTorch'])}, "
            f"scikit-learn at {alt_num(caps['scikit-learn'])} and Keras at {alt_num(caps['Keras'])}."
        ),
        caption="Emulated caps: PyTorch clamps the logarithm, Keras and scikit-learn clip the probability.",
    )


def logits_of(probs: list[Fraction]) -> np.ndarray:
    """The logits ln(p / (1 - p)) whose sigmoids are ``probs``."""
    p = np.array(probs, dtype=float)
    return np.log(p / (1 - p))


def gradient_steps(emails: list[str], labels: list[int], probs: list[Fraction]) -> str:
    """The mean loss's gradients (p - y) / (n p (1 - p)) on probabilities and (p - y) / n on logits, exact,
    checked against lossbook: the Markdown."""
    n = len(labels)
    on_p = [(p - y) / (p * (1 - p)) / n for y, p in zip(labels, probs)]
    on_z = [(p - y) / n for y, p in zip(labels, probs)]
    rows = [
        ["$\\frac{1}{n}\\,\\frac{p - y}{p(1 - p)}$", *(exact(g) for g in on_p)],
        ["$\\frac{1}{n}\\,(\\sigma(z) - y)$", *(exact(g) for g in on_z)],
    ]
    y_arr = np.array(labels, dtype=float)
    worst = max(range(n), key=lambda i: abs(on_p[i]))
    return "\n".join(
        [
            table(["", *emails], rows, align="l" + "r" * n),
            check(
                "emails, gradient on probabilities",
                on_p,
                binary_cross_entropy_grad(y_arr, np.array(probs, dtype=float)),
                function="lossbook.classification.binary_cross_entropy_grad",
            ),
            check(
                "emails, gradient on logits",
                on_z,
                binary_cross_entropy_with_logits_grad(y_arr, logits_of(probs)),
                function="lossbook.classification.binary_cross_entropy_with_logits_grad",
            ),
            f"\nOn probabilities, {emails[worst]} (label {labels[worst]}, $p$ = {exact(probs[worst])}) has the "
            f"steepest slope, {exact(on_p[worst])}; on logits its slope is {exact(on_z[worst])}. Every logit slope "
            "lies between $-1/n$ and $1/n$, whatever the prediction: the logit form's gradient, like its loss, "
            "cannot blow up.",
        ]
    )


def gradient_figure(labels: list[int], probs: list[Fraction]) -> str:
    """sigma(z) - y against the logit for both labels, with the examples (``labels``, ``probs``) marked."""
    z_grid = np.linspace(-8, 8, 321)
    y_arr, z_arr = np.array(labels, dtype=float), logits_of(probs)
    fig, ax = plt.subplots()
    for y in (1.0, 0.0):
        slope = binary_cross_entropy_with_logits_grad(np.full_like(z_grid, y), z_grid, reduction="none")
        ax.plot(z_grid, slope, label=f"label $y = {y:g}$: $\\sigma(z) - {y:g}$")
    marked = binary_cross_entropy_with_logits_grad(y_arr, z_arr, reduction="none")
    ax.scatter(z_arr, marked, s=50, zorder=3, color="C2", label=f"the {len(labels)} emails")
    ax.axhline(0.0, color="#8c8c8c", linewidth=0.8)
    ax.set_xlabel("logit $z$")
    ax.set_ylabel("$\\partial \\ell / \\partial z$")
    ax.legend()
    return figure(
        fig,
        alt=(
            f"The slope of the binary cross-entropy on logits, sigmoid(z) - y, for logits from {alt_num(z_grid[0])} to "
            f"{alt_num(z_grid[-1])}: for label 1 an S-curve rising from about −1 to 0, for label 0 "
            "one rising from 0 to "
            f"about 1. The {len(labels)} emails, at logits "
            f"{', '.join(alt_num(v, 3) for v in z_arr)}, sit on their curves."
        ),
        caption=(
            "On logits the gradient is σ(z) − y: close to ±1 for a confident mistake, close to 0 for a confident hit."
        ),
    )


def library_rules() -> str:
    """A Markdown list of each library's call and clipping rule, every value from the probe record."""
    order, clip, versions = probed("argument_order"), probed("clipping"), probed("versions")
    assert clip["sklearn"]["clips_at_machine_epsilon"] and order["torch"]["first"] == "prediction"
    torch_args, keras_args, sk_args = (", ".join(order[lib]["parameters"]) for lib in ("torch", "keras", "sklearn"))
    return (
        f"- **PyTorch** `torch.nn.functional.binary_cross_entropy({torch_args})` ({order['torch']['first']} first) "
        f"clamps each logarithm at ${clip['torch']['log_clamp']:g}$, so one element costs at most "
        f"{clip['torch']['bce_y1_p0']:g} nats.\n"
        f"- **Keras** `keras.losses.binary_crossentropy({keras_args})` clips the prediction to "
        f"$[\\varepsilon, 1 - \\varepsilon]$ with $\\varepsilon = {tex_power_of_ten(clip['keras']['epsilon'])}$ "
        "(`keras.config.epsilon()`) before taking logarithms.\n"
        f"- **scikit-learn** `sklearn.metrics.log_loss({sk_args})` clips to $[\\varepsilon, 1 - \\varepsilon]$ where "
        "$\\varepsilon$ is the machine epsilon of the predictions' dtype, `np.finfo(y_proba.dtype).eps`: a "
        "probability of 0 for the true class costs "
        f"{clip['sklearn']['log_loss_y1_p0_float64']:.4f} nats in float64 and "
        f"{clip['sklearn']['log_loss_y1_p0_float32']:.4f} in float32. For a 1-D `y_proba` it builds the two "
        "columns $(1 - p,\\ p)$ first and clips both.\n\n"
        f"Probed with PyTorch {versions['torch']}, Keras {versions['keras']} and "
        f"scikit-learn {versions['scikit-learn']} "
        "when the book was built (`make probes`). The rules have changed before: scikit-learn releases up to 1.1 "
        "clipped at a fixed `eps=1e-15` by default, 1.2 made the dtype's machine epsilon the default, 1.3 "
        "deprecated the argument and 1.5 removed it."
    )
