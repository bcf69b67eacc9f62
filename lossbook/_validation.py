"""Input validation and block-wise evaluation shared by every lossbook function.

Rules applied to every input (see the package docstring):

* arrays must hold real numbers: bool, integer or float dtypes (booleans count as
  0 and 1); strings, None, objects and complex numbers raise `TypeError`;
* arrays must be non-empty and finite, else `ValueError`;
* paired arrays must have exactly the same shape: nothing is broadcast;
* inputs are never modified: every helper only reads them.

The losses are evaluated in blocks of about `BLOCK` elements, so their temporaries
stay in cache and a reduced loss needs no input-sized temporary at all.
"""

import math
import numbers

import numpy as np

REDUCTIONS = ("mean", "sum", "none")
BLOCK = 1 << 15  # elements per block: 256 KiB per float64 temporary


def as_array(x, name):
    """Return `x` as a non-empty ndarray of bools or real numbers (not yet float)."""
    try:
        a = np.asarray(x)
    except (TypeError, ValueError) as e:  # e.g. ragged nested lists
        raise type(e)(f"{name} could not be converted to an array: {e}") from None
    if a.dtype.kind not in "biuf":
        head = np.array2string(a.reshape(-1)[:3], threshold=3)
        raise TypeError(f"{name} must contain real numbers, got dtype {a.dtype} ({head})")
    if a.size == 0:
        raise ValueError(f"{name} must not be empty, got shape {a.shape}")
    return a


def as_float_array(x, name, *, finite=True):
    """Return `x` as a non-empty float64 array (a view when it already is one), finite if `finite`."""
    with np.errstate(over="ignore"):  # float128 beyond float64's range becomes inf, reported below
        a = as_array(x, name).astype(np.float64, copy=False)
    if finite:
        check_finite(a, name)
    return a


def check_finite(a, name):
    """Raise ValueError if the float array `a` holds a NaN or an infinity."""
    with np.errstate(over="ignore", invalid="ignore"):
        # One cheap pass: a finite sum proves every element finite; only an
        # infinite or NaN sum (possibly a harmless overflow) needs the elementwise test.
        if np.isfinite(np.sum(a)) or np.isfinite(a).all():
            return
    index = tuple(int(i) for i in np.unravel_index(np.argmax(~np.isfinite(a)), a.shape))
    raise ValueError(f"{name} must be finite, got {a[index]} at index {index}")


def check_finite_inputs(loss, inputs):
    """Check the `inputs` ({name: array}) for NaN and infinity, but only if `loss` is not finite.

    For losses that any NaN or infinite input makes non-finite (the regression losses) this
    replaces a pass over every input by a pass over the loss, or nothing for a reduced loss.
    Finite inputs that give an infinite loss are a genuine overflow: the loss stands.
    """
    with np.errstate(over="ignore", invalid="ignore"):
        if np.isfinite(np.sum(loss)):
            return
    for name, a in inputs.items():
        check_finite(a, name)


def check_same_shape(a, a_name, b, b_name):
    """Raise ValueError unless `a` and `b` have exactly the same shape (no broadcasting)."""
    if a.shape != b.shape:
        raise ValueError(
            f"{a_name} and {b_name} must have the same shape, got {a.shape} and {b.shape}"
        )


def check_probabilities(p, name):
    """Raise ValueError unless every element of the float array `p` lies in [0, 1]."""
    lo, hi = np.min(p), np.max(p)
    if lo < 0 or hi > 1:
        bad = lo if lo < 0 else hi
        raise ValueError(f"{name} must be probabilities in [0, 1], got {bad}")


def check_distribution(p, name):
    """Raise ValueError unless `p` holds distributions along its last axis.

    Every element must lie in [0, 1] and every row must sum to 1 within 1e-6; rows
    are never renormalised.
    """
    if p.ndim == 0:
        raise ValueError(f"{name} must have a last axis holding a distribution, got a scalar")
    check_probabilities(p, name)
    error = np.abs(np.sum(p, axis=-1) - 1.0)
    if np.max(error) > 1e-6:
        bad = np.sum(p, axis=-1)[error > 1e-6].flat[0]
        raise ValueError(
            f"{name} must sum to 1 along its last axis (within 1e-6), got a sum of {float(bad)!r}"
        )


