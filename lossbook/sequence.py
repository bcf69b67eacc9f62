r"""Sequence losses: connectionist temporal classification (CTC).

CTC scores an unsegmented label sequence $l$ against per-frame class log-probabilities
by summing the probabilities of every frame-by-frame path that reads $l$ once repeats are
merged and blanks removed. The sum runs over the extended sequence $l'$ (a blank before,
between and after the labels) with the forward algorithm, in log space so that long inputs
cannot underflow; its gradient comes from the forward-backward algorithm.
"""

import numbers

import numpy as np
from numpy.typing import ArrayLike

from lossbook._validation import as_array, as_float_array, check_reduction, reduce


def _lse3(a, b, c):
    """log(e^a + e^b + e^c) elementwise, -inf where all three are -inf."""
    m = np.maximum(np.maximum(a, b), c)
    m = np.where(np.isfinite(m), m, 0.0)
    return m + np.log(np.exp(a - m) + np.exp(b - m) + np.exp(c - m))


def _shift(x, k, fill=-np.inf):
    """x moved k places along the last axis (right for k > 0, left for k < 0), filled with `fill`."""
    out = np.full_like(x, fill)
    if k > 0:
        out[..., k:] = x[..., :-k]
    else:
        out[..., :k] = x[..., -k:]
    return out


def _integers(x, name, shape):
    a = as_array(x, name)
    if a.dtype.kind == "f":
        a = as_float_array(a, name)
        if (a != np.floor(a)).any():
            raise ValueError(f"{name} must hold integers, got {float(a[a != np.floor(a)][0])!r}")
    if a.shape != shape:
        raise ValueError(f"{name} must have shape {shape}, got shape {a.shape}")
    return a.astype(np.int64)


def _ctc_args(labels, log_probs, input_lengths, label_lengths, blank, zero_infinity, reduction):
    check_reduction(reduction)
    if not isinstance(zero_infinity, (bool, np.bool_)):
        raise TypeError(f"zero_infinity must be True or False, got {zero_infinity!r}")
    lp = as_float_array(log_probs, "log_probs", finite=False)
    if lp.ndim != 3:
        raise ValueError(f"log_probs must have shape (N, T, C), batch first, got shape {lp.shape}")
    n, t, c = lp.shape
    if np.isnan(lp).any() or (lp == np.inf).any():
        raise ValueError("log_probs must not hold NaN or +inf (-inf, a zero probability, is fine)")
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        top = np.max(lp, axis=-1, keepdims=True)
        lse = np.log(np.sum(np.exp(lp - np.where(np.isfinite(top), top, 0.0)), axis=-1)) + top[..., 0]
    bad = ~(np.abs(lse) <= 1e-6)
    if bad.any():
        where = tuple(int(i) for i in np.argwhere(bad)[0])
        raise ValueError(
            f"log_probs must be log-probabilities along the class axis (their exponentials "
            f"summing to 1 within 1e-6), got log-sum-exp {float(lse[where])!r} at (n, t) = {where}; "
            f"pass lossbook.log_softmax(logits)"
        )
    if isinstance(blank, (bool, np.bool_)) or not isinstance(blank, numbers.Integral):
        raise TypeError(f"blank must be an integer class index, got {blank!r}")
    if not 0 <= blank < c:
        raise ValueError(f"blank must be a class index in [0, {c - 1}], got {blank!r}")
    t_n = _integers(input_lengths, "input_lengths", (n,))
    if t_n.min() < 1 or t_n.max() > t:
        bad = t_n.min() if t_n.min() < 1 else t_n.max()
        raise ValueError(f"input_lengths must be in [1, {t}] (T of log_probs), got {bad}")
    l_n = _integers(label_lengths, "label_lengths", (n,))
    empty = isinstance(labels, (list, tuple, np.ndarray)) and len(labels) == 0 and l_n.sum() == 0
    y = np.zeros(0, dtype=np.int64) if empty else as_array(labels, "labels")  # all sequences empty
    if l_n.min() < 0:
        raise ValueError(f"label_lengths must not be negative, got {l_n.min()}")
    if y.ndim == 1:  # concatenated targets, as PyTorch accepts
        if l_n.sum() != y.size:
            raise ValueError(
                f"labels given as one concatenated 1-D sequence must have "
                f"sum(label_lengths) = {l_n.sum()} entries, got {y.size}"
            )
        y = _integers(y, "labels", y.shape) if y.size else y
        padded = np.full((n, max(int(l_n.max()), 1)), blank, dtype=np.int64)
        starts = np.concatenate([[0], np.cumsum(l_n)[:-1]])
        for i in range(n):
            padded[i, : l_n[i]] = y[starts[i] : starts[i] + l_n[i]]
        y = padded
    elif y.ndim == 2 and y.shape[0] == n:
        y = _integers(y, "labels", y.shape)
        if l_n.max() > y.shape[1]:
            raise ValueError(f"label_lengths must be at most {y.shape[1]} (the width of labels), got {l_n.max()}")
    else:
        raise ValueError(f"labels must have shape (N, S) = ({n}, S) or be 1-D (concatenated), got shape {y.shape}")
    width = max(int(l_n.max()), 1)
    inside = np.arange(y.shape[1])[None, :] < l_n[:, None]
    used = y[inside]
    if used.size and (used.min() < 0 or used.max() >= c or (used == blank).any()):
        bad = used[(used < 0) | (used >= c) | (used == blank)][0]
        raise ValueError(f"labels must be class indices in [0, {c - 1}] other than blank = {blank}, got {bad}")
    y = np.where(inside, y, blank)[:, :width]
    return y, lp, t_n, l_n, blank


