"""Cross-entropy (docs/chapters/cross-entropy.md): the dog's worked example and the loss curve, the cross-entropy
against a soft truth, and against the MSE on a one-hot truth."""

from __future__ import annotations

import math
from fractions import Fraction

import matplotlib.pyplot as plt
import numpy as np

from booksite.page import INK, alt_num, check, exact, figure, num, table, widget
from lossbook import cross_entropy, cross_entropy_grad, entropy, information_content, kl_divergence, mse


def cross_entropy_steps(label: str, p: list[Fraction], q: list[Fraction]) -> tuple[float, str]:
    """H(p, q) in nats step by step for a one-hot p, checked against lossbook: (its value, the Markdown)."""
    terms = [float(pi) * math.log(qi) if pi != 0 else 0.0 for pi, qi in zip(p, q)]
    loss = -math.fsum(terms)
    true = p.index(1)
    markdown = (
        f"**{label.capitalize()}**\n\n"
        "$$\n\\begin{aligned}\n"
        "H(p, q) &= -\\left(" + " + ".join(f"{exact(pi)} \\ln {exact(qi)}" for pi, qi in zip(p, q)) + "\\right) \\\\\n"
        "&= -\\left(" + " + ".join(f"({num(t)})" if t < 0 else (num(t) if t else "0") for t in terms) + "\\right)"
        f" = -\\ln {exact(q[true])} \\approx {num(loss)} \\text{{ nats}}\n"
        "\\end{aligned}\n$$\n\n"
        + check(
            f"dog cross-entropy {label}, nats",
            loss,
            cross_entropy([float(v) for v in p], [float(v) for v in q]),
            function="lossbook.information.cross_entropy",
        )
    )
    return loss, markdown


def loss_figure(q_dog: dict[str, Fraction], loss_by_stage: dict[str, float]) -> str:
    """-ln q_true against q_true, with the dog's predictions before and after training marked."""
    grid = np.geomspace(1e-3, 1, 200)
    fig, ax = plt.subplots()
    ax.plot(grid, information_content(grid), label="$-\\ln q_{\\mathrm{true}}$ (nats)")
    for (label, q), marker in zip(q_dog.items(), ["o", "s"]):
        ax.scatter(
            [float(q)],
            [loss_by_stage[label]],
            marker=marker,
            s=60,
            zorder=3,
            label=f"dog, {label}: {num(loss_by_stage[label])} nats",
        )
    ax.set_xlim(0, 1.02)
    ax.set_ylim(0, 7.5)
    ax.set_xlabel("probability the model gives the true class, $q_{\\mathrm{true}}$")
    ax.set_ylabel("cross-entropy (nats)")
    ax.legend()
    points = "; ".join(
        f"{label}, q = {alt_num(q)} and a loss of {alt_num(loss_by_stage[label])} nats" for label, q in q_dog.items()
    )
    return figure(
        fig,
        alt=(
            f"The cross-entropy with a one-hot truth, minus ln q_true in nats, against q_true from {alt_num(grid[0])} "
            f"to {alt_num(grid[-1])}. It is {alt_num(information_content(grid[0]))} nats at q_true = "
            f"{alt_num(grid[0])}, falls steeply, and reaches {alt_num(information_content(grid[-1]))} at q_true = "
            f"{alt_num(grid[-1])}. The dog example is marked: {points}."
        ),
        caption="With a one-hot truth the loss depends only on the probability of the true class: "
        "it vanishes when that probability is 1 and grows without bound as it goes to 0.",
    )


def exercise_1_answer(ex_label, ex_q) -> str:
    """The answer, computed step by step and checked."""
    out = []
    ex_nats = -math.log(ex_q[ex_label])
    out.append(
        f"Every term but the true class's is multiplied by zero: $H = -\\log {exact(ex_q[ex_label])} = {num(ex_nats)}$ "
        f"nats $= {num(ex_nats / math.log(2))}$ bits.\n"
    )
    ex_p = np.eye(4)[ex_label]
    out.append(
        check(
            "cross-entropy exercise 1, nats",
            ex_nats,
            cross_entropy(ex_p, np.array(ex_q, dtype=float)),
            function="lossbook.information.cross_entropy",
        )
    )
    out.append(
        check(
            "cross-entropy exercise 1, bits",
            ex_nats / math.log(2),
            cross_entropy(ex_p, np.array(ex_q, dtype=float), base=2),
            function="lossbook.information.cross_entropy",
        )
    )
    return "\n".join(out)


