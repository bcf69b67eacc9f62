"""Input validation and block-wise evaluation shared by every lossbook function.

Rules applied to every input (see the package docstring):

* arrays must hold real numbers: bool, integer or float dtypes (booleans count as
  0 and 1); strings, None, objects and complex numbers raise `TypeError`;
* arrays must be non-empty and finite, else `ValueError`;
* every value must convert to float64 exactly or at least within its range: an integer
  beyond 2**53 that float64 would round, or a `longdouble` beyond float64's range, raises
  `ValueError` (lossbook computes in float64 and never rounds an input silently);
* NumPy masked arrays raise `TypeError` (a mask is never applied or silently dropped: pass
  `x.compressed()` or `x.filled(value)`), and so do PyTorch tensors that require grad
  (pass `x.detach()`); torch is never imported;
* paired arrays must have exactly the same shape: nothing is broadcast;
* inputs are never modified: every helper only reads them.

The losses are evaluated in blocks of about `BLOCK` elements, so their temporaries
stay in cache and a reduced loss needs no input-sized temporary at all: inputs that are
not float64 (int8, float32, ...) are validated in their own dtype and converted to float64
one block at a time. A sum that overflows is recomputed rescaled, so a mean is finite
whenever the mathematics makes it finite.
"""

import math
import numbers
from decimal import Decimal

import numpy as np

REDUCTIONS = ("mean", "sum", "none")
BLOCK = 1 << 15  # elements per block: 256 KiB per float64 temporary
# Kernels that make several passes over two or three scratch rows of their own (smooth L1, the
# hinge losses) take blocks twice as long: half the blocks, half the per-block call overhead,
# and the rows still fit a 1 MiB L2 cache (measured 10-30 % faster at 1e6 elements here).
WIDE_BLOCK = 2 * BLOCK
EXACT = 2**53  # float64 holds every integer up to this magnitude exactly
FLOAT64_MAX = float(np.finfo(np.float64).max)


def as_array(x, name):
    """Return `x` as a non-empty ndarray of bools or real numbers (not yet float)."""
    _refuse_masks_and_gradients(x, name)
    try:
        a = np.asarray(x)
    except (TypeError, ValueError) as e:  # e.g. ragged nested lists
        raise type(e)(f"{name} could not be converted to an array: {e}") from None
    if a.dtype == object:  # e.g. Python ints beyond int64 and uint64
        a = _objects_as_float(a, name)
    if a.dtype.kind not in "biuf":
        head = np.array2string(a.reshape(-1)[:3], threshold=3)
        raise TypeError(f"{name} must contain real numbers, got dtype {a.dtype} ({head})")
    if a.size == 0:
        raise ValueError(f"{name} must not be empty, got shape {a.shape}")
    return a


def as_float_array(x, name, *, finite=True, blockwise=False):
    """Return `x` as a non-empty float64 array (a view when it already is one), finite if `finite`.

    Every value converts to float64 exactly (integers) or within range (`longdouble`), else
    ValueError. With `blockwise=True` the validated array keeps its own dtype: only for inputs
    that go solely through `elementwise`, `map_blocks`, `row_sums` or `blocks`, which convert
    one block at a time, so an int8 or float32 input never gets an input-sized float64 copy.
    """
    a = as_array(x, name)
    check_fits_float64(a, name)
    if finite:
        check_finite(a, name)
    return a if blockwise else a.astype(np.float64, copy=False)


def check_fits_float64(a, name):
    """Raise ValueError unless every value of `a` converts to float64 exactly (integers) or in range."""
    if a.dtype.kind in "iu" and a.dtype.itemsize >= 8:
        if -EXACT <= np.min(a) and np.max(a) <= EXACT:
            return
        top = 2.0 ** (8 * a.dtype.itemsize - (a.dtype.kind == "i"))  # 2**63 or 2**64: not in the dtype
        for start, block in _flat_blocks(a):
            x = block.astype(np.float64)
            inexact = (x >= top) | (np.where(x < top, x, 0).astype(a.dtype) != block)
            if inexact.any():
                index = _index(start + int(np.argmax(inexact)), a.shape)
                raise ValueError(_inexact_integer(name, int(a[index]), index))
    elif a.dtype.kind == "f" and a.dtype.itemsize > 8:  # longdouble
        if np.fmin.reduce(a, axis=None) < -FLOAT64_MAX or np.fmax.reduce(a, axis=None) > FLOAT64_MAX:
            index = _index(int(np.argmax(np.abs(a) > FLOAT64_MAX)), a.shape)
            raise ValueError(_beyond_float64(name, str(a[index]), index))


