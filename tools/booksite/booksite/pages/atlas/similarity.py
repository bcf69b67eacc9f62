"""The atlas page on similarity losses (docs/atlas/similarity.md): its figures and the cosine worked example."""

from __future__ import annotations

import math

import numpy as np

import lossbook
from booksite.page import alt_num, num
from booksite.pages.atlas import loss_and_slope


def rotated(angles: np.ndarray) -> np.ndarray:
    """Unit vectors in the plane at the given angles (radians) from (1, 0), one per row."""
    return np.stack([np.cos(angles), np.sin(angles)], axis=1)


TURN = "derivative per radian"  # of a turn: the gradient along the turning unit vector (see _along_turn)


def _along_turn(grad: np.ndarray, angles: np.ndarray) -> np.ndarray:
    """The derivative along a unit vector turning at ``angles``: the gradient dotted with d b / d angle."""
    return np.sum(grad * np.stack([-np.sin(angles), np.cos(angles)], axis=1), axis=1)


def _turning(angles: np.ndarray, series, *, angle_of: str, subject: str, **options) -> str:
    """``loss_and_slope`` of ``(label, losses, gradients)`` as a vector turns by ``angles`` (radians), in degrees.

    The gradients are those of the turning vector; the figure shows them along the turn (``_along_turn``).
    """
    return loss_and_slope(
        np.degrees(angles),
        [(label, np.asarray(losses), _along_turn(np.asarray(grads), angles)) for label, losses, grads in series],
        xlabel=f"angle {angle_of} (degrees)",
        what=f"angle {angle_of}, in degrees",
        slope=TURN,
        caption=f"{subject}: the loss (left) and its derivative per radian of the turn (right).",
        **options,
    )


def cosine_figure(angles: np.ndarray, margin: float = 0.2) -> str:
    """Negative cosine and the dissimilar-pair cosine embedding as (0, 1)'s partner turns by ``angles``."""
    a, b, dissimilar = np.tile([[1.0, 0.0]], (len(angles), 1)), rotated(angles), -np.ones(len(angles))
    series = [
        (
            "negative cosine (Keras)",
            lossbook.cosine_similarity(a, b, reduction="none"),
            lossbook.cosine_similarity_grad(a, b, reduction="none"),
        ),
        (
            f"cosine embedding, y = −1, m = {alt_num(margin)}",
            lossbook.cosine_embedding(dissimilar, a, b, margin=margin, reduction="none"),
            lossbook.cosine_embedding_grad(dissimilar, a, b, margin=margin, reduction="none")[1],
        ),
    ]
    return _turning(
        angles,
        series,
        angle_of="between the vectors",
        subject="Cosine losses as one vector turns away from the other",
        legend_at="above",  # the long labels would cross a curve anywhere in the panels
    )


def ranking_figure(gap: np.ndarray, margin: float = 0.5) -> str:
    """Margin ranking of the label 1 against the score difference ``gap`` (x2 = 0)."""
    ones, zeros = np.ones_like(gap), np.zeros_like(gap)
    loss = lossbook.margin_ranking(ones, gap, zeros, margin=margin, reduction="none")
    grad = lossbook.margin_ranking_grad(ones, gap, zeros, margin=margin, reduction="none")[0]
    return loss_and_slope(
        gap,
        [(f"y = 1, m = {alt_num(margin)}", loss, grad)],
        xlabel="score difference x1 - x2",
        what="score difference x1 − x2",
        slope="derivative in x1",
        caption="Margin ranking loss when x1 should rank first: the loss (left) and its derivative in x1 (right).",
    )


def triplet_figure(d_neg: np.ndarray) -> str:
    """Triplet margin (eps 0) of an anchor at 0, a positive at (3, 4) and a negative at (d, 0)."""
    anchor = np.zeros((len(d_neg), 2))
    positive = np.tile([[3.0, 4.0]], (len(d_neg), 1))
    negative = np.stack([d_neg, np.zeros_like(d_neg)], axis=1)
    loss = lossbook.triplet_margin(anchor, positive, negative, eps=0.0, reduction="none")
    grad = lossbook.triplet_margin_grad(anchor, positive, negative, eps=0.0, reduction="none")[2][:, 0]
    d_ap = float(np.linalg.norm(positive[0] - anchor[0]))
    return loss_and_slope(
        d_neg,
        [(f"d(a, p) = {alt_num(d_ap)}, m = 1", loss, grad)],
        xlabel="distance of the negative from the anchor",
        what="distance of the negative from the anchor",
        slope="derivative in that distance",
        caption="Triplet margin loss as the negative moves away: the loss (left) and its derivative in the "
        "negative's distance (right).",
    )


def infonce_figure(angles: np.ndarray, temperature: float = 0.5) -> str:
    """InfoNCE of two pairs of views as the first pair's second view turns away by ``angles``."""
    a_views = rotated(np.array([0.0, np.pi / 2]))
    losses, grads = [], []
    for angle in angles:
        b_views = rotated(np.array([angle, np.pi / 2 + 0.1]))
        losses.append(lossbook.info_nce(a_views, b_views, temperature=temperature))
        grads.append(lossbook.info_nce_grad(a_views, b_views, temperature=temperature)[1][0])
    return _turning(
        angles,
        [(f"InfoNCE, tau = {alt_num(temperature)}", losses, grads)],
        angle_of="between the first pair's views",
        subject="InfoNCE loss of two pairs as one view turns away from its partner",
    )


def circle_figure(angles: np.ndarray, gamma: float = 8.0) -> str:
    """Circle loss of two class-0 embeddings 20 degrees apart and a class-1 embedding at ``angles`` from the first."""
    losses, grads = [], []
    for angle in angles:
        e = rotated(np.array([0.0, np.radians(20), angle]))
        losses.append(lossbook.circle([0, 0, 1], e, gamma=gamma, reduction="sum"))
        grads.append(lossbook.circle_grad([0, 0, 1], e, gamma=gamma, reduction="sum")[2])
    return _turning(
        angles,
        [(f"circle, gamma = {alt_num(gamma)}", losses, grads)],
        angle_of="of the negative from the first embedding",
        subject="Circle loss of a three-embedding batch as the negative turns away",
    )


def cosine_steps(x1: list[float], x2: list[float]) -> tuple[str, float]:
    """The cosine of two vectors from their dot product and norms, in plain floats: (Markdown, the cosine).

    For everyday magnitudes (squares that neither overflow nor underflow), as on the page.
    """
    dot = sum(u * v for u, v in zip(x1, x2))
    n1, n2 = math.sqrt(sum(u * u for u in x1)), math.sqrt(sum(v * v for v in x2))
    cos = dot / (n1 * n2)
    text = (
        f"For $x_1 = {x1}$ and $x_2 = {x2}$: $x_1 \\cdot x_2 = {num(dot)}$, "
        f"$\\lVert x_1 \\rVert = {num(n1)}$, $\\lVert x_2 \\rVert = {num(n2)}$, so $\\cos = {num(cos)}$. "
        f"Keras's loss is ${num(-cos)}$; as a similar pair ($y = 1$) the embedding loss is "
        f"$1 - \\cos = {num(1 - cos)}$.\n"
    )
    return text, cos
