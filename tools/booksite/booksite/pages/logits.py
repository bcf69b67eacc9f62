"""From logits to probabilities (docs/practice/logits.md): the log-sum-exp trick and the loss from logits step by
step, the gradient, softmax minus the target, the temperature, and the loss against the true class's logit."""

from __future__ import annotations

import math

import matplotlib.pyplot as plt
import numpy as np

from booksite.page import alt_num, check, figure, num, table, widget
from booksite.pages import aligned_mean
from lossbook import log_softmax, softmax, softmax_cross_entropy, softmax_cross_entropy_grad


def gradient_steps(row: list[float], label: int) -> str:
    """softmax(z) - y of one row of logits, each component from its exponentials, checked against lossbook."""
    exps = [math.exp(v) for v in row]
    total = math.fsum(exps)
    by_hand = [e / total - (1.0 if k == label else 0.0) for k, e in enumerate(exps)]
    rows = [[k, num(v), num(e / total), int(k == label), num(g)] for k, (v, e, g) in enumerate(zip(row, exps, by_hand))]
    headers = ["$k$", "$z_k$", "$e^{z_k} / \\sum_j e^{z_j}$", "$y_k$", "$\\partial \\ell / \\partial z_k$"]
    line = check(
        "softmax minus target",
        by_hand,
        softmax_cross_entropy_grad([label], [row])[0],
        function="lossbook.classification.softmax_cross_entropy_grad",
    )
    return "\n".join([table(headers, rows), line])


def gradient_figure(rise: np.ndarray) -> str:
    """The gradient of three classes' cross-entropy as the true class's logit runs over ``rise`` (others at 0)."""
    rows = np.zeros((rise.size, 3))
    rows[:, 0] = rise  # the true class is 0; the other two logits stay at 0
    grads = softmax_cross_entropy_grad(np.zeros(rise.size, dtype=int), rows, reduction="none")
    fig, ax = plt.subplots()
    ax.plot(rise, grads[:, 0], label="true class: $q_0 - 1$")
    ax.plot(rise, grads[:, 1], label="each other class: $q_k$")
    ax.axhline(0.0, color="#8c8c8c", linewidth=0.8)
    ax.set_xlabel("logit of the true class $z_0$ (the other two at 0)")
    ax.set_ylabel("$\\partial \\ell / \\partial z_k$")
    ax.legend()
    return figure(
        fig,
        alt=(
            f"The gradient of the cross-entropy with respect to the logits of three classes as the true class's logit "
            f"goes from {alt_num(rise[0])} to {alt_num(rise[-1])}: the true class's component rises from "
            f"{alt_num(grads[0, 0], 3)} to {alt_num(grads[-1, 0], 3)}, each other class's falls "
            f"from {alt_num(grads[0, 1], 3)} to "
            f"{alt_num(grads[-1, 1], 3)}; the three always sum to 0."
        ),
        caption=(
            "The gradient of softmax cross-entropy is softmax − y: at most 1 in size, and 0 only when the model is "
            "sure and right."
        ),
    )


