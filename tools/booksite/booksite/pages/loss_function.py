"""The loss function chapter (docs/chapters/loss-function.md): the losses of one prediction, and the map."""

from __future__ import annotations

import math

import matplotlib.pyplot as plt
import numpy as np

from booksite.page import alt_num, check, figure, num, table
from lossbook import binary_cross_entropy, cross_entropy, entropy, huber, mae, mse, softmax_cross_entropy

PROBS = [0.05, 0.8, 0.1, 0.05]  # cat, dog, horse, rabbit: the book's after-training prediction for the dog
TRUE_HEIGHT = 40.5  # the dog of the MSE chapter, in cm


def height_curves(true_height: float = TRUE_HEIGHT) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """The predicted heights, and the squared, absolute and Huber (delta 1) error of each for ``true_height``."""
    guesses = np.linspace(37.5, 43.5, 121)
    truth = np.full_like(guesses, true_height)
    return guesses, {
        "squared error (MSE)": mse(truth, guesses, reduction="none"),
        "absolute error (MAE)": mae(truth, guesses, reduction="none"),
        "Huber, $\\delta = 1$": huber(truth, guesses, delta=1.0, reduction="none"),
    }


def curves_figure() -> str:
    """Three losses of one predicted height against the prediction, for one true height."""
    true_height = TRUE_HEIGHT
    guesses, curves = height_curves(true_height)
    fig, ax = plt.subplots()
    for label, values in curves.items():
        ax.plot(guesses, values, label=label)
    # The marker of the truth stops below the legend (which it would strike through) and above its label.
    ax.axvline(true_height, ymax=0.65, color="0.45", linestyle=":", linewidth=1.2)
    ax.annotate("true height", (true_height, 5), xytext=(5, 0), textcoords="offset points", fontsize=9)
    ax.set_ylim(0, 9)
    ax.set_xlabel("predicted height (cm)")
    ax.set_ylabel("loss")
    ax.legend(fontsize=9, loc="upper center")
    lowest = {label: alt_num(guesses[np.argmin(values)]) for label, values in curves.items()}
    return figure(
        fig,
        alt=(
            f"Three losses against the predicted height, from {alt_num(guesses[0])} to {alt_num(guesses[-1])} cm, "
            f"for a true height of {alt_num(true_height)} cm: the squared error is a parabola, the absolute error "
            f"a V, the Huber loss a parabola near the truth and straight lines further out. "
            f"Each is lowest at a prediction of "
            + ", ".join(f"{value} cm ({label.split(',')[0]})" for label, value in lowest.items())
            + "."
        ),
        caption=f"The loss of one predicted height, for a dog {true_height} cm tall. Every curve is zero "
        "at the truth and rises on both sides; they differ in how fast.",
    )


def minimum_note() -> str:
    """Why "smallest" is zero for the regression losses but not for cross-entropy against a soft target.

    Every value the sentence states is computed here, and asserted: the regression losses are 0 at the
    truth, the cross-entropy against a soft target is smallest at q = p with the value H(p) > 0, and
    label smoothing's target puts the same floor under every prediction.
    """
    guesses, curves = height_curves()
    at_truth = {label: float(values[np.argmin(np.abs(guesses - TRUE_HEIGHT))]) for label, values in curves.items()}
    assert all(value == 0.0 for value in at_truth.values()), at_truth
    soft = np.array([0.7, 0.2, 0.1])  # the book's own soft target, three classes
    floor = float(cross_entropy(soft, soft))
    nearby = [float(cross_entropy(soft, q)) for q in (np.array([0.72, 0.18, 0.1]), np.array([0.68, 0.2, 0.12]))]
    assert floor > 0 and all(value > floor for value in nearby), (floor, nearby)
    # Label smoothing, epsilon = 0.1 over 4 classes: the target (1 - eps) y + eps / K, and its entropy.
    eps, k = 0.1, 4
    ls_floor = float(entropy((1 - eps) * np.eye(k)[1] + eps / k))
    return (
        "For the squared, absolute and Huber errors above the smallest value is 0, reached at the true height. "
        "For the cross-entropy it is 0 only when the target is one-hot. Against a soft target $p$ the best "
        "prediction is $q = p$, and the loss there is the entropy $H(p)$, which is not 0: "
        f"for $p = ({', '.join(f'{v:g}' for v in soft)})$ it is {num(floor)} nats. "
        f"[Label smoothing](../practice/label-smoothing.md) makes every target soft: with $\\varepsilon = {eps:g}$ "
        f"over {k} classes no prediction can bring the loss below {num(ls_floor)} nats. "
        "What matters for training is where the minimum is, not that its value is 0."
    )


def loss_map() -> str:
    """Each kind of target with its loss: the value from lossbook, checked against a direct formula."""
    classes = ["cat", "dog", "horse", "rabbit"]
    dog_true, dog_pred = [40.5, 21.3], [39.2, 19.7]  # height (cm), weight (kg)
    onehot, probs = [0, 1, 0, 0], PROBS  # truth "dog"; the book's after-training prediction
    logits = [1.5, 3.0, 0.5, -1.0]  # the book's dog logits (from logits to probabilities)
    is_dog, p_dog = 1, 0.8  # yes/no: "is it a dog?"

    errors = np.subtract(dog_pred, dog_true)
    softmax_probs = np.exp(logits) / np.sum(np.exp(logits))
    rows = [
        (
            "a number",
            "{} cm, {} kg".format(*dog_true),
            "{} cm, {} kg".format(*dog_pred),
            "[MSE](mse.md)",
            mse(dog_true, dog_pred),
            np.mean(errors**2),
            "lossbook.regression.mse",
            "",
        ),
        (
            "a number",
            "the same",
            "the same",
            "[MAE](mae.md)",
            mae(dog_true, dog_pred),
            np.mean(np.abs(errors)),
            "lossbook.regression.mae",
            "",
        ),
        (
            "a number",
            "the same",
            "the same",
            "[Huber](../practice/huber.md), $\\delta = 1$",
            huber(dog_true, dog_pred, delta=1.0),
            np.mean(np.where(np.abs(errors) <= 1, errors**2 / 2, np.abs(errors) - 0.5)),
            "lossbook.regression.huber",
            "",
        ),
        (
            "a class",
            f"one-hot {onehot}",
            f"probabilities {probs}",
            "[cross-entropy](cross-entropy.md)",
            cross_entropy(onehot, probs),
            -math.log(probs[1]),
            "lossbook.information.cross_entropy",
            " nats",
        ),
        (
            "a class",
            f"class 1 ({classes[1]})",
            f"logits {logits}",
            "[softmax cross-entropy](../practice/logits.md)",
            softmax_cross_entropy([1], [logits]),
            -math.log(softmax_probs[1]),
            "lossbook.classification.softmax_cross_entropy",
            " nats",
        ),
        (
            "yes or no",
            f"{is_dog} (yes)",
            f"probability {p_dog}",
            "[binary cross-entropy](../practice/binary-cross-entropy.md)",
            binary_cross_entropy([is_dog], [p_dog]),
            -math.log(p_dog),
            "lossbook.classification.binary_cross_entropy",
            " nats",
        ),
    ]
    for _, _, _, loss_name, value, direct, function, _ in rows:
        check(f"{loss_name} in the map", direct, value, function=function)  # raises if they disagree
    return table(
        ["target", "ground truth", "prediction", "loss", "value"],
        [
            [kind, truth_, pred, loss_name, f"{value:.4f}{unit}"]
            for kind, truth_, pred, loss_name, value, _, _, unit in rows
        ],
        align="llllr",
    )
