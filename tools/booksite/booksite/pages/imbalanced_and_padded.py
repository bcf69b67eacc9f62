"""Imbalanced and padded data (docs/practice/imbalanced-and-padded.md): pos_weight, padding, a segmentation map."""

from __future__ import annotations

import math
from fractions import Fraction

import matplotlib.pyplot as plt
import numpy as np

from booksite.page import alt_num, check, exact, figure, num, table
from lossbook import (
    binary_cross_entropy_with_logits,
    binary_cross_entropy_with_logits_grad,
    log_softmax,
    nll,
    softmax_cross_entropy,
    softmax_cross_entropy_grad,
)


def softplus(v: float) -> float:
    """-ln sigma(v) = ln(1 + e^-v), for v >= 0."""
    return math.log1p(math.exp(-v))


def token_loss(z: list[float], c: int) -> float:
    """-ln softmax(z)_c by hand: the largest logit taken out before the exponentials."""
    top = max(z)
    return top + math.log(math.fsum(math.exp(v - top) for v in z)) - z[c]


def pos_weight_steps(a: float, z0: float) -> str:
    """The losses of a positive and a negative at logit ``z0``, with and without pos_weight ``a``, checked."""
    positive = a * softplus(z0)  # y = 1: -a ln sigma(z)
    negative = z0 + softplus(z0)  # y = 0: -ln sigma(-z) = z + ln(1 + e^-z)
    return "\n".join(
        [
            table(
                ["label $y$", "loss without `pos_weight`", f"loss with $a = {a:g}$"],
                [[1, num(softplus(z0)), num(positive)], [0, num(negative), num(negative)]],
            ),
            check(
                "pos_weight losses",
                [positive, negative],
                binary_cross_entropy_with_logits([1.0, 0.0], [z0, z0], pos_weight=[a], reduction="none"),
                function="lossbook.classification.binary_cross_entropy_with_logits",
            ),
        ]
    )


def imbalance_effect(x: np.ndarray, y: np.ndarray, models: dict[str, tuple[float, float]]) -> str:
    """What pos_weight = negatives / positives does to the untrained loss and to the trained models' decisions."""
    n_pos, n_neg = int(np.sum(y == 1)), int(np.sum(y == 0))
    ratio = n_neg / n_pos
    start = np.zeros_like(x)  # the untrained model: every logit 0
    for_share = {
        "plain": binary_cross_entropy_with_logits(y, start, reduction="none"),
        "pos_weight": binary_cross_entropy_with_logits(y, start, pos_weight=[ratio], reduction="none"),
    }
    share = {name: losses[y == 1].sum() / losses.sum() for name, losses in for_share.items()}
    cut = {name: -b / w for name, (w, b) in models.items()}
    recall = {name: np.mean((w * x[y == 1] + b) > 0) for name, (w, b) in models.items()}
    flagged = {name: int(np.sum(w * x + b > 0)) for name, (w, b) in models.items()}
    assert recall["pos_weight"] > recall["plain"] and cut["pos_weight"] < cut["plain"]  # the text says so
    assert flagged["pos_weight"] > flagged["plain"]
    return (
        f"Before any training the {n_pos} positives make up {share['plain']:.0%} of the plain loss and "
        f"{share['pos_weight']:.0%} of the loss with `pos_weight` = {ratio:g}: weighted, the two classes count "
        f"equally. After training, the weighted model moves its decision boundary from x = {cut['plain']:.3f} down "
        f"to x = {cut['pos_weight']:.3f}. It finds {recall['pos_weight']:.0%} of the positives instead of "
        f"{recall['plain']:.0%}, and pays with false alarms: it flags {flagged['pos_weight']} examples instead of "
        f"{flagged['plain']}. Neither model is wrong; `pos_weight` chooses recall over precision."
    )