def _beyond_float64(name, value, index):
    return (
        f"{name} holds {value} at index {index}, beyond the range of float64 (+-{FLOAT64_MAX:.17g}), "
        f"in which lossbook computes: divide the values by a common scale first"
    )


def _inexact_integer(name, value, index):
    return (
        f"{name} holds the integer {value} at index {index}, which float64 cannot represent exactly "
        f"(it holds every integer only up to 2**53 = {EXACT}); lossbook computes in float64 and "
        f"never rounds an input silently: subtract a common offset first, or pass {name}.astype(float) "
        f"to accept the rounding"
    )


def _objects_as_float(a, name):
    """An object array of real numbers (e.g. Python ints too large for int64) as float64, exactly."""
    if not all(isinstance(v, numbers.Real) for v in a.flat):
        return a  # not numbers: refused by the caller
    out = np.empty(a.shape)
    for i, v in enumerate(a.flat):
        try:
            f = float(v)
            beyond = math.isinf(f) and not np.isinf(v)  # e.g. a longdouble of 1e400
        except OverflowError:  # e.g. the int 10**400
            f, beyond = math.inf, True
        if beyond:
            value = f"an integer of {len(str(abs(int(v))))} digits" if isinstance(v, numbers.Integral) else str(v)
            raise ValueError(_beyond_float64(name, value, _index(i, a.shape)))
        if isinstance(v, numbers.Integral) and int(f) != v:
            raise ValueError(_inexact_integer(name, int(v), _index(i, a.shape)))
        out.flat[i] = f
    return out


def _refuse_masks_and_gradients(x, name):
    """Raise TypeError for a masked array or a torch tensor that requires grad (torch is not imported)."""
    if isinstance(x, np.ma.MaskedArray):
        raise TypeError(
            f"{name} is a NumPy masked array ({np.ma.count_masked(x)} of {x.size} elements masked), "
            f"and lossbook applies no mask: pass {name}.compressed() to drop the masked elements "
            f"(drop the same ones from a paired array), or {name}.filled(value) to replace them"
        )
    if getattr(x, "requires_grad", False) is True and type(x).__module__.split(".")[0] == "torch":
        raise TypeError(
            f"{name} is a torch tensor that requires grad, which NumPy cannot read: pass "
            f"{name}.detach() (lossbook computes values, not gradients)"
        )


def check_finite(a, name):
    """Raise ValueError if the array `a` holds a NaN or an infinity (bools and integers never do)."""
    if a.dtype.kind not in "fc":
        return
    with np.errstate(over="ignore", invalid="ignore"):
        # One cheap pass: a finite sum proves every element finite; only an
        # infinite or NaN sum (possibly a harmless overflow) needs the elementwise test.
        if np.isfinite(np.sum(a)):
            return
    for start, block in _flat_blocks(a):
        bad = ~np.isfinite(block)
        if bad.any():
            index = _index(start + int(np.argmax(bad)), a.shape)
            raise ValueError(f"{name} must be finite, got {a[index]} at index {index}")


def check_finite_inputs(loss, inputs):
    """Check the `inputs` ({name: array}) for NaN and infinity, but only if `loss` is not finite.

    For losses that any NaN or infinite input makes non-finite (the regression losses) this
    replaces a pass over every input by a pass over the loss, or nothing for a reduced loss.
    Finite inputs that give an infinite loss are a genuine overflow: the loss stands.
    """
    if isinstance(loss, float):  # a reduced loss: no array to sum
        if math.isfinite(loss):
            return
    else:
        with np.errstate(over="ignore", invalid="ignore"):
            if np.isfinite(np.sum(loss)):
                return
    for name, a in inputs.items():
        check_finite(a, name)


