"""Label smoothing (docs/practice/label-smoothing.md): the two targets, the smoothed loss step by step, the optimal
gap and its figure, the interactive figure of epsilon, the exercises' answers."""

from __future__ import annotations

import math
from collections.abc import Callable
from fractions import Fraction

import matplotlib.pyplot as plt
import numpy as np

from booksite.page import alt_num, check, exact, figure, num, probed, table, widget
from lossbook import entropy, softmax, softmax_cross_entropy


def _smoothing_values(k: int, true_class: int, gaps: np.ndarray, e: float, curve: bool) -> dict:
    """The smoothed target, its entropy (the best loss), the best gap (None at 0) and, with ``curve``, the loss."""
    target = (1 - e) * np.eye(k)[true_class] + e / k
    other = 0 if true_class else 1
    with np.errstate(divide="ignore"):  # e = 0: no finite gap is optimal
        gap = float(np.log(target[true_class] / target[other]))
    out = {"target": target, "best": entropy(target), "gap": gap if np.isfinite(gap) else None}
    if curve:
        logits = np.zeros((gaps.size, k))
        logits[:, true_class] = gaps
        out["curve"] = softmax_cross_entropy(
            np.full(gaps.size, true_class), logits, label_smoothing=e, reduction="none"
        )
    return out


def smoothing_widget(classes: list[str], true_class: int) -> str:
    """Any epsilon: the smoothed target, its entropy (the best loss) and the loss curve; lossbook's values."""
    gaps = np.linspace(-2, 10, 49)
    epsilons = np.arange(21) / 20
    checks = [
        {"set": {"eps": float(e)}, "values": _smoothing_values(len(classes), true_class, gaps, float(e), n % 3 == 0)}
        for n, e in enumerate(epsilons)
    ]
    return widget(
        "ls-epsilon",
        "smoothing",
        title="Choose the smoothing ε: the smoothed target y′ (top), and the loss against the gap "
        "with its floor H(y′).",
        controls=[
            {"name": "eps", "label": "smoothing ε", "min": 0.0, "max": 1.0, "step": 0.05, "value": 0.1, "digits": 2}
        ],
        outputs=[
            {"key": "target", "index": k, "label": f"target for {name}", "digits": 4} for k, name in enumerate(classes)
        ]
        + [
            {"key": "best", "label": "best achievable loss H(y′)", "digits": 4, "unit": "nats"},
            {"key": "gap", "label": "at a logit gap of", "digits": 4},
        ],
        params={"classes": classes, "label": true_class, "gaps": gaps},
        checks=checks,
    )


def smoothed_target(eps: Fraction, k: int, label: int) -> list[Fraction]:
    """The one-hot label on ``label`` mixed with the uniform distribution over ``k`` classes: (1 - eps) e + eps / k."""
    target = [(1 - eps) * (j == label) + eps / k for j in range(k)]
    if sum(target) != 1:
        raise AssertionError(f"the smoothed target {target} does not sum to 1")
    return target


def exercise_1_answer(ex_eps, ex_k, ex_label) -> str:
    """The answer, computed step by step and checked."""
    out = []
    ex_target = smoothed_target(ex_eps, ex_k, ex_label)
    out.append(
        f"The true class gets $1 - {exact(ex_eps)} + {exact(ex_eps)}/{ex_k} = {exact(ex_target[ex_label])}$ and every "
        f"other class ${exact(ex_eps)}/{ex_k} = {exact(ex_eps / ex_k)}"
        f"$: $({', '.join(exact(t) for t in ex_target)})$.\n"
    )
    # Its cross-entropy with any logits is what the smoothed loss computes.
    ex_z = np.array([[0.5, -1.0, 2.0, 0.0]])
    ex_ce = -math.fsum(float(t) * math.log(s) for t, s in zip(ex_target, softmax(ex_z)[0]))
    out.append(
        check(
            "label smoothing exercise 1",
            ex_ce,
            softmax_cross_entropy([ex_label], ex_z, label_smoothing=float(ex_eps)),
            function="lossbook.classification.softmax_cross_entropy",
        )
    )
    return "\n".join(out)


