r"""Information measures: information content, entropy, cross-entropy and KL divergence.

Distributions lie along the last axis and are checked, never renormalised: every
probability must lie in $[0, 1]$ and every distribution must sum to 1 within $10^{-6}$.
A single distribution (1-D input) gives a `float`; a batch of shape $(\dots, K)$ gives a
float64 array of shape $(\dots)$. The base defaults to $e$ (nats); `base=2` gives bits.
"""

import math

import numpy as np
from numpy.typing import ArrayLike

from lossbook._validation import (
    as_float_array,
    as_result,
    check_base,
    check_distribution,
    check_probabilities,
    check_same_shape,
    elementwise,
    row_sums,
)


def information_content(p: ArrayLike, *, base: float = math.e) -> float | np.ndarray:
    r"""Information content (surprisal) of events with probabilities `p`.

    $$
    I(p) = -\log_b p
    $$

    Args:
        p: Probabilities in $[0, 1]$, a scalar or array-like of any shape.
        base: Logarithm base $b > 0$, $b \ne 1$: $e$ for nats (default), 2 for bits.

    Returns:
        A `float` for a scalar `p`, else a float64 array of the shape of `p`; `inf` where $p = 0$.

    Raises:
        TypeError: If `p` does not hold real numbers, or `base` is not a real number.
        ValueError: If `p` is empty, holds NaN or infinity or a value outside $[0, 1]$, or
            `base` is not positive or equals 1.

    Examples:
        >>> from lossbook import information_content
        >>> print(f"{information_content(0.5, base=2):.4f}")
        1.0000
        >>> print(" ".join(f"{v:.4f}" for v in information_content([1.0, 0.25, 0.0], base=2)))
        0.0000 2.0000 inf

    Conventions:
        None of PyTorch, Keras or scikit-learn has a function for it; write `-log(p)`, in nats.
        `scipy.special.entr(p)` is $-p \ln p$, the contribution of one outcome to the entropy.
    """
    base = check_base(base)
    p = _probabilities(p, "p", blockwise=True)
    return as_result(_in_base(elementwise(_surprisal, [p], "none"), base))


def entropy(p: ArrayLike, *, base: float = math.e) -> float | np.ndarray:
    r"""Shannon entropy of distributions along the last axis.

    $$
    H(p) = -\sum_{k=1}^{K} p_k \log_b p_k, \qquad 0 \log 0 = 0
    $$

    Args:
        p: Distributions, array-like of shape $(K,)$ or $(\dots, K)$.
        base: Logarithm base $b > 0$, $b \ne 1$: $e$ for nats (default), 2 for bits.

    Returns:
        A `float` for a single distribution of shape $(K,)$, else a float64 array of shape $(\dots)$.

    Raises:
        TypeError: If `p` does not hold real numbers, or `base` is not a real number.
        ValueError: If `p` is a scalar or empty, holds NaN, infinity or a value outside $[0, 1]$,
            a distribution does not sum to 1 within $10^{-6}$, or `base` is not positive or is 1.

    Examples:
        The examples of `scipy.stats.entropy`: a fair coin has one bit, a biased one less.

        >>> from lossbook import entropy
        >>> print(f"{entropy([1/2, 1/2], base=2):.4f}")
        1.0000
        >>> print(f"{entropy([9/10, 1/10], base=2):.4f}")
        0.4690
        >>> print(" ".join(f"{h:.4f}" for h in entropy([[1.0, 0.0], [0.5, 0.5]])))
        0.0000 0.6931

    Conventions:
        `scipy.stats.entropy(pk, base=None, axis=0)` silently renormalises `pk` to sum 1 and works
        along axis 0, not the last axis; given `qk` it returns the KL divergence, not the
        cross-entropy. PyTorch has `torch.distributions.Categorical(probs=p).entropy()` (nats,
        last axis). Keras and scikit-learn have no entropy function. All use nats by default.
    """
    base = check_base(base)
    p = _distributions(p, "p", blockwise=True)
    return as_result(_in_base(0.0 - row_sums(_xlogy, [p, p]), base))