def padded_steps(targets: np.ndarray, token_logits: np.ndarray, vocabulary: list[str], pad: int) -> tuple[int, str]:
    """Each real token's loss by hand, their mean and its perplexity, checked against softmax_cross_entropy
    and nll with ``ignore_index``: (the number of real tokens, the Markdown)."""
    token_losses, rows = [], []
    for (s, t), c in np.ndenumerate(targets):
        if c == pad:
            rows.append([s + 1, t + 1, "(padding)", "—"])
            continue
        token_losses.append(token_loss([float(v) for v in token_logits[s, t]], int(c)))
        rows.append([s + 1, t + 1, vocabulary[c], num(token_losses[-1])])
    mean_loss = math.fsum(token_losses) / len(token_losses)
    perplexity = math.exp(mean_loss)
    ours = softmax_cross_entropy(targets, token_logits, ignore_index=pad)
    by_nll = nll(targets, log_softmax(token_logits), ignore_index=pad)
    return len(token_losses), "\n".join(
        [
            table(["sentence", "position", "true token", "loss (nats)"], rows, align="rrlr"),
            f"\n$$\nL = \\frac{{{' + '.join(num(v) for v in token_losses)}}}{{{len(token_losses)}}} = "
            f"{num(mean_loss)}\\ \\text{{nats}}, \\qquad e^{{L}} = {num(perplexity)}\n$$\n",
            check("padded mean loss", mean_loss, ours, function="lossbook.classification.softmax_cross_entropy"),
            check("padded mean loss via nll", mean_loss, by_nll, function="lossbook.classification.nll"),
            check("perplexity", perplexity, math.exp(ours), function="lossbook.classification.softmax_cross_entropy"),
        ]
    )


def padding_mistakes(
    targets: np.ndarray, token_logits: np.ndarray, vocabulary: list[str], pad: int, n_tokens: int
) -> str:
    """Padding read as token 0, and padding's zero losses averaged in, against ``ignore_index``: the Markdown."""
    ours = softmax_cross_entropy(targets, token_logits, ignore_index=pad)
    wrong = softmax_cross_entropy(np.where(targets == pad, 0, targets), token_logits)  # padding read as token 0
    per_position = softmax_cross_entropy(targets, token_logits, ignore_index=pad, reduction="none")
    diluted = per_position.mean()  # the zeros of the padding averaged in
    grads = softmax_cross_entropy_grad(targets, token_logits, ignore_index=pad)
    assert np.all(grads[targets == pad] == 0) and np.all(per_position[targets == pad] == 0)
    assert diluted < ours  # the text says averaging in the padding reports too low a loss
    return (
        f'Two ways to get it wrong. Labelling the padding as a real token (here token 0, "{vocabulary[0]}") makes '
        "the model "
        f"learn to predict padding, and reports {num(wrong)} nats (perplexity {num(math.exp(wrong))}) instead of "
        f"{num(ours)} ({num(math.exp(ours))}). Ignoring the padding's losses but still dividing by all "
        f"{targets.size} positions reports {num(diluted)} nats, too low by the factor "
        f"{n_tokens}/{targets.size}, and a batch with more padding looks better for no reason. "
        "With `ignore_index` the padding's losses and its rows of the gradient are exactly 0."
    )


def class_weights(label_map: np.ndarray, names: list[str]) -> tuple[np.ndarray, str]:
    """Weights HW / (K pixels_k), rarer classes weighing more: (the weights, their table)."""
    counts = np.bincount(label_map.ravel(), minlength=len(names))
    weights = label_map.size / (len(names) * counts)
    return weights, table(
        ["class", "pixels", "weight $w_k = \\frac{HW}{K \\cdot \\text{pixels}_k}$"],
        [[n, int(c), num(w)] for n, c, w in zip(names, counts, weights)],
        align="lrr",
    )