def surprisal_widget() -> str:
    """The loss curve at any q the reader picks (docs/javascripts/widgets.js); lossbook's values at every position."""
    positions = np.arange(1, 101) / 100
    grid = np.linspace(0.01, 1, 100)
    checks = [{"set": {"q": float(q)}, "values": {"loss": information_content(float(q))}} for q in positions]
    checks[0]["values"]["curve"] = information_content(grid)
    return widget(
        "cross-entropy-q",
        "surprisal",
        title="Give the true class a probability q: the loss is −ln q.",
        controls=[
            {
                "name": "q",
                "label": "probability of the true class, q",
                "min": 0.01,
                "max": 1.0,
                "step": 0.01,
                "value": 0.8,
                "digits": 2,
            }
        ],
        outputs=[{"key": "loss", "label": "cross-entropy −ln q", "digits": 4, "unit": "nats"}],
        params={"grid": grid},
        checks=checks,
    )


def gradient_steps(classes: list[str], p: list[Fraction], q_by_stage: dict[str, list[Fraction]]) -> str:
    """The gradient -p_k / q_k of H(p, q) for each prediction, exact, checked against lossbook: the Markdown."""
    rows, lines = [], []
    for label, q in q_by_stage.items():
        slopes = [-(pi / qi) for pi, qi in zip(p, q)]  # exact fractions; 0 where p_k = 0
        lines.append(
            check(
                f"dog cross-entropy gradient {label}",
                slopes,
                cross_entropy_grad(np.array(p, dtype=float), np.array(q, dtype=float)),
                function="lossbook.information.cross_entropy_grad",
            )
        )
        rows.append([label, *(exact(s) for s in slopes)])
    headers = ["", *(f"$\\partial H / \\partial q_{{\\text{{{c}}}}}$" for c in classes)]
    before, after = (q_by_stage[k][p.index(1)] for k in ("before training", "after training"))
    assert before < after  # the sentence says the slope is steeper before training
    sentence = (
        f"\nThe less probability the model gives the dog, the steeper the loss: {exact(-1 / before)} at "
        f"$q_{{\\text{{dog}}}} = {exact(before)}$, {exact(-1 / after)} at {exact(after)}, and without bound as "
        "$q_{\\text{dog}}$ approaches 0. A model does not output probabilities directly, though: it outputs logits "
        "and a softmax turns them into $q$. Through the softmax the gradient becomes $q - p$, bounded between "
        "$-1$ and 1; [from logits to probabilities](../practice/logits.md#the-gradient-softmax-minus-target) "
        "derives it and draws it."
    )
    return "\n".join([table(headers, rows, align="l" + "r" * len(classes)), *lines, sentence])


def gradient_figure(classes: list[str], p: list[Fraction], q_by_stage: dict[str, list[Fraction]]) -> str:
    """The gradient of H(p, q) for the one-hot ``p`` against the true class's probability, from
    lossbook.cross_entropy_grad on predictions ``spread`` over the other classes, with the stages marked."""
    target = np.array(p, dtype=float)
    true, name = p.index(1), classes[p.index(1)]
    grid = np.geomspace(1e-3, 1, 241)
    rows = np.array([spread(t, target) for t in grid])  # q_true = t, the rest shared equally: each row sums to 1
    grads = cross_entropy_grad(np.tile(target, (grid.size, 1)), rows)
    slope, others = grads[:, true], np.delete(grads, true, axis=1)
    assert np.all(others == 0)  # the legend says the other classes' components are 0
    marks = {label: cross_entropy_grad(target, np.array(q, dtype=float))[true] for label, q in q_by_stage.items()}
    floor = -25.0  # the axis stops here; the curve goes on down to slope[0]
    fig, ax = plt.subplots()
    ax.plot(grid, slope, label=f"$\\partial H / \\partial q_{{\\mathrm{{{name}}}}} = -1 / q_{{\\mathrm{{{name}}}}}$")
    *first, last = [c for c in classes if c != name]
    rest = f"{', '.join(first)} and {last}" if first else last
    ax.plot(grid, others[:, 0], color="#8c8c8c", linestyle="--", label=f"{rest}: 0 (their $p_k = 0$)")
    for (label, q), marker in zip(q_by_stage.items(), ["o", "s"]):
        ax.scatter([float(q[true])], [marks[label]], marker=marker, s=60, zorder=3, label=f"{name}, {label}")
    ax.annotate(
        f"down to {alt_num(slope[0])} at $q_{{\\mathrm{{{name}}}}}$ = {alt_num(grid[0])}",
        xy=(-1 / floor, floor),
        xytext=(0.12, floor * 0.9),
        arrowprops={"arrowstyle": "->", "color": INK},  # currentColor: it reads in both palettes
        va="center",
    )
    ax.set_xlim(0, 1.02)
    ax.set_ylim(floor, 1.5)
    ax.set_xlabel(f"probability the model gives the {name}, $q_{{\\mathrm{{{name}}}}}$")
    ax.set_ylabel("gradient $\\partial H / \\partial q_k$")
    ax.legend(loc="center right")
    points = "; ".join(
        f"{label}, q_{name} = {alt_num(q[true])} and a gradient of {alt_num(marks[label])}"
        for label, q in q_by_stage.items()
    )
    return figure(
        fig,
        alt=(
            f"The gradient of the cross-entropy with the one-hot {name} truth with respect to q_{name}, "
            f"−1/q_{name}, against q_{name} from {alt_num(grid[0])} to {alt_num(grid[-1])}. It is "
            f"{alt_num(slope[-1])} at q_{name} = {alt_num(grid[-1])} and falls ever more steeply towards 0, "
            f"leaving the bottom of the plot on its way to {alt_num(slope[0])} at q_{name} = {alt_num(grid[0])}. "
            f"The gradients of {rest} are 0 all along. The {name} example is marked: {points}."
        ),
        caption=(
            "The less probability the model gives the true class, the harder the cross-entropy pushes it up: "
            "the gradient −1/q grows without bound as q goes to 0, so a confident wrong prediction gets the "
            "largest push. The other classes, with p = 0, get none."
        ),
    )