def check_same_shape(a, a_name, b, b_name):
    """Raise ValueError unless `a` and `b` have exactly the same shape (no broadcasting)."""
    if a.shape != b.shape:
        raise ValueError(f"{a_name} and {b_name} must have the same shape, got {a.shape} and {b.shape}")


def check_probabilities(p, name):
    """Raise ValueError unless every element of the float array `p` lies in [0, 1]."""
    lo, hi = np.min(p), np.max(p)
    if lo < 0 or hi > 1:
        index = _index(int(np.argmin(p) if lo < 0 else np.argmax(p)), p.shape)
        raise ValueError(f"{name} must be probabilities in [0, 1], got {p[index]} at index {index}")


def check_distribution(p, name):
    """Raise ValueError unless `p` holds distributions along its last axis.

    Every element must lie in [0, 1] and every row must sum to 1 within 1e-6; rows
    are never renormalised.
    """
    if p.ndim == 0:
        raise ValueError(f"{name} must have a last axis holding a distribution, got a scalar")
    check_probabilities(p, name)
    sums = np.sum(p, axis=-1, dtype=np.float64)  # converted while summing, also for int8 or float32
    bad = np.abs(sums - 1.0) > 1e-6
    if bad.any():
        row = _index(int(np.argmax(bad)), sums.shape)
        where = f" in row {row}" if row else ""
        raise ValueError(
            f"{name} must sum to 1 along its last axis (within 1e-6), got a sum of "
            f"{float(sums[row])!r}{where}; lossbook never renormalises: divide by the sum"
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
            index = _index(int(np.argmax(fractional)), a.shape)
            raise ValueError(f"{name} must be integer class labels, got {a[index]} at index {index}")
    lo, hi = np.min(a), np.max(a)
    if lo < 0 or hi >= num_classes:
        index = _index(int(np.argmin(a) if lo < 0 else np.argmax(a)), a.shape)
        raise ValueError(f"{name} must be class labels in [0, {num_classes - 1}], got {a[index]} at index {index}")
    return a.astype(np.intp, copy=False)


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
    return total(lambda: (block for _, block in _flat_blocks(losses)), losses.size, reduction)


def total(parts, n, reduction):
    """The sum of the arrays that `parts()` yields, divided by `n` for "mean", as a float.

    Where the plain sum overflows (or is NaN), `parts()` is summed again scaled by 2**-k with
    2**k > n, which is exact and cannot overflow for finite parts: a mean of finite values is
    then finite (four errors of 1.7e308 have the mean 1.7e308), and a sum beyond float64 is inf.
    """
    with np.errstate(all="ignore"):  # overflow to inf and log(0) = -inf are the true results
        # A kernel that already summed its block returns a float: summing it again costs microseconds.
        sums = [part if isinstance(part, float) else float(np.sum(part)) for part in parts()]
        try:
            s = math.fsum(sums)  # the block sums added exactly (then rounded once)
        except (OverflowError, ValueError):  # an intermediate beyond float64, or inf - inf: rescaled below
            s = math.nan
        if math.isfinite(s):
            return s / n if reduction == "mean" else s
        k = n.bit_length()
        s = float(np.sum([np.sum(np.ldexp(part, -k)) for part in parts()]))
        return s / n * 2.0**k if reduction == "mean" else s * 2.0**k  # Python floats: inf, no error


def elementwise(kernel, arrays, reduction, *, size=BLOCK):
    """Apply the elementwise loss `kernel(*arrays)` and reduce it, in float64 blocks of `size` elements."""
    if reduction == "none":
        return map_blocks(kernel, [a.reshape(-1) for a in arrays]).reshape(arrays[0].shape)
    return total(lambda: (kernel(*b) for b in blocks(arrays, size=size)), arrays[0].size, reduction)


def blocks(arrays, *, size=BLOCK):
    """Yield tuples of float64 blocks of `size` elements (the last one shorter) of the flattened `arrays`.

    An input that is not float64 is converted one block at a time (a float64 block is a view).
    """
    flat = [a.reshape(-1) for a in arrays]
    for i in range(0, flat[0].size, size):
        yield tuple(np.asarray(a[i : i + size], dtype=np.float64) for a in flat)


def row_sums(term, arrays):
    """Sum `term(*arrays)` over the last axis, block by block: shape `arrays[0].shape[:-1]`."""
    k = arrays[0].shape[-1]
    rows = [a.reshape(-1, k) for a in arrays]
    if k <= BLOCK:
        sums = map_blocks(lambda *b: np.sum(term(*b), axis=-1), rows)
    else:  # long rows, e.g. a single distribution over 10**7 outcomes
        sums = np.array([elementwise(term, [r[i] for r in rows], "sum") for i in range(len(rows[0]))])
    return sums.reshape(arrays[0].shape[:-1])


def map_blocks(kernel, arrays, *, raw=()):
    """Return `kernel(*arrays)` evaluated on blocks of leading rows of `arrays`.

    The kernel receives float64 blocks (an array of another dtype is converted one block at
    a time), except for the arrays whose positions are in `raw` (class labels, boolean masks),
    which it receives in their own dtype.
    """
    n = len(arrays[0])
    step = max(1, BLOCK * n // arrays[0].size)  # rows per block
    out = None
    with np.errstate(all="ignore"):
        for i in range(0, n, step):
            result = kernel(
                *(
                    a[i : i + step] if j in raw else np.asarray(a[i : i + step], dtype=np.float64)
                    for j, a in enumerate(arrays)
                )
            )
            if out is None:
                out = np.empty((n,) + result.shape[1:])
            out[i : i + step] = result
    return out


def zeros(shape, name, value):
    """`np.zeros(shape)`, or an error saying how much memory the option `name`=`value` asked for."""
    nbytes = 8 * math.prod(shape)
    need = (
        f"{name}={value!r} asks for a float64 array of shape {shape}, "
        f"{Decimal(nbytes):.3g} bytes ({Decimal(nbytes) / 2**30:.3g} GiB)"
    )
    if nbytes > np.iinfo(np.intp).max:
        raise ValueError(f"{need}, more than any computer can address: pass a smaller {name}")
    try:
        return np.zeros(shape)
    except MemoryError:
        raise MemoryError(f"{need}, more than is available: pass a smaller {name}") from None


def as_result(x):
    """A 0-d result as a Python float, anything else as a float64 array."""
    return float(x) if np.ndim(x) == 0 else x


def check_weight(weight, name, ok_shape, expected):
    """Return the option `weight` as a non-empty, finite, non-negative float64 array.

    `ok_shape(shape)` says whether its shape is accepted; `expected` describes the accepted
    shapes for the message (e.g. "(K,) = (3,), one weight per class").
    """
    w = as_float_array(weight, name)
    if not ok_shape(w.shape):
        raise ValueError(f"{name} must have shape {expected}, got shape {w.shape}")
    lo = np.min(w)
    if lo < 0:
        raise ValueError(f"{name} must be non-negative, got {float(lo)!r}")
    return w


def check_ignore_index(ignore_index):
    """Return `ignore_index` as an int, or None (bools, floats and other types raise TypeError)."""
    if ignore_index is None:
        return None
    if isinstance(ignore_index, (bool, np.bool_)) or not isinstance(ignore_index, numbers.Integral):
        raise TypeError(f"ignore_index must be an integer class label (or None), got {ignore_index!r}")
    return int(ignore_index)


def _flat_blocks(a):
    """Yield (offset, block) for blocks of `BLOCK` elements of `a` flattened, in its own dtype."""
    flat = a.reshape(-1)
    for i in range(0, flat.size, BLOCK):
        yield i, flat[i : i + BLOCK]


def _index(flat_index, shape):
    """The flat index as a tuple of Python ints into `shape`."""
    return tuple(int(i) for i in np.unravel_index(flat_index, shape))