def _ctc_lattice(y, lp, t_n, l_n, blank, backward):
    """Log forward (and backward) variables over the extended labels, and log P(l | x)."""
    n, t, c = lp.shape
    s = 2 * y.shape[1] + 1
    ext = np.full((n, s), blank, dtype=np.int64)
    ext[:, 1::2] = y
    valid = np.arange(s)[None, :] < (2 * l_n + 1)[:, None]
    skip = np.zeros((n, s), dtype=bool)  # s may be reached from s - 2
    skip[:, 2:] = (ext[:, 2:] != blank) & (ext[:, 2:] != ext[:, :-2])
    lpe = np.take_along_axis(lp, np.broadcast_to(ext[:, None, :], (n, t, s)), axis=2)
    alpha = np.full((n, t, s), -np.inf)
    with np.errstate(divide="ignore", invalid="ignore"):
        alpha[:, 0, :2] = np.where(valid[:, :2], lpe[:, 0, :2], -np.inf)
        for k in range(1, t):
            prev = alpha[:, k - 1]
            step = _lse3(prev, _shift(prev, 1), np.where(skip, _shift(prev, 2), -np.inf)) + lpe[:, k]
            alpha[:, k] = np.where(valid, step, -np.inf)
        rows = np.arange(n)
        last = alpha[rows, t_n - 1]
        end = last[rows, 2 * l_n]
        before = np.where(l_n > 0, last[rows, np.maximum(2 * l_n - 1, 0)], -np.inf)
        log_p = np.logaddexp(end, before)
        if not backward:
            return log_p, None
        beta = np.full((n, t, s), -np.inf)
        final = np.full((n, s), -np.inf)
        final[rows, 2 * l_n] = 0.0
        final[rows, np.maximum(2 * l_n - 1, 0)] = np.where(l_n > 0, 0.0, final[rows, 0])
        skip_from = _shift(skip, -2, fill=False)  # s + 2 may be reached from s
        for k in range(t - 1, -1, -1):
            nxt = beta[:, k + 1] if k + 1 < t else np.full((n, s), -np.inf)
            step = _lse3(nxt, _shift(nxt, -1), np.where(skip_from, _shift(nxt, -2), -np.inf))
            step = np.where((k == t_n - 1)[:, None], final, np.where((k < t_n - 1)[:, None], step, -np.inf))
            beta[:, k] = np.where(valid, step + lpe[:, k], -np.inf)
        occupancy = np.exp(alpha + beta - lpe - log_p[:, None, None])  # gamma_t(s), summing to 1 per t
    inside = np.arange(t)[None, :, None] < t_n[:, None, None]
    occupancy = np.where(inside, np.where(np.isfinite(log_p)[:, None, None], occupancy, np.nan), 0.0)
    grad = np.einsum("nts,nsc->ntc", occupancy, ext[:, :, None] == np.arange(c))
    return log_p, grad