def segmentation_steps(label_map: np.ndarray, pixel_logits: np.ndarray, class_weight: np.ndarray, car: int) -> str:
    """The plain and class-weighted mean per-pixel loss by hand, checked; the ``car`` class's share: the Markdown."""
    pixel_loss = {rc: token_loss([float(v) for v in pixel_logits[rc]], int(k)) for rc, k in np.ndenumerate(label_map)}
    plain = math.fsum(pixel_loss.values()) / label_map.size
    w = {rc: float(class_weight[label_map[rc]]) for rc in pixel_loss}
    weighted = math.fsum(w[rc] * v for rc, v in pixel_loss.items()) / math.fsum(w.values())
    is_car = label_map == car
    per_pixel = softmax_cross_entropy(label_map, pixel_logits, reduction="none")
    car_share = per_pixel[is_car].sum() / per_pixel.sum()
    car_share_w = (class_weight[car] * per_pixel[is_car].sum()) / (class_weight[label_map] * per_pixel).sum()
    g_plain = softmax_cross_entropy_grad(label_map, pixel_logits)
    g_weighted = softmax_cross_entropy_grad(label_map, pixel_logits, weight=class_weight)
    pull = np.abs(g_plain[is_car]).sum() / np.abs(g_plain).sum()
    pull_w = np.abs(g_weighted[is_car]).sum() / np.abs(g_weighted).sum()
    car_loss, rest_loss = per_pixel[is_car].mean(), per_pixel[~is_car].mean()
    assert weighted > plain and car_loss > rest_loss and class_weight.argmax() == car  # the text says so
    return "\n".join(
        [
            f"$$\nL = \\frac{{1}}{{{label_map.size}}} \\sum_{{\\text{{pixels}}}} \\ell = {num(plain)}, \\qquad "
            f"L_w = \\frac{{\\sum w_{{y}}\\, \\ell}}{{\\sum w_{{y}}}} = {num(weighted)}\\ \\text{{nats}}\n$$\n",
            check(
                "segmentation, plain mean",
                plain,
                softmax_cross_entropy(label_map, pixel_logits),
                function="lossbook.classification.softmax_cross_entropy",
            ),
            check(
                "segmentation, weighted mean",
                weighted,
                softmax_cross_entropy(label_map, pixel_logits, weight=class_weight),
                function="lossbook.classification.softmax_cross_entropy",
            ),
            f"\nThe weighted mean, {num(weighted)} nats, is above the plain {num(plain)}: the model does worst on the "
            f"car ({num(car_loss)} nats per car pixel against {num(rest_loss)} for the others), and the car weighs "
            f"most. The {int(is_car.sum())} car pixels are {is_car.mean():.0%} of the map and carry {car_share:.0%} "
            f"of the plain loss; weighted, {car_share_w:.0%}. Their share of the gradient, what training acts on, "
            f"goes from {pull:.0%} to {pull_w:.0%}, so a model trained with these weights cannot ignore the car for "
            "the sake of the background.",
        ]
    )


def _text_on(cell: np.ndarray) -> str:
    """Black or white, whichever contrasts more with a cell of this RGBA colour (WCAG relative luminance)."""
    rgb = np.asarray(cell[:3], dtype=float)
    linear = np.where(rgb <= 0.04045, rgb / 12.92, ((rgb + 0.055) / 1.055) ** 2.4)
    luminance = float(linear @ [0.2126, 0.7152, 0.0722])
    # contrast with black (L + 0.05) / 0.05 against white 1.05 / (L + 0.05): equal at L = sqrt(0.0525) - 0.05
    return "black" if luminance > math.sqrt(0.0525) - 0.05 else "white"