def check_labels(labels, name, num_classes):
    """Return integer class labels in [0, num_classes) as an intp array.

    Accepts bool or integer dtypes, and floats that are exactly integral (1.0, not 1.5).
    """
    a = as_array(labels, name)
    if a.dtype.kind == "f":
        a = as_float_array(a, name)
        fractional = a != np.floor(a)
        if fractional.any():
            raise ValueError(f"{name} must be integer class labels, got {a[fractional][0]}")
    lo, hi = np.min(a), np.max(a)
    if lo < 0 or hi >= num_classes:
        bad = lo if lo < 0 else hi
        raise ValueError(f"{name} must be class labels in [0, {num_classes - 1}], got {bad}")
    return a.astype(np.intp)


def check_reduction(reduction):
    """Raise unless `reduction` is one of "mean", "sum" or "none"."""
    message = f"reduction must be one of 'mean', 'sum' or 'none', got {reduction!r}"
    if not isinstance(reduction, str):
        raise TypeError(message)
    if reduction not in REDUCTIONS:
        raise ValueError(message)


def check_number(value, name, ok, requirement):
    """Return the real option `value` as a float if `ok(value)`.

    Raises TypeError for bools and non-numbers, ValueError for NaN, infinities or
    values failing `ok`, with a message saying the `requirement`.
    """
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a real number, got {value!r}")
    if not (math.isfinite(value) and ok(value)):
        raise ValueError(f"{name} must be {requirement}, got {value!r}")
    return float(value)


def check_base(base):
    """Return the logarithm base as a float: positive, finite and not 1."""
    return check_number(base, "base", lambda b: b > 0 and b != 1, "positive and not 1")


def check_count(value, name):
    """Return `value` as an int if it is an integer >= 1 (bools rejected)."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be an integer, got {value!r}")
    if value < 1:
        raise ValueError(f"{name} must be at least 1, got {value!r}")
    return int(value)


def reduce(losses, reduction):
    """Reduce an array of losses: a float for "mean" or "sum", the array itself for "none"."""
    if reduction == "none":
        return losses
    total = float(np.sum(losses))
    return total / losses.size if reduction == "mean" else total


def elementwise(kernel, arrays, reduction):
    """Apply the elementwise loss `kernel(*arrays)` and reduce it, block by block."""
    flat = [a.reshape(-1) for a in arrays]
    if reduction == "none":
        return map_blocks(kernel, flat).reshape(arrays[0].shape)
    with np.errstate(all="ignore"):  # overflow to inf and log(0) = -inf are the true results
        total = float(np.sum([np.sum(kernel(*(a[i:i + BLOCK] for a in flat)))
                              for i in range(0, flat[0].size, BLOCK)]))
    return total / flat[0].size if reduction == "mean" else total


def row_sums(term, arrays):
    """Sum `term(*arrays)` over the last axis, block by block: shape `arrays[0].shape[:-1]`."""
    k = arrays[0].shape[-1]
    rows = [a.reshape(-1, k) for a in arrays]
    if k <= BLOCK:
        sums = map_blocks(lambda *b: np.sum(term(*b), axis=-1), rows)
    else:  # long rows, e.g. a single distribution over 10**7 outcomes
        sums = np.array([elementwise(term, [r[i] for r in rows], "sum") for i in range(len(rows[0]))])
    return sums.reshape(arrays[0].shape[:-1])


def map_blocks(kernel, arrays):
    """Return `kernel(*arrays)` evaluated on blocks of leading rows of `arrays`."""
    n = len(arrays[0])
    step = max(1, BLOCK * n // arrays[0].size)  # rows per block
    out = None
    with np.errstate(all="ignore"):
        for i in range(0, n, step):
            result = kernel(*(a[i:i + step] for a in arrays))
            if out is None:
                out = np.empty((n,) + result.shape[1:])
            out[i:i + step] = result
    return out


def as_result(x):
    """A 0-d result as a Python float, anything else as a float64 array."""
    return float(x) if np.ndim(x) == 0 else x
