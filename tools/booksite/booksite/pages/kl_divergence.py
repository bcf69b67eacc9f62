"""The KL divergence (docs/practice/kl-divergence.md): the decomposition and the asymmetry with numbers, the
Bernoulli curves, PyTorch's reductions, and its gradient, the cross-entropy's."""

from __future__ import annotations

import math
from fractions import Fraction

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.lines import Line2D

from booksite.emulate import keras_kl_divergence, torch_kl_div
from booksite.page import INK, alt_num, check, exact, figure, probed, table, tex_power_of_ten, tex_sci
from lossbook import cross_entropy, cross_entropy_grad, entropy, kl_divergence, kl_divergence_grad

KL = r"D_{\mathrm{KL}}"


def gradient_steps(classes: list[str], p: list[Fraction], q: list[Fraction]) -> str:
    """The gradient -p_k / q_k of D(p || q) and of H(p, q), exact, checked against both lossbook gradients."""
    slopes = [-(a / b) for a, b in zip(p, q)]
    p_arr, q_arr = np.array(p, dtype=float), np.array(q, dtype=float)
    top = max(range(len(classes)), key=lambda k: abs(slopes[k]))
    assert q[top] < p[top]  # the sentence says the model underrates this class
    return "\n".join(
        [
            table(["", *classes], [["$-p_k / q_k$", *(exact(s) for s in slopes)]], align="l" + "r" * len(classes)),
            check(
                "votes KL gradient",
                slopes,
                kl_divergence_grad(p_arr, q_arr),
                function="lossbook.information.kl_divergence_grad",
            ),
            check(
                "votes cross-entropy gradient",
                slopes,
                cross_entropy_grad(p_arr, q_arr),
                function="lossbook.information.cross_entropy_grad",
            ),
            f"\nThe steepest component belongs to the {classes[top]}, which the model most underrates "
            f"({exact(q[top])} against {exact(p[top])} of the votes): training raises its probability first. "
            "Identical gradients are why training on the KL divergence or on the cross-entropy with soft targets is "
            "the same training.",
        ]
    )


def gradient_figure(classes: list[str], p: list[Fraction], q: list[Fraction]) -> str:
    """Each component of the KL divergence's gradient, from lossbook.kl_divergence_grad, against that class's
    probability (the others keeping the proportions of ``q``), with lossbook.cross_entropy_grad's drawn on it:
    the same curves, -p_k / q_k. The model ``q`` is marked."""
    p_arr, q_arr = np.array(p, dtype=float), np.array(q, dtype=float)
    grid = np.geomspace(0.02, 0.99, 200)
    every = 20  # the cross-entropy's gradient as a circle at every 20th point, so both stay visible
    fig, ax = plt.subplots()
    ends = []  # each curve's value at q_k = grid[-1]
    for k, name in enumerate(classes):
        rest = np.delete(q_arr, k) / (1 - q_arr[k])  # the other classes' shares of what q_k leaves
        rows = np.insert(np.outer(1 - grid, rest), k, grid, axis=1)  # q_k = t: each row sums to 1
        truth = np.tile(p_arr, (grid.size, 1))
        kl, ce = kl_divergence_grad(truth, rows)[:, k], cross_entropy_grad(truth, rows)[:, k]
        assert np.array_equal(kl, ce)  # the caption says the curves are the same
        ends.append(kl[-1])
        ax.plot(grid, kl, color=f"C{k}", label=f"$\\partial {KL} / \\partial q_k$, {name} ($p_k$ = {float(p[k]):g})")
        ax.plot(
            grid[::every],
            ce[::every],
            linestyle="none",
            marker="o",
            markerfacecolor="none",
            color=f"C{k}",
        )
    model = kl_divergence_grad(p_arr, q_arr)
    ax.scatter(q_arr, model, marker="s", s=50, zorder=3, color="#8c8c8c", label="the model $q$")
    ax.set_xlim(0, 1)
    ax.set_ylim(-6, 0.2)
    ax.set_xlabel("the model\u2019s probability $q_k$ of class $k$")
    ax.set_ylabel("gradient, $\\partial / \\partial q_k$")
    handles, _ = ax.get_legend_handles_labels()
    label = "$\\partial H(p, q) / \\partial q_k$: the same"
    circle = Line2D([], [], linestyle="none", marker="o", markerfacecolor="none", color=INK, label=label)  # legend only
    handles.insert(len(classes), circle)
    ax.legend(handles=handles, loc="lower right")
    *first, last = classes
    names = f"{', '.join(first)} and {last}"
    return figure(
        fig,
        alt=(
            f"For the votes p over {names}, the gradient of the KL divergence with respect to each q_k, "
            f"−p_k/q_k, against q_k from {alt_num(grid[0])} to {alt_num(grid[-1])}: one curve per class, "
            "each rising towards zero as q_k grows, and lower the larger p_k "
            f"(at q_k = {alt_num(grid[-1])}: {', '.join(alt_num(v) for v in ends)}). "
            "Circles on each curve show the gradient of the cross-entropy H(p, q): they lie exactly on it. "
            "The model q is marked: "
            + "; ".join(f"{c} at q = {alt_num(v)}, gradient {alt_num(g)}" for c, v, g in zip(classes, q_arr, model))
            + "."
        ),
        caption=(
            "The KL divergence and the cross-entropy differ by H(p), which does not depend on q: their gradients "
            "are the same curves, −p/q class by class. Each class is pushed up the harder, the more of the truth "
            "it holds and the less of it the model gives it."
        ),
    )