def stages_table(classes: list[str], p: list[Fraction], q_by_stage: dict[str, list[Fraction]]) -> str:
    """The truth and each stage's prediction, one row per class; refuses a prediction that does not sum to 1."""
    for label, q in q_by_stage.items():
        if sum(q) != 1:
            raise ValueError(f"stages_table: the prediction {label!r} sums to {sum(q)}, not 1")
    return table(
        ["class", "truth $p$", *(f"$q$ {label}" for label in q_by_stage)],
        [[c, exact(p[i]), *(exact(q[i]) for q in q_by_stage.values())] for i, c in enumerate(classes)],
        align="l" + "r" * (1 + len(q_by_stage)),
    )


def bits_checks(
    p: list[Fraction], q_before: list[Fraction], bits_before: float, q_true_after: Fraction, nats_after: float
) -> str:
    """The checks under the bits paragraph: the loss before training in bits, and after training the loss with
    a one-hot ``p`` as the information content of the true class, in nats."""
    return "\n".join(
        [
            check(
                "dog cross-entropy before training, bits",
                bits_before,
                cross_entropy([float(v) for v in p], [float(v) for v in q_before], base=2),
                function="lossbook.information.cross_entropy",
            ),
            check(
                "cross-entropy with a one-hot p is the information content of the true class, nats",
                nats_after,
                information_content(float(q_true_after)),
                function="lossbook.information.information_content",
            ),
        ]
    )


def gibbs_table(
    classes: list[str], p_soft: list[Fraction], predictions: dict[str, list[Fraction]]
) -> tuple[float, list[float], str]:
    """H(p) and each prediction's H(p, q) and excess H(p, q) - H(p) in bits, checked against lossbook's entropy,
    cross-entropy and KL divergence: (H(p), the excesses, the Markdown)."""
    for name, q in predictions.items():
        if sum(q) != 1:
            raise ValueError(f"gibbs_table: the prediction {name!r} sums to {sum(q)}, not 1")
    H_p = -math.fsum(float(pi) * math.log2(pi) for pi in p_soft)
    rows, H_pq, gaps = [], [], []
    for name, q in predictions.items():
        h = -math.fsum(float(pi) * math.log2(qi) for pi, qi in zip(p_soft, q))
        H_pq.append(h)
        gaps.append(h - H_p)
        rows.append([name, ", ".join(exact(v) for v in q), num(h, 6), num(h - H_p) if h != H_p else "0"])
    q_array = np.array([[float(v) for v in q] for q in predictions.values()])
    p_array = np.tile([float(v) for v in p_soft], (len(predictions), 1))
    markdown = [
        f"True distribution over ({', '.join(classes)}): $p$ = ({', '.join(exact(v) for v in p_soft)}), "
        f"with entropy $H(p) = {num(H_p)}$ bits.\n",
        table(["prediction", "$q$", "$H(p, q)$ (bits)", "$H(p, q) - H(p)$ (bits)"], rows, align="llrr"),
        check(
            "entropy of the soft p, bits",
            H_p,
            entropy([float(v) for v in p_soft], base=2),
            function="lossbook.information.entropy",
        ),
        check(
            "cross-entropies against the soft p, bits",
            H_pq,
            cross_entropy(p_array, q_array, base=2),
            function="lossbook.information.cross_entropy",
        ),
        check(
            "gaps H(p, q) - H(p), bits",
            gaps,
            kl_divergence(p_array, q_array, base=2),
            function="lossbook.information.kl_divergence",
            rtol=1e-9,
            why="each gap is a difference of two nearly equal sums, which cancels leading digits",
        ),
    ]
    return H_p, gaps, "\n".join(markdown)