def exercise_2_answer(ex_eps, ex_k, ex_label) -> str:
    """The answer, computed step by step and checked."""
    out = []
    ex_target = smoothed_target(ex_eps, ex_k, ex_label)
    ex_floor = -math.fsum(float(t) * math.log(t) for t in ex_target)
    ex_best = np.log(np.array(ex_target, dtype=float))[None, :]  # logits whose softmax is the target
    out.append(
        f"The cross-entropy is smallest when the prediction equals the target, and then it is the target's entropy, "
        f"{num(ex_floor)} nats: the loss can no longer reach zero, and the best prediction gives the true class "
        f"{exact(ex_target[ex_label])}, not certainty.\n"
    )
    out.append(
        check(
            "label smoothing exercise 2",
            ex_floor,
            softmax_cross_entropy([ex_label], ex_best, label_smoothing=float(ex_eps)),
            function="lossbook.classification.softmax_cross_entropy",
        )
    )
    return "\n".join(out)


def smoothed_target_others(eps: Fraction, k: int, label: int) -> list[Fraction]:
    """The variant: 1 - eps for the true class ``label``, eps / (k - 1) for each of the other classes."""
    return [1 - eps if j == label else eps / (k - 1) for j in range(k)]


def targets_table(classes: list[str], true_class: int, eps: Fraction) -> str:
    """The one-hot target and the two smoothed ones, with their sums, and how the two smoothings relate."""
    K = len(classes)
    onehot = [Fraction(int(k == true_class)) for k in range(K)]
    uniform_version = smoothed_target(eps, K, true_class)
    others_version = smoothed_target_others(eps, K, true_class)
    # Goodfellow et al.'s section 7.5.1 convention: exactly 1 - eps for the true class, eps / (K - 1) for each other.
    assert others_version[true_class] == 1 - eps
    assert all(v == eps / (K - 1) for k, v in enumerate(others_version) if k != true_class)
    smoothing = probed("label_smoothing")  # which target each library's cross-entropy was probed to use
    uniform_users = ", ".join(
        name for name, lib in (("PyTorch", "torch"), ("Keras", "keras")) if smoothing[lib] == "eps/K"
    )
    rows = [
        ["one-hot $y$", *(exact(v) for v in onehot), exact(sum(onehot))],
        [
            f"$y' = (1 - \\varepsilon) y + \\varepsilon / K$ ({uniform_users})",
            *(exact(v, 4) for v in uniform_version),
            exact(sum(uniform_version)),
        ],
        [
            "$y''$: $1 - \\varepsilon$ and $\\varepsilon / (K - 1)$ (Goodfellow et al., §7.5.1)",
            *(exact(v, 4) for v in others_version),
            exact(sum(others_version)),
        ],
    ]
    equivalent = eps * (K - 1) / K
    if smoothed_target_others(equivalent, K, true_class) != uniform_version:
        raise ValueError(f"targets_table: the variant with eps = {equivalent} is not the uniform smoothing")
    return (
        table(["target", *classes, "sum"], rows, align="l" + "r" * (K + 1))
        + "\n"
        + f"\nBoth sum to 1, but they are not the same target: with $\\varepsilon$ = {exact(eps)} the "
        f"{classes[true_class]} keeps {exact(uniform_version[true_class])} in the first and "
        f"{exact(others_version[true_class])} in the second. "
        f"They are one family with $\\varepsilon$ measured differently: the variant with "
        f"$\\varepsilon = {exact(eps)} \\cdot (K - 1)/K = {exact(equivalent)}$ gives exactly PyTorch's target. "
        "So an $\\varepsilon$ quoted from a paper should be converted before it is passed to "
        "`label_smoothing=`."
    )


