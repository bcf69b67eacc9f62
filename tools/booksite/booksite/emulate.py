"""NumPy emulations of how PyTorch, Keras, scikit-learn and SciPy compute the book's losses.

Several pages show the numbers other libraries give: where they clip a
probability, how they reduce, which axis they sum over. The docs build does not
need those libraries for that; the pages compute the numbers with the
emulations below, from their hidden exec blocks
(``from booksite.emulate import ...``). Reader-facing code never imports this module.

Each function is named after the call it emulates and says in its docstring
which call that is, with which arguments, and the version it was checked
against ("Checked against PyTorch 2.13."). ``tests/book/test_emulations.py``
compares every one of them with the real library on random and extreme
inputs, and fails when the version a docstring names is not the one installed.

Arguments keep the order of the emulated call's signature unless the docstring
says otherwise. Everything is float64 NumPy, elementwise unless a reduction is
named.
"""

from __future__ import annotations

import numpy as np


def torch_binary_cross_entropy(y, p):
    """Emulates ``torch.nn.functional.binary_cross_entropy(input=p, target=y, reduction="none")``.

    Note the order: truth first, like the other binary cross-entropies here.
    PyTorch clamps each logarithm at -100 (computing ``log(1 - p)`` as
    ``log1p(-p)``), so one element costs at most 100 nats. Checked against
    PyTorch 2.13.
    """
    y, p = np.asarray(y, dtype=float), np.asarray(p, dtype=float)
    with np.errstate(divide="ignore"):
        log_p = np.maximum(np.log(p), -100.0)
        log_q = np.maximum(np.log1p(-p), -100.0)
    return -(y * log_p + (1 - y) * log_q)


def keras_binary_crossentropy(y, p, epsilon=1e-7):
    """Emulates ``keras.losses.binary_crossentropy(y_true=y, y_pred=p)`` on rows of one element.

    Keras clips the prediction to ``[epsilon, 1 - epsilon]``, with
    ``epsilon = keras.config.epsilon() = 1e-7``, before taking logarithms.
    Elementwise (Keras would average each row; a row here is one element).
    Keras computes in float32, this emulation in float64. Checked against
    Keras 3.15 on its PyTorch backend.
    """
    y = np.asarray(y, dtype=float)
    p = np.clip(np.asarray(p, dtype=float), epsilon, 1 - epsilon)
    return -(y * np.log(p) + (1 - y) * np.log(1 - p))


def sklearn_log_loss(y, p, dtype=np.float64):
    """Emulates ``sklearn.metrics.log_loss([y_i], [p_i], labels=[0, 1])`` for each element.

    scikit-learn stacks the columns ``(1 - p, p)``, clips both to
    ``[eps, 1 - eps]`` with ``eps = np.finfo(dtype).eps`` (the machine epsilon
    of the predictions' dtype) and takes ``-log`` of the true label's column.
    ``log_loss(y, p, labels=[0, 1])`` is the mean of these values. Checked
    against scikit-learn 1.9.
    """
    y, p = np.asarray(y), np.asarray(p, dtype=dtype)
    eps = np.finfo(dtype).eps
    columns = np.clip(np.stack([1 - p, p], axis=-1), eps, 1 - eps)
    return -np.log(np.where(y == 1, columns[..., 1], columns[..., 0])).astype(float)


def torch_kl_div(input, target, *, reduction="mean", log_target=False):  # noqa: A002 (PyTorch's names)
    """Emulates ``torch.nn.functional.kl_div(input, target, reduction=..., log_target=...)``.

    ``input`` is the log of the prediction and comes first. Elementwise
    ``xlogy(target, target) - target * input``, where ``xlogy(0, 0) = 0``, so a
    zero target contributes 0 unless ``input`` is ``-inf`` (then NaN, as in
    PyTorch); ``exp(target) * (target - input)`` with ``log_target=True``.
    Reductions: ``"none"``, ``"sum"``, ``"mean"`` (the sum over the number of
    elements, PyTorch's default) and ``"batchmean"`` (the sum over
    ``input.shape[0]``, the mean divergence). Checked against PyTorch 2.13.
    """
    input, target = np.asarray(input, dtype=float), np.asarray(target, dtype=float)
    with np.errstate(invalid="ignore"):  # 0 * -inf = nan, silently, like PyTorch
        if log_target:
            pointwise = np.exp(target) * (target - input)
        else:
            safe = np.where(target > 0, target, 1.0)
            pointwise = np.where(target > 0, target * np.log(safe), 0.0) - target * input
    if reduction == "none":
        return pointwise
    if reduction == "sum":
        return float(pointwise.sum())
    if reduction == "mean":
        return float(pointwise.sum() / pointwise.size)
    if reduction == "batchmean":
        return float(pointwise.sum() / input.shape[0])
    raise ValueError(f"unknown reduction {reduction!r}")


def keras_kl_divergence(y_true, y_pred, epsilon=1e-7):
    """Emulates ``keras.losses.kl_divergence(y_true, y_pred)``: one divergence per row.

    Both arguments are probabilities, truth first, each clipped to
    ``[epsilon, 1]``; ``keras.losses.KLDivergence()`` then averages the rows.
    Checked against Keras 3.15 on its PyTorch backend.
    """
    t = np.clip(np.asarray(y_true, dtype=float), epsilon, 1.0)
    q = np.clip(np.asarray(y_pred, dtype=float), epsilon, 1.0)
    return np.sum(t * np.log(t / q), axis=-1)


def torch_smooth_l1_loss(input, target, beta=1.0):  # noqa: A002 (PyTorch's names)
    """Emulates ``torch.nn.functional.smooth_l1_loss(input, target, beta=beta, reduction="none")``.

    ``0.5 e**2 / beta`` where ``|e| < beta``, else ``|e| - 0.5 beta``, with
    ``e = input - target``; the absolute error when ``beta = 0``. It is the
    Huber loss divided by ``beta``. Checked against PyTorch 2.13.
    """
    e = np.abs(np.asarray(input, dtype=float) - np.asarray(target, dtype=float))
    if beta == 0:
        return e
    return np.where(e < beta, 0.5 * e**2 / beta, e - 0.5 * beta)


def sklearn_root_mean_squared_error(y_true, y_pred):
    """Emulates ``sklearn.metrics.root_mean_squared_error(y_true, y_pred)`` (``multioutput="uniform_average"``).

    For 2-D targets: the root of each column's mean squared error, then the
    plain average of those roots (not the root of the overall mean). Checked
    against scikit-learn 1.9.
    """
    y_true, y_pred = np.asarray(y_true, dtype=float), np.asarray(y_pred, dtype=float)
    return float(np.mean(np.sqrt(np.mean((y_pred - y_true) ** 2, axis=0))))


def scipy_entropy(pk, axis=0):
    """Emulates ``scipy.stats.entropy(pk, axis=axis)`` in nats: it works along axis 0 by default.

    SciPy rescales ``pk`` to sum to 1 along ``axis`` and counts ``0 log 0``
    as 0. Checked against SciPy 1.17.
    """
    pk = np.asarray(pk, dtype=float)
    pk = pk / pk.sum(axis=axis, keepdims=True)
    terms = np.where(pk > 0, pk * np.log(np.where(pk > 0, pk, 1.0)), 0.0)
    return -terms.sum(axis=axis)