def spread(t: float, target: np.ndarray) -> np.ndarray:
    """A prediction giving the true class of the one-hot ``target`` t and the other classes (1 - t) / (K - 1) each."""
    K = target.size
    q = np.full(K, (1 - t) / (K - 1))
    q[int(np.argmax(target))] = t
    return q


def softmax(z: np.ndarray) -> np.ndarray:
    """exp(z) normalised to sum to 1, shifted by max(z) so that nothing overflows."""
    e = np.exp(z - z.max())
    return e / e.sum()


def logit_gradients(q: np.ndarray, target: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Gradients of the cross-entropy and of the MSE with respect to the logits z, where q = softmax(z)."""
    g_ce = q - target  # d(-ln q_true)/dz
    g_q = 2 * (q - target) / target.size  # d MSE / dq
    g_mse = q * (g_q - q @ g_q)  # chain rule through the softmax Jacobian diag(q) - q q^T
    return g_ce, g_mse


def ce_vs_mse_table(target: np.ndarray, ts: list[float]) -> tuple[list[float], list[float], list[tuple], str]:
    """The cross-entropy and the MSE of ``spread(t)`` for each t, and their gradients on the true class's logit,
    the losses checked against lossbook and the gradients against finite differences:
    (the cross-entropies, the MSEs, the gradients (CE, MSE) for each t, the Markdown)."""
    K, true = target.size, int(np.argmax(target))
    rows, ce_values, mse_values, ce_by_hand, mse_by_hand, gradients = [], [], [], [], [], []
    for t in ts:
        q = spread(t, target)
        ce, err = -math.log(t), math.fsum((qi - yi) ** 2 for qi, yi in zip(q, target)) / K
        ce_by_hand.append(ce)
        mse_by_hand.append(err)
        ce_values.append(cross_entropy(target, q))
        mse_values.append(mse(target, q))
        g_ce, g_mse = logit_gradients(q, target)
        gradients.append((g_ce, g_mse))
        # The analytic gradients agree with central finite differences of the losses.
        z, h = np.log(q), 1e-6
        for g, loss in [
            (g_ce, lambda z: cross_entropy(target, softmax(z))),
            (g_mse, lambda z: mse(target, softmax(z))),
        ]:
            numeric = [(loss(z + h * e) - loss(z - h * e)) / (2 * h) for e in np.eye(K)]
            if not np.allclose(g, numeric, rtol=1e-5, atol=1e-9):
                raise ValueError(
                    f"ce_vs_mse_table: at t = {t} the gradient {g} is not the finite differences {numeric}"
                )
        rows.append([f"{t:g}", num(ce), num(err), num(g_ce[true]), num(g_mse[true])])
    header = [
        "$q_{\\text{true}}$",
        "cross-entropy (nats)",
        "MSE",
        "$\\partial\\,\\text{CE} / \\partial z_{\\text{true}}$",
        "$\\partial\\,\\text{MSE} / \\partial z_{\\text{true}}$",
    ]
    markdown = [
        table(header, rows),
        check("cross-entropy column, nats", ce_by_hand, ce_values, function="lossbook.information.cross_entropy"),
        check("MSE column", mse_by_hand, mse_values, function="lossbook.regression.mse"),
    ]
    return ce_by_hand, mse_by_hand, gradients, "\n".join(markdown)


def largest_mse(target: np.ndarray) -> Fraction:
    """2/K, the largest MSE against a one-hot ``target``: all the probability on one wrong class (checked)."""
    K = target.size
    worst = np.eye(K)[(int(np.argmax(target)) + 1) % K]  # all the probability on one wrong class
    bound = Fraction(2, K)
    if not math.isclose(mse(target, worst), bound):
        raise ValueError(f"largest_mse: the MSE of {worst} is {mse(target, worst)}, not {bound}")
    return bound