def smoothed_loss_steps(classes: list[str], true_class: int, eps: Fraction, z: list[float]) -> str:
    """The smoothed cross-entropy of the logits ``z`` step by step in nats, checked against lossbook (with
    ``label_smoothing=`` and against the smoothed target), then what smoothing added."""
    K = len(classes)
    m = max(z)
    lse = m + math.log(sum(math.exp(v - m) for v in z))
    neg_log_s = [lse - v for v in z]  # -ln softmax(z)_k = LSE(z) - z_k
    target = smoothed_target(eps, K, true_class)
    weights = [float(w) for w in target]
    smoothed_loss = sum(w * n for w, n in zip(weights, neg_log_s))
    hard_loss = neg_log_s[true_class]
    mean_all = sum(neg_log_s) / K
    if not math.isclose((1 - float(eps)) * hard_loss + float(eps) * mean_all, smoothed_loss, rel_tol=1e-12):
        raise ValueError("smoothed_loss_steps: (1 - eps) hard + eps mean is not the smoothed loss")
    exp_terms = " + ".join("e^{" + f"{v:g}" + "}" for v in z)
    dot_terms = " + ".join(exact(w, 4) + r" \cdot " + f"{n:.4f}" for w, n in zip(target, neg_log_s))
    neg_logs = ", ".join(f"{v:.4f}" for v in neg_log_s)
    steps = (
        "$$\n\\begin{aligned}\n"
        rf"\operatorname{{LSE}}(z) &= \ln\big({exp_terms}\big) = {lse:.4f} \\"
        "\n"
        rf"-\ln \operatorname{{softmax}}(z) &= \operatorname{{LSE}}(z) - z = ({neg_logs}) \\"
        "\n"
        rf"\ell_\varepsilon &= \textstyle\sum_k y'_k \big(-\ln \operatorname{{softmax}}(z)_k\big) \\"
        "\n"
        rf"&= {dot_terms} \\"
        "\n"
        rf"&= (1 - {exact(eps)}) \cdot {hard_loss:.4f} + {exact(eps)} \cdot {mean_all:.4f}"
        rf" = {smoothed_loss:.4f}\ \text{{nats}}"
        "\n"
        "\\end{aligned}\n$$\n"
    )
    lowest = int(np.argmin(z))  # the class the logits most rule out
    lowest_share = float(eps) / K * neg_log_s[lowest]
    return "\n".join(
        [
            steps,
            check(
                "dog photograph with label smoothing",
                smoothed_loss,
                softmax_cross_entropy([true_class], np.array([z]), label_smoothing=float(eps)),
                function="lossbook.classification.softmax_cross_entropy",
            ),
            check(
                "the same as a cross-entropy against the smoothed target",
                smoothed_loss,
                softmax_cross_entropy(np.array([weights]), np.array([z])),
                function="lossbook.classification.softmax_cross_entropy",
            ),
            f"\nWithout smoothing the same logits cost {hard_loss:.4f} nats; smoothing adds "
            f"{smoothed_loss - hard_loss:.4f} nats. The largest single addition, {lowest_share:.4f} nats, comes from "
            f"the {classes[lowest]}, whose logit is far below the others: smoothing charges the model for ruling any "
            "class out.",
        ]
    )


def loss_at_gap(g: float, eps: float, k: int, true_class: int) -> float:
    """The smoothed loss of the logits (0, ..., g, ..., 0), ``g`` on the true class, by lossbook."""
    logits = np.zeros((1, k))
    logits[0, true_class] = g
    return softmax_cross_entropy([true_class], logits, label_smoothing=eps)


def golden_minimum(f: Callable[[float], float], lo: float, hi: float, tol: float = 1e-10) -> float:
    """Minimum of a unimodal f on [lo, hi] by golden-section search."""
    ratio = (math.sqrt(5) - 1) / 2
    a, b = lo, hi
    c, d = b - ratio * (b - a), a + ratio * (b - a)
    while b - a > tol:
        if f(c) < f(d):
            b, d = d, c
            c = b - ratio * (b - a)
        else:
            a, c = c, d
            d = a + ratio * (b - a)
    return (a + b) / 2