def cross_entropy(p: ArrayLike, q: ArrayLike, *, base: float = math.e) -> float | np.ndarray:
    r"""Cross-entropy of predicted distributions `q` relative to true distributions `p`.

    $$
    H(p, q) = -\sum_{k=1}^{K} p_k \log_b q_k = H(p) + D_{\mathrm{KL}}(p \,\|\, q)
    $$

    Terms with $p_k = 0$ count as 0 even where $q_k = 0$; the result is `inf` where
    $q_k = 0 < p_k$ (an outcome that happens was predicted impossible).

    Args:
        p: True distributions, array-like of shape $(K,)$ or $(\dots, K)$.
        q: Predicted distributions, the same shape as `p`.
        base: Logarithm base $b > 0$, $b \ne 1$: $e$ for nats (default), 2 for bits.

    Returns:
        A `float` for single distributions of shape $(K,)$, else a float64 array of shape $(\dots)$.

    Raises:
        TypeError: If an input does not hold real numbers, or `base` is not a real number.
        ValueError: If the shapes differ, an input is a scalar or empty, holds NaN, infinity or a
            value outside $[0, 1]$, a distribution does not sum to 1 within $10^{-6}$, or `base`
            is not positive or is 1.

    Examples:
        >>> from lossbook import cross_entropy
        >>> print(f"{cross_entropy([1/2, 1/2], [1/4, 3/4], base=2):.4f}")
        1.2075
        >>> print(f"{cross_entropy([1.0, 0.0], [0.0, 1.0]):.4f}")
        inf

    Conventions:
        These are probabilities, not logits: for logits see `softmax_cross_entropy`, which is what
        PyTorch `cross_entropy(input, target)` computes. Keras
        `categorical_crossentropy(y_true, y_pred)` renormalises `y_pred` and clips it to
        $[10^{-7}, 1 - 10^{-7}]$, so it never returns `inf`; scikit-learn `log_loss(y_true, y_proba)`
        takes labels and clips to machine epsilon. All use nats, with the truth first except PyTorch.
        optax has no cross-entropy of probabilities: `safe_softmax_cross_entropy(log(q), p)` is this
        one, as the softmax of $\log q$ is $q$.
    """
    base = check_base(base)
    p, q = _distribution_pair(p, q, blockwise=True)
    return as_result(_in_base(0.0 - row_sums(_xlogy, [p, q]), base))


def kl_divergence(p: ArrayLike, q: ArrayLike, *, base: float = math.e) -> float | np.ndarray:
    r"""Kullback-Leibler divergence of predicted distributions `q` from true distributions `p`.

    $$
    D_{\mathrm{KL}}(p \,\|\, q) = \sum_{k=1}^{K} p_k \log_b \frac{p_k}{q_k} \ge 0 \quad (b > 1)
    $$

    The result is never negative (for $b > 1$): distributions that sum to 1 only within the
    $10^{-6}$ tolerance could give a slightly negative sum (as low as about $-2 \times 10^{-6}$),
    which is clamped to 0, the lower bound of the divergence of normalised distributions.

    Terms with $p_k = 0$ count as 0 even where $q_k = 0$; the result is `inf` where
    $q_k = 0 < p_k$. Each term is accurate to a few units in the last place, also where
    $p_k / q_k$ is close to 1 or overflows; when `q` is very close to `p` the terms
    cancel, and the absolute error of the sum is about $10^{-16} \sum_k p_k |\ln(p_k / q_k)|$.

    Args:
        p: True distributions, array-like of shape $(K,)$ or $(\dots, K)$.
        q: Predicted distributions, the same shape as `p`.
        base: Logarithm base $b > 0$, $b \ne 1$: $e$ for nats (default), 2 for bits.

    Returns:
        A `float` for single distributions of shape $(K,)$, else a float64 array of shape $(\dots)$.

    Raises:
        TypeError: If an input does not hold real numbers, or `base` is not a real number.
        ValueError: If the shapes differ, an input is a scalar or empty, holds NaN, infinity or a
            value outside $[0, 1]$, a distribution does not sum to 1 within $10^{-6}$, or `base`
            is not positive or is 1.

    Examples:
        >>> from lossbook import kl_divergence
        >>> print(f"{kl_divergence([1/2, 1/2], [1/4, 3/4], base=2):.4f}")
        0.2075
        >>> print(f"{kl_divergence([1/2, 1/2], [1/2, 1/2]):.4f}")
        0.0000

    Conventions:
        PyTorch `kl_div(input, target)` takes the log of the prediction, $\ln q$, first and `p`
        second, and its default `reduction="mean"` averages over all elements; use
        `reduction="batchmean"` for the mean divergence. `scipy.stats.entropy(p, q)` renormalises
        both and works along axis 0; `scipy.special.rel_entr(p, q)` gives the terms. Keras
        `KLDivergence` clips both to $[10^{-7}, 1]$. scikit-learn has none. All use nats.
        optax `kl_divergence(log_predictions, targets)` takes $\ln q$ first and `p` second,
        sums the last axis as here and does not clamp; its `kl_divergence_with_log_targets(log_q,
        log_p)` gives NaN where $p_k = 0$, and `generalized_kl_divergence` adds $\sum_k (q_k - p_k)$,
        which is 0 for distributions. None of them has a `base`.
    """
    base = check_base(base)
    p, q = _distribution_pair(p, q, blockwise=True)
    return as_result(_in_base(np.maximum(row_sums(_rel_entr, [p, q]), 0.0), base))  # clamp: see above