def segmentation_figure(
    label_map: np.ndarray, pixel_logits: np.ndarray, class_weight: np.ndarray, names: list[str], car: int
) -> str:
    """Heat maps of the per-pixel loss and of it times the class weight, each pixel marked by its class's initial."""
    per_pixel = softmax_cross_entropy(label_map, pixel_logits, reduction="none")
    weighted_map = class_weight[label_map] * per_pixel
    fig, axes = plt.subplots(1, 2, figsize=(7.6, 2.8))
    for ax, values, title in zip(axes, [per_pixel, weighted_map], ["per-pixel loss", "times the class weight"]):
        image = ax.pcolormesh(values, cmap="viridis", edgecolors="face")  # vector cells (imshow embeds a PNG)
        ax.set_aspect("equal")
        ax.invert_yaxis()
        cells = image.to_rgba(values)
        for (r, c), k in np.ndenumerate(label_map):
            ink = _text_on(cells[r, c])
            ax.text(c + 0.5, r + 0.5, names[k][0], ha="center", va="center", color=ink, fontsize=9)
        ax.set_title(title)
        ax.set_xticks([])
        ax.set_yticks([])
        bar = fig.colorbar(image, ax=ax, shrink=0.8)
        bar.solids.set_rasterized(False)  # vector in the SVG and the PDF too
        bar.solids.set_edgecolor("face")  # no seams between the bar's cells
    fig.tight_layout()
    initials = ", ".join(f"{n[0]} for {n}" for n in names)
    return figure(
        fig,
        alt=(
            f"Two heat maps of the {label_map.shape[0]} by {label_map.shape[1]} segmentation map, each pixel marked "
            f"by its class ({initials}). Left, the per-pixel loss, from {alt_num(per_pixel.min(), 3)} to "
            f"{alt_num(per_pixel.max(), 3)} nats; the {names[car]} pixels' losses are "
            f"{' and '.join(alt_num(v, 3) for v in per_pixel[label_map == car])}. Right, the same times the class "
            f"weight, up to {alt_num(weighted_map.max(), 3)}: the {names[car]} pixels stand out."
        ),
        caption="Per-pixel cross-entropy of a small segmentation map (left) and weighted by class (right).",
    )


def exercise_pos_weight_balance(n_pos: int, n_neg: int) -> str:
    """Exercise 1: a batch of n_pos positives and n_neg negatives at logit 0, with pos_weight n_neg / n_pos:
    the loss and the gradient by hand (exact fractions), checked; the gradients' sum is 0 with it."""
    n, a = n_pos + n_neg, Fraction(n_neg, n_pos)
    loss = float(a * n_pos + n_neg) * math.log(2) / n  # sigma(0) = 1/2: each term is ln 2, a positive's times a
    half = Fraction(1, 2)  # sigma(0)
    g_pos, g_neg = -a * half / n, half / n  # (1 - y) sigma(z) - a y sigma(-z), over n
    plain_sum = (n_neg - n_pos) * half / n
    y, zeros = np.array([1.0] * n_pos + [0.0] * n_neg), np.zeros(n)
    assert n_pos * g_pos + n_neg * g_neg == 0 and plain_sum > 0  # the text says so
    return "\n".join(
        [
            f"At $z = 0$, $\\sigma(0) = \\sigma(-0) = {exact(half)}$, so each term costs $\\ln 2$, and a "
            f"positive's is multiplied by $a = {exact(a)}$: "
            f"$L = ({exact(a)} \\cdot {n_pos} + {n_neg}) \\ln 2 / {n} = {num(loss)}$ nats. The gradient is "
            f"${exact(half)} / {n} = {exact(g_neg)}$ for each negative and "
            f"$-{exact(a)} \\cdot {exact(half)} / {n} = {exact(g_pos)}$ for the positive"
            f"{'s' if n_pos > 1 else ''}. The bias moves against the sum of the gradients, which is "
            f"${n_pos} \\cdot ({exact(g_pos)}) + {n_neg} \\cdot {exact(g_neg)} = 0$: the two classes pull equally. "
            f"Without `pos_weight` the sum is {exact(plain_sum)}, and the first step lowers the bias, towards "
            "calling everything negative.\n",
            check(
                "imbalanced exercise 1, loss",
                loss,
                binary_cross_entropy_with_logits(y, zeros, pos_weight=[float(a)]),
                function="lossbook.classification.binary_cross_entropy_with_logits",
            ),
            check(
                "imbalanced exercise 1, gradient",
                [g_pos] * n_pos + [g_neg] * n_neg,
                binary_cross_entropy_with_logits_grad(y, zeros, pos_weight=[float(a)]),
                function="lossbook.classification.binary_cross_entropy_with_logits_grad",
            ),
            check(
                "imbalanced exercise 1, plain gradient's sum",
                plain_sum,
                binary_cross_entropy_with_logits_grad(y, zeros).sum(),
                function="lossbook.classification.binary_cross_entropy_with_logits_grad",
            ),
        ]
    )


