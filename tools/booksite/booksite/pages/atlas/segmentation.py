"""The segmentation atlas (docs/atlas/segmentation.md): the overlap figures and the mask sums.

The figures score an image whose object is a rectangle of ones, the prediction putting one
probability on the object and another on the background. The worked examples sum over a
small mask in exact arithmetic (the predicted probabilities are decimal strings).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from fractions import Fraction

import numpy as np

import lossbook
from booksite.page import alt_num, check, num, table
from booksite.pages.atlas import loss_and_slope

Mask = Sequence[Sequence[Fraction | int]]


def object_image(shape: tuple[int, int] = (10, 10), rows: slice = slice(3, 7), cols: slice = slice(2, 7)) -> np.ndarray:
    """A true mask: zeros, with ones on a rectangle (the object)."""
    truth = np.zeros(shape)
    truth[rows, cols] = 1.0
    return truth


def predictions(truth: np.ndarray, on_object: float, background: float) -> np.ndarray:
    """A predicted mask: ``on_object`` on the object's pixels, ``background`` elsewhere."""
    return np.where(truth == 1, on_object, background)


def first_object_pixel(truth: np.ndarray) -> tuple[int, ...]:
    """The index of the object's first pixel (in C order): the one whose derivative the figures show."""
    return tuple(int(i[0]) for i in np.nonzero(truth))


def overlap_figure(
    truth: np.ndarray,
    background: float,
    levels: np.ndarray,
    series: Sequence[tuple[str, Callable, Callable]],
    caption: str,
) -> str:
    """Each ``(label, loss, grad)`` against the probability predicted on the object (left), and the
    derivative in the first object pixel's prediction (right)."""
    pixel = first_object_pixel(truth)
    curves = [
        (
            label,
            np.array([loss(truth, predictions(truth, v, background)) for v in levels]),
            np.array([grad(truth, predictions(truth, v, background))[pixel] for v in levels]),
        )
        for label, loss, grad in series
    ]
    height, width = truth.shape
    return loss_and_slope(
        levels,
        curves,
        xlabel="predicted probability on the object",
        what=f"probability predicted on the object (background {alt_num(background)})",
        slope="derivative, one object pixel",
        setting=f" of a {height} by {width} image with a {int(truth.sum())}-pixel object",
        caption=caption,
        # The image's size and the object's, and the background level: the setting, not drawn as coordinates.
        derived=[height, width, truth.sum(), background],
    )


def dice_figure(truth: np.ndarray, background: float, levels: np.ndarray) -> str:
    series = [("Dice", lossbook.dice, lossbook.dice_grad)]
    caption = "The Dice loss falls as the object is found; the pull on an object pixel weakens as the overlap grows."
    return overlap_figure(truth, background, levels, series, caption)


def tversky_figure(
    truth: np.ndarray, background: float, levels: np.ndarray, weights: Sequence[tuple[float, float]]
) -> str:
    series = [
        (
            f"α = {a:g}, β = {b:g}",
            lambda y, p, a=a, b=b: lossbook.tversky(y, p, alpha=a, beta=b),
            lambda y, p, a=a, b=b: lossbook.tversky_grad(y, p, alpha=a, beta=b),
        )
        for a, b in weights
    ]
    caption = "Tversky losses for three weightings of the false negatives (α) and false positives (β)."
    return overlap_figure(truth, background, levels, series, caption)


def tversky_pull(truth: np.ndarray, background: float, on_object: float, alpha: float, beta: float) -> float:
    """The size of the Tversky derivative in the first object pixel, for a prediction of ``on_object`` there."""
    grad = lossbook.tversky_grad(truth, predictions(truth, on_object, background), alpha=alpha, beta=beta)
    return abs(float(grad[first_object_pixel(truth)]))


def fractions(rows: Sequence[str]) -> list[list[Fraction]]:
    """A mask written as rows of space-separated decimals (``"0.1 0.8"``), as exact fractions."""
    return [[Fraction(v) for v in row.split()] for row in rows]


def pixel_sum(y: Mask, p: Mask, term: Callable) -> Fraction:
    """The sum over the pixels of ``term(y_i, p_i)``, exactly."""
    return sum((term(a, b) for ya, pa in zip(y, p) for a, b in zip(ya, pa)), Fraction(0))


def _sums_table(quantities: Sequence[tuple[str, str, Fraction]]) -> str:
    rows = [[name, tex, num(float(value))] for name, tex, value in quantities]
    return table(["quantity", "sum", "value"], rows, "llr")


def _masks(y: Mask, p: Mask) -> tuple[np.ndarray, np.ndarray]:
    return np.array(y, dtype=float), np.array(p, dtype=float)


def dice_steps(y: Mask, p: Mask) -> str:
    """The Dice loss of one mask from its three sums, exactly, checked against lossbook."""
    overlap = pixel_sum(y, p, lambda a, b: a * b)
    mass_true, mass_pred = pixel_sum(y, p, lambda a, b: a), pixel_sum(y, p, lambda a, b: b)
    value = 1 - 2 * overlap / (mass_true + mass_pred)
    sums = _sums_table(
        [
            ("overlap $I$", "$\\sum y \\hat y$", overlap),
            ("target mass", "$\\sum y$", mass_true),
            ("predicted mass", "$\\sum \\hat y$", mass_pred),
        ]
    )
    written = (
        f"\n$$\\ell = 1 - \\frac{{2 \\cdot {num(float(overlap))}}}{{{num(float(mass_true))} + "
        f"{num(float(mass_pred))}}} = {num(float(value))}$$\n\n"
    )
    return sums + written + check("a mask", value, lossbook.dice(*_masks(y, p)), function="lossbook.segmentation.dice")


def tversky_steps(y: Mask, p: Mask, alpha: str, beta: str) -> str:
    """The Tversky loss of one mask from TP, FN and FP, exactly (``alpha``, ``beta`` as decimal strings)."""
    a, b = Fraction(alpha), Fraction(beta)
    tp = pixel_sum(y, p, lambda t, q: t * q)
    fn = pixel_sum(y, p, lambda t, q: t * (1 - q))
    fp = pixel_sum(y, p, lambda t, q: (1 - t) * q)
    value = 1 - tp / (tp + a * fn + b * fp)
    sums = _sums_table(
        [
            ("true positives TP", "$\\sum y \\hat y$", tp),
            ("false negatives FN", "$\\sum y (1 - \\hat y)$", fn),
            ("false positives FP", "$\\sum (1 - y) \\hat y$", fp),
        ]
    )
    written = (
        f"\n$$\\ell = 1 - \\frac{{{num(float(tp))}}}{{{num(float(tp))} + {alpha} \\cdot {num(float(fn))} + "
        f"{beta} \\cdot {num(float(fp))}}} = {num(float(value))}$$\n\n"
    )
    lossbook_value = lossbook.tversky(*_masks(y, p), alpha=float(a), beta=float(b))
    return (
        sums
        + written
        + check(f"a mask, alpha {alpha}", value, lossbook_value, function="lossbook.segmentation.tversky")
    )