def _probabilities(p, name, *, blockwise=False):
    p = as_float_array(p, name, blockwise=blockwise)  # blockwise: converted to float64 block by block
    check_probabilities(p, name)
    return p


def _distributions(p, name, *, blockwise=False):
    p = as_float_array(p, name, blockwise=blockwise)
    check_distribution(p, name)
    return p


def _distribution_pair(p, q, *, blockwise=False):
    p, q = as_float_array(p, "p", blockwise=blockwise), as_float_array(q, "q", blockwise=blockwise)
    check_same_shape(p, "p", q, "q")
    check_distribution(p, "p")
    check_distribution(q, "q")
    return p, q


def _in_base(nats, base):
    # "+ 0.0" turns the -0.0 of a base below 1 into 0.0.
    return nats if base == math.e else nats / math.log(base) + 0.0


def _surprisal(p):
    return np.subtract(0.0, np.log(p))  # 0 - log p: inf at p = 0, and +0.0 (not -0.0) at p = 1


def _xlogy(x, y):
    """x log y for x, y in [0, 1], with 0 where x = 0 (so 0 log 0 = 0), like scipy.special.xlogy."""
    t = np.log(y)
    t *= x
    return np.fmin(t, 0.0, out=t)  # every term is <= 0; fmin turns the NaN of 0 * log 0 into 0


def _rel_entr(p, q):
    """p log(p/q), 0 where p = 0 and inf where q = 0 < p, like scipy.special.rel_entr.

    log(p/q) is computed as +-log1p(|p - q| / min(p, q)): the argument of log1p is never
    negative, so every term is accurate to a few ulp, also where p/q is close to 1 (where
    scipy's log(p/q) keeps only an absolute accuracy of 1e-16).
    """
    diff = p - q  # exact where p and q are within a factor 2 of each other (Sterbenz)
    t = np.abs(diff)
    t /= np.minimum(p, q)
    np.log1p(t, out=t)
    np.copysign(t, diff, out=t)
    far = np.isinf(t) & (p > 0) & (q > 0)  # |p - q| / min(p, q) overflowed: p or q is subnormal
    if far.any():
        t[far] = np.log(p[far]) - np.log(q[far])
    t *= p
    t[p == 0] = 0.0
    return t


def entropy_grad(p: ArrayLike, *, base: float = math.e) -> np.ndarray:
    r"""Gradient of `entropy` with respect to `p`: each row's derivative with respect to its own entries.

    $$
    \frac{\partial H(p)}{\partial p_k} = -\frac{\ln p_k + 1}{\ln b}
    $$

    These are the partial derivatives with each $p_k$ a free variable, as autograd computes
    them; only their differences matter along distributions (adding a constant to every
    entry of a row's gradient changes nothing there). The derivative is $+\infty$ where
    $p_k = 0$: the entropy rises infinitely steeply as a zero probability becomes positive.

    Args:
        p: Distributions, array-like of shape $(K,)$ or $(\dots, K)$, as for `entropy`.
        base: Logarithm base $b > 0$, $b \ne 1$: $e$ for nats (default), 2 for bits.

    Returns:
        A float64 array of the shape of `p`.

    Raises:
        TypeError: If `p` does not hold real numbers, or `base` is not a real number.
        ValueError: As for `entropy`.

    Examples:
        >>> from lossbook import entropy_grad
        >>> print(" ".join(f"{g:.4f}" for g in entropy_grad([1/2, 1/2], base=2)))
        -0.4427 -0.4427

    Conventions:
        Equals PyTorch autograd through `torch.special.entr(p).sum(-1)`. Autograd through
        `Categorical(probs=p).entropy()` differs: that distribution divides `p` by its sum first.
    """
    base = check_base(base)
    p = _distributions(p, "p")
    scale = -1 / math.log(base)
    return elementwise(lambda p: np.multiply(np.log(p) + 1, scale), [p], "none")


