"""Shared checks for the atlas tests: PyTorch autograd and central differences of lossbook losses."""

import numpy as np
import torch


def leaf(x):
    """A float64 tensor that records gradients (a copy: the numpy input is never touched)."""
    return torch.tensor(np.asarray(x, dtype=np.float64), dtype=torch.float64, requires_grad=True)


def autograd(loss_of, *arrays, wrt=0):
    """d loss_of(*tensors) / d tensors[wrt] for `loss_of` a PyTorch expression returning one value."""
    tensors = [leaf(a) for a in arrays]
    loss_of(*tensors).sum().backward()  # .sum(): an unreduced loss gives each element's own derivative
    return tensors[wrt].grad.numpy()


def central_differences(f, x, rel_step=1e-6):
    """d f(x) / d x_i for a scalar function f, one coordinate at a time (x stays unchanged).

    Each difference carries the rounding of f, about 1e-16 |f| / step: see `assert_matches_differences`.
    """
    x = np.asarray(x, dtype=np.float64)
    grad = np.empty_like(x)
    for i in np.ndindex(x.shape):
        h = rel_step * max(1.0, abs(x[i]))
        up, down = x.copy(), x.copy()
        up[i] += h
        down[i] -= h
        grad[i] = (f(up) - f(down)) / (up[i] - down[i])
    return grad


def assert_matches_differences(f, grad, first, x, **options):
    """grad(first, x) equals the central differences of the summed loss f(first, x) in x."""
    numeric = central_differences(lambda v: f(first, v, reduction="sum", **options), x)
    # the differences' own rounding: 1e-16 |f| over a step of 1e-6 max(1, |x|), with a margin of 4
    atol = 4e-10 * max(1.0, abs(f(first, x, reduction="sum", **options))) + 1e-9
    np.testing.assert_allclose(grad(first, x, reduction="sum", **options), numeric, rtol=1e-6, atol=atol)