def exercise_class_weights(odds: int, labels: list[int], class_weight: list[int]) -> str:
    """Exercise 2: examples with the logits (ln odds, 0) over two classes; each loss, the weighted mean and the
    weighted sum by hand, checked against softmax_cross_entropy with ``weight``."""
    q = [Fraction(odds, odds + 1), Fraction(1, odds + 1)]  # softmax(ln odds, 0): e^(ln odds) = odds
    losses = [-math.log(q[c]) for c in labels]
    w = [class_weight[c] for c in labels]
    total = math.fsum(wi * li for wi, li in zip(w, losses))
    logits = np.tile([math.log(odds), 0.0], (len(labels), 1))
    weight = np.array(class_weight, dtype=float)
    terms = " + ".join(f"{wi} \\cdot {num(li)}" for wi, li in zip(w, losses))
    return "\n".join(
        [
            f"The softmax of $(\\ln {odds}, 0)$ is $({exact(q[0])}, {exact(q[1])})$, so the losses are "
            + ", ".join(f"$-\\ln {exact(q[c])} = {num(li)}$" for c, li in zip(labels, losses))
            + f" nats. Weighted, the sum is ${terms} = {num(total)}$ and the mean divides it by the sum of the "
            f"weights, ${' + '.join(str(wi) for wi in w)} = {sum(w)}$: {num(total / sum(w))} nats, against "
            f"{num(math.fsum(losses) / len(losses))} unweighted: the weighted mean moves towards the loss of the "
            "class with the larger weight, and stays between the smallest and the largest loss.\n",
            check(
                "imbalanced exercise 2, weighted sum",
                total,
                softmax_cross_entropy(labels, logits, weight=weight, reduction="sum"),
                function="lossbook.classification.softmax_cross_entropy",
            ),
            check(
                "imbalanced exercise 2, weighted mean",
                total / sum(w),
                softmax_cross_entropy(labels, logits, weight=weight),
                function="lossbook.classification.softmax_cross_entropy",
            ),
        ]
    )


def exercise_uniform_model(targets: np.ndarray, n_words: int, pad: int) -> str:
    """Exercise 3: a model whose logits are all 0 over ``n_words`` words: its loss and perplexity with
    ``ignore_index``, and what averaging the padding in would report, by hand and checked."""
    real = int(np.sum(targets != pad))
    loss = math.log(n_words)  # every real token has probability 1/V
    diluted = real * loss / targets.size
    zeros = np.zeros(targets.shape + (n_words,))
    ours = softmax_cross_entropy(targets, zeros, ignore_index=pad)
    return "\n".join(
        [
            f"Every word has probability $1/{n_words}$, so each real token costs $\\ln {n_words} = {num(loss)}$ "
            f"nats. The mean over the {real} real tokens is the same, and the perplexity is $e^{{\\ln {n_words}}} = "
            f"{num(math.exp(loss), whole=True)}$: a model that knows nothing is as unsure as a pick among the "
            f"{n_words} words. Averaged over all {targets.size} positions, the padding's zeros included, the loss "
            f"would be ${real} \\cdot {num(loss)} / {targets.size} = {num(diluted)}$ nats and the perplexity "
            f"{num(math.exp(diluted))}, as if the model had learnt something.\n",
            check(
                "imbalanced exercise 3, loss",
                loss,
                ours,
                function="lossbook.classification.softmax_cross_entropy",
            ),
            check(
                "imbalanced exercise 3, via nll",
                loss,
                nll(targets, log_softmax(zeros), ignore_index=pad),
                function="lossbook.classification.nll",
            ),
            check(
                "imbalanced exercise 3, padding averaged in",
                diluted,
                softmax_cross_entropy(targets, zeros, ignore_index=pad, reduction="none").mean(),
                function="lossbook.classification.softmax_cross_entropy",
            ),
        ]
    )