def show(values: list[float]) -> str:
    """Numbers joined by '+', negative ones in parentheses."""
    return " + ".join(f"{v:.4f}" if v >= 0 else f"({v:.4f})" for v in values)


def plog(weights: list[Fraction], inside: list[Fraction]) -> str:
    """The substituted sum 'w ln x + ...' in TeX."""
    return " + ".join(rf"{exact(w)} \ln {exact(x)}" for w, x in zip(weights, inside))


def plog_ratio(weights: list[Fraction], top: list[Fraction], bottom: list[Fraction]) -> str:
    """The substituted sum 'w ln (a/b) + ...' in TeX."""
    return " + ".join(rf"{exact(w)} \ln \tfrac{{{exact(a)}}}{{{exact(b)}}}" for w, a, b in zip(weights, top, bottom))


def decomposition_steps(p: list[Fraction], q: list[Fraction]) -> tuple[float, float, float, str]:
    """H(p), H(p, q) and D(p || q) in nats term by term, checked against lossbook and against
    H(p, q) = H(p) + D(p || q): (the three values, the Markdown)."""
    h_terms = [-float(a) * math.log(a) for a in p]
    ce_terms = [-float(a) * math.log(b) for a, b in zip(p, q)]
    kl_terms = [float(a) * math.log(a / b) for a, b in zip(p, q)]
    h, ce, kl = sum(h_terms), sum(ce_terms), sum(kl_terms)
    if not math.isclose(h + kl, ce, rel_tol=1e-12):
        raise ValueError(f"decomposition_steps: H(p) + KL = {h + kl!r} is not H(p, q) = {ce!r}")
    steps = (
        "$$\n\\begin{aligned}\n"
        rf"H(p) &= -\big({plog(p, p)}\big) \\ &= {show(h_terms)} = {h:.4f}\ \text{{nats}} \\[6pt]"
        "\n"
        rf"H(p, q) &= -\big({plog(p, q)}\big) \\ &= {show(ce_terms)} = {ce:.4f}\ \text{{nats}} \\[6pt]"
        "\n"
        rf"{KL}(p \,\|\, q) &= {plog_ratio(p, p, q)} \\ &= {show(kl_terms)} = {kl:.4f}\ \text{{nats}} \\[6pt]"
        "\n"
        rf"H(p) + {KL}(p \,\|\, q) &= {h:.4f} + {kl:.4f} = {h + kl:.4f}\ \text{{nats}} = H(p, q)"
        "\n"
        "\\end{aligned}\n$$\n"
    )
    p_arr, q_arr = np.array(p, dtype=float), np.array(q, dtype=float)
    lines = [
        check("entropy of the votes", h, entropy(p_arr), function="lossbook.information.entropy"),
        check(
            "cross-entropy of the model", ce, cross_entropy(p_arr, q_arr), function="lossbook.information.cross_entropy"
        ),
        check(
            "KL divergence of the model", kl, kl_divergence(p_arr, q_arr), function="lossbook.information.kl_divergence"
        ),
    ]
    return h, ce, kl, "\n".join([steps, *lines])


def reverse_steps(p: list[Fraction], q: list[Fraction]) -> tuple[float, str]:
    """D(q || p), the arguments swapped, in nats term by term, checked against lossbook: (its value, the Markdown)."""
    rev_terms = [float(b) * math.log(b / a) for a, b in zip(p, q)]
    rev = sum(rev_terms)
    steps = (
        "$$\n\\begin{aligned}\n"
        rf"{KL}(q \,\|\, p) &= {plog_ratio(q, q, p)} \\ &= {show(rev_terms)} = {rev:.4f}\ \text{{nats}}"
        "\n"
        "\\end{aligned}\n$$\n"
    )
    line = check(
        "KL divergence with the arguments swapped",
        rev,
        kl_divergence(np.array(q, dtype=float), np.array(p, dtype=float)),
        function="lossbook.information.kl_divergence",
    )
    return rev, steps + "\n" + line