def temperature_widget(classes: list[str], logits: list[float], true_class: int) -> str:
    """Any logits, any temperature: softmax(z / T) and the cross-entropy; lossbook's values at sampled positions."""
    rng = np.random.default_rng(16)
    settings = [[*logits, 1.0], [0.0] * len(classes) + [1.0], [5.0, -5.0] * (len(classes) // 2) + [0.1]]
    settings += [list(rng.integers(-50, 51, len(classes)) / 10) + [int(rng.integers(1, 51)) / 10] for _ in range(30)]
    checks = []
    for *z, t in settings:
        scaled = np.array(z) / t
        checks.append(
            {
                "set": {**{f"z{k}": z[k] for k in range(len(classes))}, "T": t},
                "values": {"probs": softmax(scaled), "loss": softmax_cross_entropy([true_class], scaled[None, :])},
            }
        )
    return widget(
        "logits-temperature",
        "logits",
        title="Set the logits and the temperature T: the softmax probabilities and the loss for the "
        f"{classes[true_class]} follow.",
        controls=[
            {
                "name": f"z{k}",
                "label": f"logit of {name}",
                "min": -5.0,
                "max": 5.0,
                "step": 0.1,
                "value": logits[k],
                "digits": 1,
            }
            for k, name in enumerate(classes)
        ]
        + [{"name": "T", "label": "temperature T", "min": 0.1, "max": 5.0, "step": 0.1, "value": 1.0, "digits": 1}],
        outputs=[
            {"key": "probs", "index": k, "label": f"softmax for {name}", "digits": 4} for k, name in enumerate(classes)
        ]
        + [{"key": "loss", "label": f"cross-entropy, true class {classes[true_class]}", "digits": 4, "unit": "nats"}],
        params={"classes": classes, "label": true_class},
        checks=checks,
    )


def row(values: list[float], digits: int = 4) -> str:
    r"""Numbers for a TeX row vector, separated by ',\ '."""
    return ",\\ ".join(f"{v:.{digits}f}" for v in values)


def lse_steps(logits: list[float], shift: float) -> str:
    """The softmax and log-softmax of ``logits + shift`` by the log-sum-exp trick, step by step, checked against
    lossbook; refuses a result that is not the softmax of the unshifted logits."""
    big = [v + shift for v in logits]
    m = max(big)
    d = [v - m for v in big]  # differences from the largest logit: exact in float64 for moderate shifts
    e = [math.exp(v) for v in d]
    total = sum(e)
    log_total = math.log(total)
    lse = m + log_total
    log_p = [v - log_total for v in d]  # z_k - LSE(z) = (z_k - m) - log(sum)
    p = [math.exp(v) for v in log_p]
    if not np.allclose(p, softmax(np.array(logits)), rtol=1e-12, atol=0):
        raise ValueError(f"lse_steps: the softmax of the logits shifted by {shift} is not that of the logits")
    steps = (
        "$$\n\\begin{aligned}\n"
        f"z &= ({row(big, 1)}), \\qquad m = \\max_j z_j = {m:g} \\\\\n"
        f"z - m &= ({row(d, 1)}) \\\\\n"
        f"e^{{z - m}} &= ({row(e)}) \\\\\n"
        f"\\textstyle\\sum_j e^{{z_j - m}} &= {total:.4f}, \\qquad "
        f"\\log {total:.4f} = {log_total:.4f} \\\\\n"
        f"\\operatorname{{LSE}}(z) &= {m:g} + {log_total:.4f} = {lse:.4f} \\\\\n"
        f"\\log \\operatorname{{softmax}}(z) &= z - \\operatorname{{LSE}}(z) = ({row(log_p)}) \\\\\n"
        f"\\operatorname{{softmax}}(z) &= e^{{z - m}} / {total:.4f} = ({row(p)})\n"
        "\\end{aligned}\n$$\n"
    )
    return "\n".join(
        [
            steps,
            check(
                f"softmax of logits near {shift:g}",
                p,
                softmax(np.array(big)),
                function="lossbook.classification.softmax",
            ),
            check(
                f"log-softmax of logits near {shift:g}",
                log_p,
                log_softmax(np.array(big)),
                function="lossbook.classification.log_softmax",
            ),
        ]
    )


def batch_steps(classes: list[str], batch: list[list[float]], labels: list[int]) -> tuple[list[float], str]:
    """Each row's cross-entropy from its logits as LSE(z) - z_true, and their mean, step by step in nats, checked
    against lossbook: (the losses, the Markdown)."""
    losses, lines = [], []
    for i, (logits, c) in enumerate(zip(batch, labels), start=1):
        top = max(logits)
        lse_i = top + math.log(sum(math.exp(v - top) for v in logits))
        loss_i = lse_i - logits[c]
        losses.append(loss_i)
        lines.append(
            f"\\ell_{i} &= \\operatorname{{LSE}}({', '.join(f'{v:g}' for v in logits)}) - z_{{\\text{{{classes[c]}}}}}"
            f" = {lse_i:.4f} - {logits[c]:g} = {loss_i:.4f}\\ \\text{{nats}}"
        )
    mean_loss, steps = aligned_mean(lines, losses)
    line = check(
        f"cross-entropy of {len(batch)} photographs from logits",
        mean_loss,
        softmax_cross_entropy(labels, np.array(batch)),
        function="lossbook.classification.softmax_cross_entropy",
    )
    return losses, steps + "\n" + line


def temperature_figure(classes: list[str], logits: list[float]) -> str:
    """softmax(z / T) of each class against the temperature T from 0.1 to 10."""
    temperatures = np.geomspace(0.1, 10, 121)
    probs = softmax(np.array(logits)[None, :] / temperatures[:, None])
    fig, ax = plt.subplots()
    for k, name in enumerate(classes):
        ax.plot(temperatures, probs[:, k], label=f"{name} ($z$ = {logits[k]:g})")
    ax.axvline(1.0, color="#8c8c8c", linestyle=":", linewidth=1.2)
    ax.set_xscale("log")
    ax.set_xlabel("temperature $T$")
    ax.set_ylabel("softmax$(z / T)_k$")
    ax.set_ylim(0, 1)
    ax.legend(loc="center left")
    at = {T: softmax(np.array(logits) / T) for T in (0.1, 1.0, 10.0)}
    top, uniform = int(np.argmax(logits)), 1 / len(classes)
    return figure(
        fig,
        alt=(
            f"Softmax probabilities of the four classes ({', '.join(classes)}) as the temperature grows "
            f"from 0.1 to 10 on a logarithmic axis. At T = 0.1 the {classes[top]} takes "
            f"{alt_num(at[0.1][top])}; at T = 1 "
            f"the probabilities are {', '.join(f'{alt_num(v)}' for v in at[1.0])}; at T = 10 they have "
            f"flattened to between {alt_num(at[10.0].min())} and {alt_num(at[10.0].max())}, near "
            f"the uniform {alt_num(uniform)}."
        ),
        caption="Low temperatures push the softmax towards the one-hot argmax; high ones towards the uniform "
        "distribution.",
    )


def loss_figure(classes: list[str], logits: list[float], true_class: int, loss: float) -> str:
    """The cross-entropy and its slope against the true class's logit, the other logits fixed; the photograph
    (``logits``, its ``loss``) marked."""
    name = classes[true_class]
    grid = np.linspace(-4, 8, 121)
    rows = np.tile(np.array(logits), (grid.size, 1))
    rows[:, true_class] = grid
    loss_curve = softmax_cross_entropy(np.full(grid.size, true_class), rows, reduction="none")
    slope = softmax(rows)[:, true_class] - 1.0
    fig, ax = plt.subplots()
    ax.plot(grid, loss_curve, label="loss $\\ell$ (nats)")
    ax.plot(
        grid,
        slope,
        linestyle="--",
        label=f"slope $\\partial \\ell / \\partial z_{{{name}}}$ = softmax$(z)_{{{name}}} - 1$",
    )
    ax.axhline(0.0, color="#8c8c8c", linewidth=1)
    ax.scatter(
        [logits[true_class]],
        [loss],
        zorder=3,
        s=50,
        label=f"the {name} photograph ($z_{{{name}}}$ = {logits[true_class]:g})",
    )
    ax.set_xlabel(f"logit of the true class, $z_{{{name}}}$ (other logits fixed)")
    ax.set_ylabel("nats  /  nats per unit of logit")
    ax.legend()
    others = ", ".join(alt_num(v) for i, v in enumerate(logits) if i != true_class)
    return figure(
        fig,
        alt=(
            f"Cross-entropy in nats against the {name} logit from {alt_num(grid[0])} to "
            f"{alt_num(grid[-1])}, the other logits "
            f"fixed at {others}. The loss falls from "
            f"{alt_num(loss_curve[0])} to {alt_num(loss_curve[-1])}; its slope rises from "
            f"{alt_num(slope[0])} to {alt_num(slope[-1])}. "
            f"The {name} photograph sits at {alt_num(logits[true_class])} with a loss of {alt_num(loss)} nats."
        ),
        caption="The cross-entropy never reaches 0 for finite logits: with hard one-hot targets it keeps rewarding a "
        "larger gap.",
    )


def shares(logits: list[float]) -> list[float]:
    """The softmax, written out: each exponential over their sum."""
    exps = [math.exp(v) for v in logits]
    return [e / sum(exps) for e in exps]


def stage_note(dog_logits: list[float], true_class: int) -> str:
    """Where the logits' dog stands between the cross-entropy chapter's two stages (asserted)."""
    # The book's dog, part-way through training: its probability lies between the cross-entropy chapter's stages.
    q_dog_stages = {"before training": 0.2, "after training": 0.8}  # chapters/cross-entropy.md
    q_dog_here = math.exp(dog_logits[true_class]) / sum(math.exp(v) for v in dog_logits)
    assert q_dog_stages["before training"] < q_dog_here < q_dog_stages["after training"]
    return (
        "These are the book's own numbers: the same dog photograph as in the "
        "[cross-entropy](../chapters/cross-entropy.md) "
        f"chapter, part-way through training, when the model gives the dog a probability of {q_dog_here:.4f}, between "
        f"{q_dog_stages['before training']:g} before training and {q_dog_stages['after training']:g} after."
    )


def one_more_unit(dog_logits: list[float], true_class: int, classes: list[str]) -> str:
    """One more unit of the dog's logit multiplies its odds against each class by e, its share by less (asserted)."""
    raised = list(dog_logits)
    raised[true_class] += 1.0
    share_before, share_after = shares(dog_logits), shares(raised)
    odds_factors = [
        (share_after[true_class] / share_after[j]) / (share_before[true_class] / share_before[j])
        for j in range(len(classes))
        if j != true_class
    ]
    share_factor = share_after[true_class] / share_before[true_class]
    assert all(math.isclose(f, math.e, rel_tol=1e-12) for f in odds_factors)  # the odds: exactly e
    assert 1 < share_factor < math.e  # the share: less than e
    return (
        f"One more unit of logit for the dog, {dog_logits[true_class]:g} → {raised[true_class]:g}, "
        "raises its probability "
        f"from {share_before[true_class]:.4f} to {share_after[true_class]:.4f}, a factor of only {share_factor:.2f}; "
        f"its odds against each other class, such as the cat's {share_before[true_class] / share_before[0]:.4f} → "
        f"{share_after[true_class] / share_after[0]:.4f}, are multiplied by exactly $e \\approx {math.e:.4f}$."
    )