def ctc(
    labels: ArrayLike,
    log_probs: ArrayLike,
    input_lengths: ArrayLike,
    label_lengths: ArrayLike,
    *,
    blank: int = 0,
    zero_infinity: bool = False,
    reduction: str = "mean",
) -> float | np.ndarray:
    r"""Connectionist temporal classification loss: $-\log P(l \mid x)$ summed over alignments.

    For a label sequence $l$ of length $L$, the extended sequence $l'$ of length $2L + 1$ puts a
    blank before, between and after the labels. With $y_t(k) = e^{\text{log\_probs}[t, k]}$, the
    forward variables are $\alpha_0(0) = y_0(\text{blank})$, $\alpha_0(1) = y_0(l_1)$ and

    $$
    \alpha_t(s) = y_t(l'_s) \big(\alpha_{t-1}(s) + \alpha_{t-1}(s-1)
        + [\,l'_s \ne \text{blank},\ l'_s \ne l'_{s-2}\,]\, \alpha_{t-1}(s-2)\big),
    $$

    and $\ell = -\log\big(\alpha_{T-1}(2L) + \alpha_{T-1}(2L - 1)\big)$, all computed with
    log-sum-exp.

    Args:
        labels: Target label sequences: shape $(N, S)$ padded (entries past each length are
            ignored), or 1-D, the $N$ sequences concatenated. Class indices in $[0, C)$, never
            `blank`.
        log_probs: Log-probabilities of shape $(N, T, C)$, batch first, normalised over the last
            axis (the output of `log_softmax`; `-inf` allowed).
        input_lengths: The $N$ input lengths, integers in $[1, T]$.
        label_lengths: The $N$ label lengths, integers $\ge 0$ (at most $S$).
        blank: The class index of the blank, in $[0, C)$.
        zero_infinity: If True, an infinite loss (an input too short for its labels) becomes 0,
            and so does its gradient.
        reduction: `"mean"` (each loss divided by its label length, at least 1, then the mean
            over the batch: PyTorch's), `"sum"`, or `"none"` for the $N$ losses.

    Returns:
        A `float` for `"mean"` and `"sum"`; for `"none"`, a float64 array of shape $(N,)$.

    Raises:
        TypeError: If an input does not hold real numbers, `blank` is not an integer,
            `zero_infinity` is not a bool, or `reduction` is not a string.
        ValueError: If `log_probs` is not 3-D, holds NaN or $+\infty$ or rows that are not
            log-probabilities, a length is out of range or not an integer, a label is out of
            range or blank, the shapes do not match, or `reduction` is unknown.

    Examples:
        >>> import numpy as np
        >>> from lossbook.sequence import ctc
        >>> log_probs = np.log([[[0.5, 0.4, 0.1], [0.3, 0.6, 0.1]]])  # N = 1, T = 2, C = 3
        >>> print(f"{ctc([[1]], log_probs, [2], [1], reduction='sum'):.4f}")  # -log(0.5*0.6 + 0.4*0.3 + 0.4*0.6)
        0.4155

    Conventions:
        PyTorch `CTCLoss(blank, reduction, zero_infinity)(log_probs, targets, input_lengths,
        target_lengths)` takes `log_probs` time first, $(T, N, C)$, and does not check that
        they are normalised; its gradient with respect to `log_probs` is the one through a
        `log_softmax` (it adds $e^{\text{log\_probs}}$ to the true derivative), lossbook's is
        the true one. Keras `CTC()(y_true, y_pred)` takes logits (it applies `log_softmax`),
        uses blank 0 and label lengths counted as the non-zero labels, every input length $T$,
        and averages the $N$ losses without dividing by the label lengths. optax
        `ctc_loss(logits, logit_paddings, labels, label_paddings, blank_id=0)` takes logits (it
        applies `log_softmax`), batch first, lengths as padding masks (1.0 past each length), and
        returns the $N$ losses (`"none"` here); it stands in $-10^5$ (`log_epsilon`) for $\log 0$,
        so an input too short for its labels gives a loss of about $10^5$, not `inf`.
    """
    y, lp, t_n, l_n, blank = _ctc_args(labels, log_probs, input_lengths, label_lengths, blank, zero_infinity, reduction)
    losses = -_ctc_lattice(y, lp, t_n, l_n, blank, backward=False)[0]
    if zero_infinity:
        losses = np.where(np.isinf(losses), 0.0, losses)
    if reduction == "mean":
        return float(np.mean(losses / np.maximum(l_n, 1)))
    return reduce(losses, reduction)


def ctc_grad(
    labels: ArrayLike,
    log_probs: ArrayLike,
    input_lengths: ArrayLike,
    label_lengths: ArrayLike,
    *,
    blank: int = 0,
    zero_infinity: bool = False,
    reduction: str = "mean",
) -> np.ndarray:
    r"""Derivative of [ctc][lossbook.sequence.ctc] with respect to `log_probs` (forward-backward).

    With backward variables $\beta_t(s)$ (the mirror of $\alpha$, from the end), the occupancy
    $\gamma_t(s) = \alpha_t(s) \beta_t(s) / (y_t(l'_s)\, P(l \mid x))$ is the probability that a
    path is in state $s$ at time $t$, and

    $$
    \frac{\partial \ell}{\partial\, \text{log\_probs}[t, k]} = -\sum_{s:\ l'_s = k} \gamma_t(s),
    $$

    0 for frames past the input length; weighted as the reduction weighs each loss. An
    infinite loss has a NaN gradient (as in PyTorch) unless `zero_infinity`, which makes it 0.
    Same arguments and errors as `ctc`; returns a float64 array of shape $(N, T, C)$.

    Examples:
        >>> import numpy as np
        >>> from lossbook.sequence import ctc_grad
        >>> log_probs = np.log([[[0.5, 0.4, 0.1], [0.3, 0.6, 0.1]]])
        >>> print(ctc_grad([[1]], log_probs, [2], [1], reduction="sum").round(4))
        [[[-0.4545 -0.5455  0.    ]
          [-0.1818 -0.8182  0.    ]]]
    """
    y, lp, t_n, l_n, blank = _ctc_args(labels, log_probs, input_lengths, label_lengths, blank, zero_infinity, reduction)
    log_p, occupancy = _ctc_lattice(y, lp, t_n, l_n, blank, backward=True)
    grad = 0.0 - occupancy  # not -occupancy: no -0.0
    if zero_infinity:
        grad = np.where(np.isinf(log_p)[:, None, None], 0.0, grad)
    if reduction == "mean":
        grad = grad / (np.maximum(l_n, 1) * len(l_n))[:, None, None]
    return grad