def bernoulli_figure(p_true: float, grid: np.ndarray) -> str:
    """D(p || q) and D(q || p) between a Bernoulli truth ``p_true`` and the predictions ``grid``."""
    truth_rows = np.tile([1 - p_true, p_true], (grid.size, 1))
    model_rows = np.stack([1 - grid, grid], axis=1)
    forward = kl_divergence(truth_rows, model_rows)
    reverse = kl_divergence(model_rows, truth_rows)
    fig, ax = plt.subplots()
    ax.plot(grid, forward, label="$D_{KL}(p \\,\\|\\, q)$, truth first")
    ax.plot(grid, reverse, linestyle="--", label="$D_{KL}(q \\,\\|\\, p)$, swapped")
    ax.axvline(p_true, ymax=0.7, color="#8c8c8c", linestyle=":", linewidth=1.2)  # stops below the legend
    ax.annotate(
        f"$q = p = {p_true:g}$: both 0",
        (p_true, 0),
        xytext=(p_true + 0.05, 1.2),
        arrowprops={"arrowstyle": "->", "color": INK},  # the text colour, in both palettes
    )
    ax.set_ylim(0, 2.5)
    ax.set_xlabel("predicted probability $q$ of the outcome 1")
    ax.set_ylabel("divergence (nats)")
    ax.legend(loc="upper center")
    return figure(
        fig,
        alt=(
            "Two curves of the KL divergence in nats between a Bernoulli truth p = "
            f"{alt_num(p_true)} and a prediction q "
            f"from {alt_num(grid[0])} to {alt_num(grid[-1])}. Both are 0 at q = {alt_num(p_true)}. "
            f"At q = {alt_num(grid[-1])} the truth-first "
            f"divergence is {alt_num(forward[-1])} and the swapped one {alt_num(reverse[-1])}; at "
            f"q = {alt_num(grid[0])} they are "
            f"{alt_num(forward[0])} and {alt_num(reverse[0])}."
        ),
        caption="Both divergences vanish only at q = p, but they grow at different rates on either side.",
    )


def reduction_table(P: np.ndarray, Q: np.ndarray) -> str:
    """What PyTorch's ``kl_div`` returns for the truth rows ``P`` and predictions ``Q`` with each reduction and
    argument mistake (a NumPy emulation, as is Keras's), beside lossbook's divergences, checked."""
    N, K = P.shape
    per_row = kl_divergence(P, Q)
    per_row_reverse = kl_divergence(Q, P)
    with np.errstate(divide="ignore"):
        log_P = np.log(P)  # a hard-label row has ln 0 = -inf, which kl_div multiplies by its target q > 0
    forgot_log = torch_kl_div(Q, P, reduction="batchmean")
    calls = [
        (
            '`kl_div(Q.log(), P, reduction="batchmean")`',
            torch_kl_div(np.log(Q), P, reduction="batchmean"),
            "mean of $D_{\\mathrm{KL}}(p \\,\\|\\, q)$: **correct**",
        ),
        (
            '`kl_div(Q.log(), P, reduction="sum")`',
            torch_kl_div(np.log(Q), P, reduction="sum"),
            "sum of the divergences over the batch",
        ),
        (
            '`kl_div(Q.log(), P)` (default `"mean"`)',
            torch_kl_div(np.log(Q), P),
            f"divided by $N \\cdot K$ = {N * K}: {K} times too small",
        ),
        (
            '`kl_div(Q, P, reduction="batchmean")`',
            forgot_log,
            "forgot the log: meaningless" + (" (negative, which no divergence can be)" if forgot_log < 0 else ""),
        ),
        (
            '`kl_div(P.log(), Q, reduction="batchmean")`',
            torch_kl_div(log_P, Q, reduction="batchmean"),
            "swapped: mean of $D_{\\mathrm{KL}}(q \\,\\|\\, p)$",
        ),
    ]
    rows = [[call, "∞" if np.isinf(v) else f"{v:.4f}", meaning] for call, v, meaning in calls]
    if not math.isclose(calls[2][1] * K, calls[0][1], rel_tol=1e-12):
        raise ValueError(f"reduction_table: the default mean times K = {K} is not batchmean")
    if not (np.isinf(calls[4][1]) and P[2, 0] == 1.0):
        raise ValueError("reduction_table: the sentence below needs a third row with a hard label, infinite swapped")
    keras_value = float(keras_kl_divergence(P, Q).mean())
    keras_kl = probed("kl_inputs.keras")  # the real Keras, probed
    assert keras_kl["call"] == "p, q" and keras_kl["clips_both_to_epsilon_1"]
    keras_eps = tex_power_of_ten(probed("clipping.keras.epsilon"))
    return "\n".join(
        [
            table(["PyTorch call", "value (nats)", "what it is"], rows, align="lrl"),
            f"\nlossbook gives the divergences of the three rows directly: "
            f"{', '.join(f'{v:.4f}' for v in per_row)} nats, with mean {per_row.mean():.4f} nats.",
            check(
                "batchmean is the mean KL divergence",
                calls[0][1],
                per_row.mean(),
                function="lossbook.information.kl_divergence",
            ),
            check(
                "the swapped call is the reverse divergence",
                calls[4][1],
                per_row_reverse.mean(),
                function="lossbook.information.kl_divergence",
            ),
            "\nThe swapped call is infinite here because the third photograph's truth rules out horse and cat "
            "($p_k = 0$) while the model does not: in the reverse direction that is an infinitely bad mistake. "
            "Keras puts the arguments the other way round, `keras.losses.KLDivergence()(y_true=P, y_pred=Q)`, takes "
            f"probabilities rather than logarithms, clips both to $[{keras_eps}, 1]$ and averages over the rows "
            f'(`reduction="{keras_kl["class_reduction"]}"`), like '
            f"`batchmean`: its emulation gives {keras_value:.4f} nats, the clipping of the zeros moving it by "
            f"${tex_sci(abs(keras_value - per_row.mean()), 2)}$ nats.",
        ]
    )