def optimum_steps(k: int, true_class: int, eps: Fraction) -> tuple[tuple[float, float], str]:
    """The optimal gap g* = ln(top / rest) and the floor H(y') for one ``eps``, checked against lossbook's loss at
    g* and entropy, the gradient there and a numerical search: ((g*, H(y')), the Markdown)."""
    target = smoothed_target(eps, k, true_class)
    top, rest = target[true_class], eps / k
    ratio = top / rest
    gap = math.log(ratio)
    h = -sum(float(t) * math.log(t) for t in target)
    at_gap = loss_at_gap(gap, float(eps), k, true_class)
    z_star = np.array([gap if j == true_class else 0.0 for j in range(k)])
    gradient = softmax(z_star) - np.array(target, dtype=float)
    found = golden_minimum(lambda g: loss_at_gap(g, float(eps), k, true_class), 0.0, 20.0)
    largest = np.max(np.abs(gradient))
    if not (largest < 1e-12 and abs(found - gap) < 1e-6):
        raise ValueError(f"optimum_steps: at g* = {gap} the gradient is {gradient} and the search finds {found}")
    size = "exactly zero" if largest == 0 else f"zero up to rounding (largest component {largest:.0e})"
    z_text = ", ".join(f"{gap:.4f}" if j == true_class else "0" for j in range(k))
    steps = (
        f"**$\\varepsilon$ = {exact(eps)}**\n\n"
        "$$\n\\begin{aligned}\n"
        rf"g^* &= \ln \frac{{{exact(top)}}}{{{exact(rest)}}} = \ln {exact(ratio)} = {gap:.4f} \\"
        "\n"
        rf"H(y') &= -\big({exact(top)} \ln {exact(top)} + {k - 1} \cdot {exact(rest)} \ln {exact(rest)}\big)"
        rf" = {h:.4f}\ \text{{nats}}"
        "\n"
        "\\end{aligned}\n$$\n"
    )
    return (gap, h), "\n".join(
        [
            steps,
            check(
                f"loss at the optimal logits, eps = {eps}",
                h,
                at_gap,
                function="lossbook.classification.softmax_cross_entropy",
            ),
            check(
                f"entropy of the smoothed target, eps = {eps}",
                h,
                entropy(np.array(target, dtype=float)),
                function="lossbook.information.entropy",
            ),
            f"\nAt $z = ({z_text})$ the gradient is {size}, "
            f"and a numerical search for the minimising gap lands on {found:.6f}.\n",
        ]
    )


def gap_figure(k: int, true_class: int, optimum: dict[Fraction, tuple[float, float]]) -> str:
    """The loss of the logits (0, g, 0, 0) against the gap g without smoothing and for each eps of ``optimum``
    ({eps: (g*, H(y'))}), the minima marked."""
    gaps = np.linspace(-2, 10, 121)
    fig, ax = plt.subplots()
    curves = {}
    for e in (0.0, 0.1, 0.2):
        logits = np.zeros((gaps.size, k))
        logits[:, true_class] = gaps
        curves[e] = softmax_cross_entropy(np.full(gaps.size, true_class), logits, label_smoothing=e, reduction="none")
        key = Fraction(e).limit_denominator(100)
        label = f"$\\varepsilon$ = {e:g}" + (
            f": minimum {optimum[key][1]:.3f} at gap {optimum[key][0]:.2f}" if key in optimum else ": no minimum"
        )
        (line,) = ax.plot(gaps, curves[e], label=label)
        if key in optimum:
            g, h = optimum[key]
            ax.scatter([g], [h], color=line.get_color(), zorder=3, s=50)
    ax.set_xlabel("gap between the true logit and the others, $g$")
    ax.set_ylabel("loss (nats)")
    ax.set_ylim(0, 2.6)
    ax.legend()
    described = "; ".join(
        f"for epsilon = {alt_num(key)} the minimum is at a gap of {alt_num(g)} with a loss of {alt_num(h)} nats"
        for key, (g, h) in optimum.items()
    )
    return figure(
        fig,
        alt=(
            f"Cross-entropy in nats of the logits (0, g, 0, 0) for the true class, against the gap g from "
            f"{alt_num(gaps[0])} to {alt_num(gaps[-1])}, for three smoothing strengths. Without "
            "smoothing the loss falls "
            f"all the way, to {alt_num(curves[0.0][-1])} at g = {alt_num(gaps[-1])}, and has no minimum; {described}; "
            f"beyond their minima the smoothed losses rise again, to {alt_num(curves[0.1][-1])} "
            f"and {alt_num(curves[0.2][-1])}."
        ),
        caption="Hard labels reward an ever larger gap; smoothed labels put the minimum at a finite one, "
        "and the floor at H(y').",
    )