def cross_entropy_grad(p: ArrayLike, q: ArrayLike, *, base: float = math.e) -> np.ndarray:
    r"""Gradient of `cross_entropy` with respect to the predictions `q`, row by row.

    $$
    \frac{\partial H(p, q)}{\partial q_k} = -\frac{p_k}{q_k \ln b}
    $$

    It is 0 where $p_k = 0$ (the term is 0 for every $q_k$) and $-\infty$ where $q_k = 0 < p_k$.
    These are partial derivatives with each $q_k$ free, as autograd computes them.

    Args:
        p: True distributions, array-like of shape $(K,)$ or $(\dots, K)$.
        q: Predicted distributions, the same shape as `p`.
        base: Logarithm base $b > 0$, $b \ne 1$: $e$ for nats (default), 2 for bits.

    Returns:
        A float64 array of the shape of `q`.

    Raises:
        TypeError: If an input does not hold real numbers, or `base` is not a real number.
        ValueError: As for `cross_entropy`.

    Examples:
        >>> from lossbook import cross_entropy_grad
        >>> print(" ".join(f"{g:.4f}" for g in cross_entropy_grad([1/2, 1/2], [1/4, 3/4], base=2)))
        -2.8854 -0.9618

    Conventions:
        Equals PyTorch autograd through `-(p * torch.log(q)).sum(-1) / math.log(base)` where
        $q > 0$ (where $p_k = q_k = 0$, PyTorch's $0/0$ gives NaN, lossbook 0).
    """
    base = check_base(base)
    p, q = _distribution_pair(p, q)
    return _q_slope(p, q, base)


def kl_divergence_grad(p: ArrayLike, q: ArrayLike, *, base: float = math.e) -> np.ndarray:
    r"""Gradient of `kl_divergence` with respect to the predictions `q`, row by row.

    $$
    \frac{\partial D_{\mathrm{KL}}(p \,\|\, q)}{\partial q_k} = -\frac{p_k}{q_k \ln b}
    $$

    The same as `cross_entropy_grad`: $D_{\mathrm{KL}}(p \,\|\, q) = H(p, q) - H(p)$, and the
    entropy $H(p)$ of the targets does not depend on $q$. It is 0 where $p_k = 0$ and $-\infty$
    where $q_k = 0 < p_k$.

    Args:
        p: True distributions, array-like of shape $(K,)$ or $(\dots, K)$.
        q: Predicted distributions, the same shape as `p`.
        base: Logarithm base $b > 0$, $b \ne 1$: $e$ for nats (default), 2 for bits.

    Returns:
        A float64 array of the shape of `q`.

    Raises:
        TypeError: If an input does not hold real numbers, or `base` is not a real number.
        ValueError: As for `kl_divergence`.

    Examples:
        >>> from lossbook import kl_divergence_grad
        >>> print(" ".join(f"{g:.4f}" for g in kl_divergence_grad([1/2, 1/2], [1/4, 3/4])))
        -2.0000 -0.6667

    Conventions:
        Equals PyTorch autograd through `kl_div(torch.log(q), p, reduction="sum")` per row, with
        respect to `q`, where $q > 0$.
    """
    base = check_base(base)
    p, q = _distribution_pair(p, q)
    return _q_slope(p, q, base)


def _q_slope(p, q, base):
    """-p / (q ln b), 0 where p = 0 (also where q = 0), -inf where q = 0 < p."""
    scale = -1 / math.log(base)

    def kernel(p, q):
        g = np.divide(p, q)
        np.multiply(g, scale, out=g)
        g[p == 0] = 0.0  # the NaN of 0 / 0: a term that is 0 whatever q is (and +0.0, not -0.0)
        return g

    return elementwise(kernel, [p, q], "none")