def article_note(p: list[Fraction], q: list[Fraction], ce: float) -> str:
    """The article's "cross-entropy falls as each q_i approaches p_i": exact for a one-hot p, not coordinate-wise.

    ``p`` and ``q`` are the page's truth and prediction, ``ce`` their cross-entropy. Both halves are
    asserted: 2000 random pairs for the one-hot case, a closer-but-worse prediction for the soft one.
    """
    p_arr = np.array(p, dtype=float)
    q_far = [Fraction(71, 100), Fraction(289, 1000), Fraction(1, 1000)]
    closer = all(abs(c - a) < abs(b - a) for a, b, c in zip(p, q, q_far))
    ce_far = cross_entropy(p_arr, np.array(q_far, dtype=float))
    kl_far = kl_divergence(p_arr, np.array(q_far, dtype=float))
    assert closer and ce_far > ce
    # The article's own case, a one-hot p: moving every q_i towards p_i raises q_true, so the loss falls.
    onehot_p = np.eye(len(p))[0]
    pairs_rng = np.random.default_rng(12)
    pairs_checked = 0
    for _ in range(2000):
        q_start = pairs_rng.dirichlet(np.ones(len(p)))
        q_step = q_start + pairs_rng.uniform(0, 1, len(p)) * (onehot_p - q_start)  # each coordinate closer
        q_step /= q_step.sum()
        if np.all(np.abs(q_step - onehot_p) <= np.abs(q_start - onehot_p)) and not np.allclose(q_step, q_start):
            assert cross_entropy(onehot_p, q_step) < cross_entropy(onehot_p, q_start)
            pairs_checked += 1
    assert pairs_checked > 100
    return (
        "The article this book started from says the cross-entropy gets smaller as each $q_i$ approaches "
        "$p_i$. For the article's own case, a one-hot truth, that is exactly true: the loss is $-\\ln q_c$ for "
        "the true class $c$, and moving every $q_i$ towards $p_i$ raises $q_c$ (the book checked it on "
        f"{pairs_checked} random pairs of predictions when this page was built). "
        "For a soft truth the decomposition makes it precise: the cross-entropy is smallest, equal to $H(p)$, exactly "
        "at $q = p$. Read coordinate by coordinate it is not quite right, because the logarithm judges "
        f"*relative* errors. The prediction $q' = ({', '.join(exact(v) for v in q_far)})$ is closer to "
        f"$p = ({', '.join(exact(v) for v in p)})$ than $q$ in every coordinate, yet its cross-entropy is "
        f"{ce_far:.4f} nats against {ce:.4f}: the cat's probability fell from {exact(q[2])} ({exact(q[2] / p[2])} "
        f"times too much) to {exact(q_far[2])} ({exact(p[2] / q_far[2])} times too little). "
        f"Its KL divergence, {kl_far:.4f} nats, says how far "
        "it really is."
    )
