"""Probe the installed PyTorch, Keras, scikit-learn and SciPy; write what they do to docs/data/probes.json.

What the book says another library does (argument order, default reductions,
clipping constants, dtypes, returned shapes, warnings) is rendered from this
record. The docs build reads the JSON file and never imports torch or keras;
this script is the only place that runs them.

    python scripts/probes.py            # rerun the probes, rewrite docs/data/probes.json
    python scripts/probes.py --check    # rerun them, exit 1 if the committed record differs
    python scripts/probes.py --check --record other.json

Keras runs on its PyTorch backend. Floats are rounded to 12 significant
digits, so that the record is the same on every machine that has the same
library versions.

The record's format
-------------------
One top-level key per probe, holding what that probe returned: plain JSON
(dicts, lists, strings, numbers, booleans, null; infinities and NaN as the
strings "inf", "-inf", "nan"). The key is the probe function's name, except
for the two in ``KEYS``:

- ``versions``: each probed library's version (``torch``, ``keras``,
  ``scikit-learn``, ``scipy``, ``numpy``; ``optax`` and ``jax``, null when
  not installed) and ``keras_backend``;
- ``losses`` (``loss_inventory()``): the sorted names of the loss classes each
  library exports: ``"torch.nn"`` (subclasses of ``torch.nn.modules.loss._Loss``),
  ``"keras.losses"`` (subclasses of ``keras.losses.Loss``, the base classes
  ``Loss`` and ``LossFunctionWrapper`` excepted) and ``"optax.losses"`` (its
  public functions, or null when optax is not installed).

A page reads one value by dotted path, ``probed("clipping.keras.epsilon")``,
or states a claim that has no number with
``expect_probed({"kl_inputs.torch.call": "log q, p"})``; both are in
:mod:`booksite.page`, which reads the committed JSON file only.

How to add a probe
------------------
1. Write a function here, named for what it probes, with a one-line docstring
   saying what it asks the libraries. Import the libraries inside it. It
   returns a dict of plain JSON data: observed behaviour (a value, a shape, a
   parameter name, a warning's first line through ``_warned``), never an
   expectation; round floats with ``_round``.
2. Append it to ``PROBES``.
3. Run ``make probes`` and read the diff of ``docs/data/probes.json``.
4. Write the page's sentence from ``probed(...)`` (or guard it with
   ``expect_probed``). ``tests/tools/test_probes.py`` reruns every probe and
   fails when the committed record differs from the installed libraries.
"""

from __future__ import annotations

import argparse
import importlib.metadata
import inspect
import json
import math
import os
import re
import sys
import warnings
from pathlib import Path

from booksite import ROOT

os.environ.setdefault("KERAS_BACKEND", "torch")  # before anything imports keras

RECORD = ROOT / "docs" / "data" / "probes.json"
DIGITS = 12  # significant digits kept for every float in the record


def _round(value: float) -> float | str:
    """A float at DIGITS significant digits; infinities and NaN as strings (JSON has none)."""
    value = float(value)
    if not math.isfinite(value):
        return str(value)
    return float(f"{value:.{DIGITS}g}")


def _params(function) -> list[str]:
    """The names of a callable's parameters, in order."""
    return list(inspect.signature(function).parameters)


def _default(function, name: str):
    return inspect.signature(function).parameters[name].default


def _warned(call) -> tuple[object, list[str]]:
    """Run ``call()``; return its value and the messages of the warnings it raised (first line each)."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        value = call()
    messages = sorted({str(w.message).splitlines()[0] for w in caught if not _noise(w)})
    return value, messages


def _noise(w: warnings.WarningMessage) -> bool:
    """Keras' torch backend converts tensors with np.array(x), which NumPy 2 flags: not the library's behaviour."""
    return issubclass(w.category, DeprecationWarning) and "copy keyword" in str(w.message)


def _close(a: float, b: float) -> bool:
    return math.isclose(float(a), float(b), rel_tol=1e-6)


def _a(values):
    """A NumPy array (Keras wants arrays, not lists); float64 unless the values are integers."""
    import numpy as np

    return np.asarray(values)


def _t(values):
    import torch

    return torch.tensor(values, dtype=torch.float64)


# One function per probe -------------------------------------------------------------------


def versions() -> dict:
    """The version of each probed library (and NumPy), as its distribution reports it."""
    import keras

    names = {"torch": "torch", "keras": "keras", "scikit-learn": "scikit-learn", "scipy": "scipy", "numpy": "numpy"}
    found = {key: importlib.metadata.version(dist) for key, dist in names.items()}
    found["keras_backend"] = keras.backend.backend()
    for dist in ("optax", "jax"):  # the atlas's third framework: null when not installed
        try:
            found[dist] = importlib.metadata.version(dist)
        except importlib.metadata.PackageNotFoundError:
            found[dist] = None
    return found


def loss_inventory() -> dict:
    """The loss classes (or functions) each library exports, sorted by name."""
    import keras
    import torch.nn
    from torch.nn.modules.loss import _Loss

    torch_losses = sorted(
        name
        for name, obj in vars(torch.nn).items()
        if inspect.isclass(obj) and issubclass(obj, _Loss) and not name.startswith("_")
    )
    keras_losses = sorted(
        name
        for name, obj in vars(keras.losses).items()
        if inspect.isclass(obj) and issubclass(obj, keras.losses.Loss) and name not in {"Loss", "LossFunctionWrapper"}
    )
    try:
        import optax.losses
    except ImportError:
        optax_losses = None
    else:
        optax_losses = sorted(
            name for name, obj in vars(optax.losses).items() if inspect.isfunction(obj) and not name.startswith("_")
        )
    return {"torch.nn": torch_losses, "keras.losses": keras_losses, "optax.losses": optax_losses}


def argument_order() -> dict:
    """Which argument is the truth: binary cross-entropy of a label 1 predicted at 0.9, called positionally."""
    import keras
    import scipy.stats
    import torch.nn.functional as F
    from sklearn.metrics import log_loss

    right = -math.log(0.9)
    torch_first_is_prediction = _close(F.binary_cross_entropy(_t([0.9]), _t([1.0])).item(), right)
    keras_first_is_truth = _close(float(keras.losses.binary_crossentropy(_a([1.0]), _a([0.9]))), right)
    sklearn_first_is_truth = _close(log_loss([1], [0.9], labels=[0, 1]), right)
    p, q = [0.5, 0.5], [0.9, 0.1]
    kl_pq = sum(a * math.log(a / b) for a, b in zip(p, q))
    scipy_first_is_truth = _close(scipy.stats.entropy(p, q), kl_pq)
    return {
        "torch": {
            "function": "torch.nn.functional.binary_cross_entropy",
            "parameters": _params(F.binary_cross_entropy)[:2],
            "mse_loss_parameters": _params(F.mse_loss)[:2],
            "first": "prediction" if torch_first_is_prediction else "truth",
        },
        "keras": {
            "function": "keras.losses.binary_crossentropy",
            "parameters": _params(keras.losses.binary_crossentropy)[:2],
            "first": "truth" if keras_first_is_truth else "prediction",
        },
        "sklearn": {
            "function": "sklearn.metrics.log_loss",
            "parameters": _params(log_loss)[:2],
            "first": "truth" if sklearn_first_is_truth else "prediction",
        },
        "scipy": {
            "function": "scipy.stats.entropy",
            "parameters": _params(scipy.stats.entropy)[:2],
            "first": "truth" if scipy_first_is_truth else "prediction",
        },
    }


def classification_inputs() -> dict:
    """Whether each library's cross-entropy reads its prediction as logits or as probabilities."""
    import keras
    import torch
    import torch.nn.functional as F
    from sklearn.metrics import log_loss

    scores = [2.0, 1.0, 0.1]
    as_logit = -(scores[0] - math.log(sum(math.exp(s) for s in scores)))
    torch_value = F.cross_entropy(_t([scores]), torch.tensor([0])).item()
    probs = [0.7, 0.2, 0.1]
    keras_value = float(keras.losses.categorical_crossentropy(_a([[1.0, 0.0, 0.0]]), _a([probs]))[0])
    sklearn_value = log_loss([0], [probs], labels=[0, 1, 2])
    # Logits passed to Keras as if they were probabilities: divided by their sum, then clipped.
    keras_on_logits = float(keras.losses.CategoricalCrossentropy()(_a([[1.0, 0.0, 0.0]]), _a([scores])))
    return {
        "torch": {
            "function": "torch.nn.functional.cross_entropy",
            "reads": "logits" if _close(torch_value, as_logit) else "probabilities",
        },
        "keras": {
            "function": "keras.losses.categorical_crossentropy",
            "reads": "probabilities" if _close(keras_value, -math.log(0.7)) else "logits",
            "from_logits_default": _default(keras.losses.categorical_crossentropy, "from_logits"),
            "logits_without_from_logits": "divided by their sum"
            if _close(keras_on_logits, -math.log(scores[0] / sum(scores)))
            else "other",
        },
        "sklearn": {
            "function": "sklearn.metrics.log_loss",
            "reads": "probabilities" if _close(sklearn_value, -math.log(0.7)) else "logits",
        },
    }


def kl_inputs() -> dict:
    """What each KL divergence takes: which argument is p, and whether q comes as a log."""
    import keras
    import scipy.stats
    import torch.nn.functional as F

    p, q = [0.5, 0.3, 0.2], [0.4, 0.4, 0.2]
    kl = sum(a * math.log(a / b) for a, b in zip(p, q))
    torch_log_q_first = _close(F.kl_div(_t(q).log(), _t(p), reduction="sum").item(), kl)
    keras_p_first = _close(float(keras.losses.kl_divergence(_a(p), _a(q))), kl)
    # A zero in the prediction where the truth is not: Keras clips both arguments to [epsilon, 1].
    eps = keras.config.epsilon()
    keras_zero = float(keras.losses.kl_divergence(_a([1.0, 0.0]), _a([0.0, 1.0])))
    clipped = 1.0 * math.log(1.0 / eps) + eps * math.log(eps / 1.0)
    scipy_p_first = _close(scipy.stats.entropy(p, q), kl)
    return {
        "torch": {
            "function": "torch.nn.functional.kl_div",
            "parameters": _params(F.kl_div)[:2],
            "call": "log q, p" if torch_log_q_first else "other",
            "log_target_default": _default(F.kl_div, "log_target"),
        },
        "keras": {
            "function": "keras.losses.kl_divergence",
            "call": "p, q" if keras_p_first else "other",
            "clips_both_to_epsilon_1": _close(keras_zero, clipped),
            "class_reduction": keras.losses.KLDivergence().reduction,
        },
        "scipy": {"function": "scipy.stats.entropy", "call": "p, q" if scipy_p_first else "other"},
    }


def class_targets() -> dict:
    """Which target forms each cross-entropy accepts: class indices, probability rows."""
    import keras
    import torch
    import torch.nn.functional as F
    from sklearn.metrics import log_loss

    logits = [[2.0, 1.0, 0.1], [0.5, 2.5, 0.0]]
    by_index = F.cross_entropy(_t(logits), torch.tensor([0, 1])).item()
    by_row = F.cross_entropy(_t(logits), _t([[1.0, 0.0, 0.0], [0.0, 1.0, 0.0]])).item()
    probs = [[0.7, 0.2, 0.1], [0.1, 0.8, 0.1]]
    rows = float(keras.losses.CategoricalCrossentropy()(_a([[1.0, 0.0, 0.0], [0.0, 1.0, 0.0]]), _a(probs)))
    sparse = float(keras.losses.SparseCategoricalCrossentropy()(_a([0, 1]), _a(probs)))
    labels = log_loss(["cat", "dog"], [[0.7, 0.3], [0.2, 0.8]])
    return {
        "torch": {"indices": True, "rows": True, "agree": _close(by_index, by_row)},
        "keras": {
            "CategoricalCrossentropy": "rows",
            "SparseCategoricalCrossentropy": "indices",
            "agree": _close(rows, sparse),
        },
        "sklearn": {"string_labels": _close(labels, -(math.log(0.7) + math.log(0.8)) / 2)},
    }


def default_reductions() -> dict:
    """Default reductions, what they return, and the warnings they raise."""
    import keras
    import numpy as np
    import scipy.stats
    import torch.nn.functional as F
    from sklearn.metrics import mean_squared_error

    torch_defaults = {
        name: _default(getattr(F, name), "reduction")
        for name in [
            "mse_loss",
            "l1_loss",
            "huber_loss",
            "cross_entropy",
            "binary_cross_entropy",
            "binary_cross_entropy_with_logits",
            "kl_div",
        ]
    }
    p, q = [[0.5, 0.3, 0.2], [0.1, 0.6, 0.3]], [[0.4, 0.4, 0.2], [0.2, 0.5, 0.3]]
    kl_mean, kl_warnings = _warned(lambda: F.kl_div(_t(q).log(), _t(p)).item())
    kl_batchmean = F.kl_div(_t(q).log(), _t(p), reduction="batchmean").item()
    y, y_hat = np.array([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]), np.array([[1.5, 2.0, 2.0], [4.0, 7.0, 6.0]])
    keras_fn = keras.losses.mean_squared_error(y, y_hat)
    keras_cls = keras.losses.MeanSquaredError()(y, y_hat)
    sk = mean_squared_error(y, y_hat)
    columns = scipy.stats.entropy(np.array([[0.5, 0.5], [0.9, 0.1]]))
    return {
        "torch": {
            "reduction": torch_defaults,
            "kl_div_mean_over": round(kl_batchmean / kl_mean),
            "kl_div_mean_warnings": kl_warnings,
        },
        "keras": {
            "class_reduction": keras.losses.MeanSquaredError().reduction,
            "function_shape": list(keras_fn.shape),
            "class_shape": list(keras_cls.shape),
            "input_shape": list(y.shape),
            "class_is_mean_of_function": _close(float(keras_cls), float(np.mean(np.asarray(keras_fn)))),
        },
        "sklearn": {
            "has_reduction": "reduction" in _params(mean_squared_error),
            "multioutput_default": _default(mean_squared_error, "multioutput"),
            "returns_mean": _close(sk, float(np.mean((y - y_hat) ** 2))),
        },
        "scipy": {
            "has_reduction": "reduction" in _params(scipy.stats.entropy),
            "entropy_shape": list(np.shape(columns)),
        },
    }


def distribution_axis() -> dict:
    """The axis each library reads a distribution along."""
    import keras
    import numpy as np
    import scipy.stats
    import torch
    import torch.nn.functional as F

    # (batch 1, 3 classes, 2 positions): the classes are on dim 1 if each position is its own example.
    logits = torch.tensor([[[2.0, 0.0], [1.0, 1.0], [0.1, 3.0]]], dtype=torch.float64)
    per_position = F.cross_entropy(logits, torch.tensor([[0, 2]]), reduction="none")
    expected = -torch.log_softmax(logits, dim=1)[0, [0, 2], [0, 1]]
    batch = np.array([[0.5, 0.5], [0.9, 0.1]])
    rows = [-sum(v * math.log(v) for v in row) for row in batch]
    columns = [-sum(v / sum(col) * math.log(v / sum(col)) for v in col) for col in batch.T]
    scipy_values = scipy.stats.entropy(batch)
    return {
        "torch": {"cross_entropy_class_dim": 1 if torch.allclose(per_position[0], expected) else None},
        "keras": {"categorical_crossentropy_axis": _default(keras.losses.categorical_crossentropy, "axis")},
        "scipy": {
            "entropy_axis_default": _default(scipy.stats.entropy, "axis"),
            "entropy_of_rows_batch": "columns"
            if np.allclose(scipy_values, columns)
            else ("rows" if np.allclose(scipy_values, rows) else "other"),
            "column_entropies": [_round(v) for v in scipy_values],
        },
    }


def log_base() -> dict:
    """The logarithm's base: the loss of a uniform guess over two classes is ln 2 in nats."""
    import keras
    import scipy.stats
    import torch
    import torch.nn.functional as F
    from sklearn.metrics import log_loss

    ln2 = math.log(2)

    def base(value):
        return "e" if _close(value, ln2) else ("2" if _close(value, 1.0) else "other")

    return {
        "torch": base(F.cross_entropy(_t([[0.0, 0.0]]), torch.tensor([0])).item()),
        "keras": base(float(keras.losses.categorical_crossentropy(_a([[1.0, 0.0]]), _a([[0.5, 0.5]]))[0])),
        "sklearn": base(log_loss([1], [0.5], labels=[0, 1])),
        "scipy": {
            "default": base(scipy.stats.entropy([0.5, 0.5])),
            "has_base": "base" in _params(scipy.stats.entropy),
            "base_2": _round(scipy.stats.entropy([0.5, 0.5], base=2)),
        },
    }


def clipping() -> dict:
    """What a probability of exactly 0 or 1 costs in each library's binary cross-entropy."""
    import keras
    import numpy as np
    import scipy.special
    import scipy.stats
    import torch.nn.functional as F
    from sklearn.metrics import log_loss

    torch_cap = F.binary_cross_entropy(_t([0.0]), _t([1.0])).item()
    torch_other_way = F.binary_cross_entropy(_t([1.0]), _t([0.0])).item()
    keras_class = {
        f"y{y:g}_p{p:g}": _round(keras.losses.BinaryCrossentropy()(_a([y]), _a([p])))
        for y, p in [(1.0, 0.0), (0.0, 1.0)]
    }
    keras_function = {
        f"y{y:g}_p{p:g}": _round(keras.losses.binary_crossentropy(_a([y]), _a([p])))
        for y, p in [(1.0, 0.0), (0.0, 1.0)]
    }
    sk64, sk_warn = _warned(lambda: log_loss([1], np.array([0.0]), labels=[0, 1]))
    sk32 = log_loss([1], np.array([0.0], dtype=np.float32), labels=[0, 1])
    scipy_kl, _ = _warned(lambda: scipy.stats.entropy([0.5, 0.5], [1.0, 0.0]))
    return {
        "torch": {
            "bce_y1_p0": _round(torch_cap),
            "bce_y0_p1": _round(torch_other_way),
            "log_clamp": _round(-torch_cap),
        },
        "keras": {
            "epsilon": _round(keras.config.epsilon()),
            "BinaryCrossentropy_float64_inputs": keras_class,
            "binary_crossentropy_float64_inputs": keras_function,
            "float64_bce_at_epsilon": _round(-math.log(keras.config.epsilon())),
            "float32_one_minus_epsilon": _round(np.float32(1) - np.float32(keras.config.epsilon())),
        },
        "sklearn": {
            "log_loss_y1_p0_float64": _round(sk64),
            "log_loss_y1_p0_float32": _round(sk32),
            "eps_float64": _round(np.finfo(np.float64).eps),
            "eps_float32": _round(np.finfo(np.float32).eps),
            "clips_at_machine_epsilon": _close(sk64, -math.log(np.finfo(np.float64).eps))
            and _close(sk32, -math.log(np.finfo(np.float32).eps)),
            "warnings": sk_warn,
        },
        "scipy": {"kl_with_zero_q": _round(scipy_kl), "xlogy_0_0": _round(scipy.special.xlogy(0.0, 0.0))},
    }


def precision() -> dict:
    """The dtype each library computes a loss in, given float64 inputs."""
    import keras
    import numpy as np
    import scipy.stats
    import torch
    import torch.nn.functional as F
    from sklearn.metrics import mean_squared_error

    y, p = np.array([1.0, 0.0]), np.array([0.9, 0.2])
    torch_dtype = F.mse_loss(_t(p), _t(y)).dtype
    keras_class = keras.losses.BinaryCrossentropy()(y, p)
    keras_function = keras.losses.binary_crossentropy(y, p)
    return {
        "torch": str(torch_dtype).removeprefix("torch."),
        "torch_default_dtype": str(torch.get_default_dtype()).removeprefix("torch."),
        "keras": {
            "loss_dtype": keras.losses.BinaryCrossentropy().dtype,
            "class_result_dtype": keras.backend.standardize_dtype(keras_class.dtype),
            "function_result_dtype": keras.backend.standardize_dtype(keras_function.dtype),
            "floatx": keras.config.floatx(),
            # The cast is in the backend-independent Loss.__call__, so it holds on every backend.
            "call_casts_to_loss_dtype": "convert_to_tensor(x, dtype=self.dtype)"
            in inspect.getsource(keras.losses.Loss.__call__),
        },
        "sklearn": np.asarray(mean_squared_error(y, p)).dtype.name,
        "scipy": np.asarray(scipy.stats.entropy(p)).dtype.name,
    }


def keras_cross_entropy_shapes() -> dict:
    """Keras' categorical cross-entropy on logits: the function keeps one loss per sample, the class reduces."""
    import keras
    import numpy as np

    y = np.array([[0.0, 1.0, 0.0], [1.0, 0.0, 0.0]])
    logits = np.array([[1.0, 2.0, 0.5], [0.2, 0.1, 1.5]])
    function = keras.losses.categorical_crossentropy(y, logits, from_logits=True)
    reduced = keras.losses.CategoricalCrossentropy(from_logits=True)(y, logits)
    return {"input_shape": list(y.shape), "function_shape": list(function.shape), "class_shape": list(reduced.shape)}


def label_smoothing() -> dict:
    """Which smoothed target each library uses: (1 - eps) y + eps / K, or eps / (K - 1) off the true class."""
    import keras
    import numpy as np
    import torch
    import torch.nn.functional as F

    eps, logits, k = 0.1, np.array([[2.0, 1.0, 0.1]]), 3
    y = np.array([[1.0, 0.0, 0.0]])
    log_q = logits - np.log(np.exp(logits).sum())
    uniform = -(((1 - eps) * y + eps / k) * log_q).sum()
    other = -((np.where(y == 1, 1 - eps, eps / (k - 1))) * log_q).sum()

    def which(value):
        return "eps/K" if _close(value, uniform) else ("eps/(K-1)" if _close(value, other) else "other")

    torch_value = F.cross_entropy(torch.tensor(logits), torch.tensor([0]), label_smoothing=eps).item()
    keras_value = float(keras.losses.CategoricalCrossentropy(from_logits=True, label_smoothing=eps)(y, logits))
    y_binary, p_binary = np.array([[1.0], [0.0]]), np.array([[0.9], [0.2]])
    keras_binary = float(keras.losses.BinaryCrossentropy(label_smoothing=eps)(y_binary, p_binary))
    smoothed = y_binary * (1 - eps) + eps / 2
    binary_expected = float(np.mean(-(smoothed * np.log(p_binary) + (1 - smoothed) * np.log(1 - p_binary))))
    return {
        "torch": which(torch_value),
        "keras": which(keras_value),
        "torch_binary_cross_entropy_has_it": "label_smoothing" in _params(F.binary_cross_entropy),
        "keras_binary_uses_k_2": _close(keras_binary, binary_expected),
        "keras_sparse_has_it": "label_smoothing" in _params(keras.losses.SparseCategoricalCrossentropy),
    }


def logits_stability() -> dict:
    """The binary cross-entropy on a huge logit (1000, label 0): finite and exact where the stable form is used."""
    import keras
    import torch.nn.functional as F

    torch_value = F.binary_cross_entropy_with_logits(_t([1000.0]), _t([0.0])).item()
    keras_value = float(keras.losses.binary_crossentropy(_a([0.0]), _a([1000.0]), from_logits=True))
    return {
        "torch_binary_cross_entropy_with_logits": _round(torch_value),
        "keras_binary_crossentropy_from_logits": _round(keras_value),
    }


def broadcasting() -> dict:
    """A (4, 1) prediction column against (4,) targets: which libraries broadcast to (4, 4), which warn."""
    import keras
    import numpy as np
    import torch.nn.functional as F
    from sklearn.metrics import mean_squared_error

    y, column = np.array([3.0, -0.5, 2.0, 7.0]), np.array([[2.5], [0.0], [2.0], [8.0]])
    right, broadcast = float(np.mean((column.ravel() - y) ** 2)), float(np.mean((column - y) ** 2))

    def verdict(value):
        return "right" if _close(value, right) else ("broadcast" if _close(value, broadcast) else "other")

    torch_value, torch_warnings = _warned(lambda: F.mse_loss(_t(column), _t(y)).item())
    keras_value, keras_warnings = _warned(lambda: float(keras.losses.MeanSquaredError()(y, column)))
    sklearn_value, sklearn_warnings = _warned(lambda: mean_squared_error(y, column))
    return {
        "torch": {"result": verdict(torch_value), "warnings": [w.split(". ")[0] for w in torch_warnings]},
        "keras": {"result": verdict(keras_value), "warnings": keras_warnings},
        "sklearn": {"result": verdict(sklearn_value), "warnings": sklearn_warnings},
    }


def gradients_at_the_clip() -> dict:
    """The gradient of the binary cross-entropy (label 1) with respect to p, below Keras' clip and at 0."""
    import keras
    import torch
    import torch.nn.functional as F

    def torch_grad(p):
        x = torch.tensor([p], dtype=torch.float64, requires_grad=True)
        F.binary_cross_entropy(x, torch.tensor([1.0], dtype=torch.float64)).backward()
        return x.grad.item()

    below = keras.config.epsilon() / 1000
    x = torch.tensor([below], dtype=torch.float32, requires_grad=True)
    keras.losses.binary_crossentropy(torch.tensor([1.0]), x).backward()
    return {
        "p": _round(below),
        "keras": _round(x.grad.item()),
        "torch": _round(torch_grad(below)),
        "torch_at_0": _round(torch_grad(0.0)),
    }


def other_names() -> dict:
    """Names and defaults the book mentions in passing."""
    import numpy as np
    import sklearn.metrics
    import torch.nn.functional as F
    from sklearn.linear_model import HuberRegressor

    y, p = np.array([3.0, -0.5, 2.0]), np.array([2.5, 0.0, 2.0])
    multi_y, multi_p = np.array([[1.0, 0.0, 1.0], [0.0, 0.0, 1.0]]), np.array([[0.9, 0.2, 0.6], [0.3, 0.1, 0.8]])
    elementwise = -(multi_y * np.log(multi_p) + (1 - multi_y) * np.log(1 - multi_p))
    return {
        "torch_l1_loss_is_mae": _close(F.l1_loss(_t(p), _t(y)).item(), float(np.mean(np.abs(p - y)))),
        "torch_bce_mean_over_all_elements": _close(
            F.binary_cross_entropy(_t(multi_p), _t(multi_y)).item(), float(elementwise.mean())
        ),
        "sklearn_huber_regressor_epsilon": _default(HuberRegressor, "epsilon"),
        "sklearn_has_huber_metric": any("huber" in name.lower() for name in dir(sklearn.metrics)),
    }


def entropy_functions() -> dict:
    """Which libraries have an entropy function, and which take a base."""
    import keras
    import scipy.stats
    import sklearn.metrics
    import torch

    categorical = torch.distributions.Categorical(probs=torch.tensor([0.5, 0.5], dtype=torch.float64))
    return {
        "scipy": {"function": "scipy.stats.entropy", "has_base": "base" in _params(scipy.stats.entropy)},
        "torch": {
            "function": "torch.distributions.Categorical.entropy",
            "has_base": "base" in _params(categorical.entropy),
            "unit": "nats" if _close(categorical.entropy().item(), math.log(2)) else "other",
        },
        "keras_has_entropy": any(name.lower() == "entropy" for name in dir(keras.losses) + dir(keras.ops)),
        "sklearn_has_entropy": any(name.lower() == "entropy" for name in dir(sklearn.metrics)),
    }


def huber() -> dict:
    """The Huber losses' names and defaults."""
    import keras
    import scipy.special
    import torch.nn.functional as F

    return {
        "torch_huber_loss": {"parameters": _params(F.huber_loss)[:2], "delta": _default(F.huber_loss, "delta")},
        "torch_smooth_l1_loss": {
            "beta": _default(F.smooth_l1_loss, "beta"),
            "is_huber_over_beta": _close(
                F.smooth_l1_loss(_t([3.0]), _t([0.0]), beta=2.0).item(),
                F.huber_loss(_t([3.0]), _t([0.0]), delta=2.0).item() / 2,
            ),
        },
        "keras_huber_delta": _default(keras.losses.Huber, "delta"),
        "scipy_huber_delta_first": _close(scipy.special.huber(2.0, 3.0), 2.0 * (3.0 - 1.0)),
    }


def rmse() -> dict:
    """Where each library has a root mean squared error, and how scikit-learn averages columns."""
    import keras
    import numpy as np
    import torch.nn.functional as F
    from sklearn.metrics import root_mean_squared_error

    y = np.array([[1.0, 10.0], [2.0, 20.0], [3.0, 30.0]])
    p = np.array([[1.5, 10.0], [2.0, 26.0], [3.5, 30.0]])
    roots = np.sqrt(((y - p) ** 2).mean(axis=0))
    sk = root_mean_squared_error(y, p)
    return {
        "torch_has_rmse_loss": any("rmse" in name.lower() or "root_mean" in name for name in dir(F)),
        "keras_loss": hasattr(keras.losses, "RootMeanSquaredError"),
        "keras_metric": hasattr(keras.metrics, "RootMeanSquaredError"),
        "sklearn_columns": "mean of column roots"
        if _close(sk, roots.mean())
        else ("root of overall mean" if _close(sk, math.sqrt(((y - p) ** 2).mean())) else "other"),
    }


def class_weights_and_padding() -> dict:
    """PyTorch's class weights, ignore_index and pos_weight: defaults and what the mean divides by."""
    import torch
    import torch.nn.functional as F

    logits, target, weight = _t([[2.0, 0.5, -1.0], [0.1, 1.2, 0.3], [0.4, 0.2, 1.5]]), [0, 1, 1], [1.0, 3.0, 0.5]
    each = F.cross_entropy(logits, torch.tensor(target), reduction="none")
    weighted = F.cross_entropy(logits, torch.tensor(target), weight=_t(weight)).item()
    w = [weight[k] for k in target]
    by_weights = sum(a * b for a, b in zip(w, each.tolist())) / sum(w)
    by_count = sum(a * b for a, b in zip(w, each.tolist())) / len(w)
    all_padding = F.cross_entropy(logits[:1], torch.tensor([-100])).item()
    z, y, a = 0.5, 1.0, 19.0
    positive = F.binary_cross_entropy_with_logits(_t([z]), _t([y]), pos_weight=_t([a])).item()
    return {
        "ignore_index_default": {
            "cross_entropy": _default(F.cross_entropy, "ignore_index"),
            "nll_loss": _default(F.nll_loss, "ignore_index"),
        },
        "weighted_mean_divides_by": "sum of the targets' weights"
        if _close(weighted, by_weights)
        else ("number of targets" if _close(weighted, by_count) else "other"),
        "mean_of_padding_only": _round(all_padding),
        "pos_weight_multiplies_positive_term": _close(positive, a * math.log1p(math.exp(-z))),
    }


def likelihood_defaults() -> dict:
    """PyTorch's Poisson and Gaussian NLL: their defaults, and what they compute with them."""
    import torch.nn.functional as F

    counts, z = [2.0, 0.0, 5.0], [0.5, -1.0, 1.5]
    poisson = F.poisson_nll_loss(_t(z), _t(counts)).item()
    y, mean, var = [[1.0, 2.0], [3.5, 0.0]], [[1.5, 2.0], [3.0, 1.0]], [0.25, 2.0]
    cells = [(v, (a - b) ** 2) for row_y, row_m, v in zip(y, mean, var) for a, b in zip(row_y, row_m)]
    shared = F.gaussian_nll_loss(_t(mean), _t(y), _t(var)).item()
    expanded = [[v, v] for v in var]
    full_shape = F.gaussian_nll_loss(_t(mean), _t(y), _t(expanded)).item()
    bracket = sum(0.5 * (math.log(v) + e / v) for v, e in cells) / len(cells)
    return {
        "poisson_nll_loss": {
            "log_input": _default(F.poisson_nll_loss, "log_input"),
            "full": _default(F.poisson_nll_loss, "full"),
            "eps": _default(F.poisson_nll_loss, "eps"),
            "default_is_exp_z_minus_y_z": _close(poisson, sum(math.exp(a) - c * a for a, c in zip(z, counts)) / len(z)),
        },
        "gaussian_nll_loss": {
            "full": _default(F.gaussian_nll_loss, "full"),
            "eps": _default(F.gaussian_nll_loss, "eps"),
            "default_drops_half_log_2pi": _close(full_shape, bracket),
            "variance_one_axis_fewer": "shared along the last axis" if _close(shared, full_shape) else "other",
        },
    }


def loss_names() -> dict:
    """Whether PyTorch (torch.nn, torch.nn.functional) or Keras (keras.losses) names a loss of each family."""
    import keras
    import torch.nn
    import torch.nn.functional as F

    families = {
        "smooth_l1": ["smooth_l1"],
        "log_cosh": ["log_cosh"],
        "msle": ["squared_log", "squared_logarithmic", "msle"],
        "mape": ["percentage", "mape"],
        "quantile": ["quantile", "pinball"],
        "gaussian_nll": ["gaussian_nll"],
        "focal": ["focal"],
        "generalized_cross_entropy": ["generalized"],
        "poly": ["poly", "poly1"],
        "dice": ["dice"],
        "tversky": ["tversky"],
    }

    def words(name):  # "GaussianNLLLoss" and "gaussian_nll_loss" -> "_gaussian_nll_loss_"
        return "_" + "_".join(re.findall(r"[A-Z]?[a-z0-9]+|[A-Z]+(?![a-z])", name)).lower() + "_"

    names = {"torch": [words(n) for n in dir(torch.nn) + dir(F)], "keras": [words(n) for n in dir(keras.losses)]}
    return {
        family: {lib: any(f"_{key}_" in n for n in found for key in keys) for lib, found in names.items()}
        for family, keys in families.items()
    }


def atlas_regression() -> dict:
    """The regression atlas's framework notes: Keras' Huber and smooth L1, MSLE's floor, MAPE's scale, Poisson."""
    import keras
    import numpy as np
    import torch
    import torch.nn.functional as F
    from sklearn.metrics import mean_absolute_percentage_error, mean_squared_log_error

    y, p, beta = np.array([0.0, 1.0, 5.0]), np.array([0.5, 3.0, 1.0]), 2.0
    keras_huber = float(keras.losses.Huber(delta=beta)(y, p))
    smooth = F.smooth_l1_loss(_t(p), _t(y), beta=beta).item()
    eps = keras.config.epsilon()
    floored = float(keras.losses.mean_squared_logarithmic_error(_a([-5.0]), _a([1.0])))
    at_eps = float(keras.losses.mean_squared_logarithmic_error(_a([eps]), _a([1.0])))

    def sklearn_msle_rejects(value):
        try:
            mean_squared_log_error([value], [1.0])
        except ValueError:
            return True
        return False

    t, q = np.array([100.0, 50.0]), np.array([110.0, 40.0])
    fraction = float(np.mean(np.abs((q - t) / t)))

    def scale(ratio):
        return "percent" if _close(ratio, 100.0) else ("fraction" if _close(ratio, 1.0) else "other")

    counts, rates = np.array([2.0, 0.0, 5.0]), np.array([1.5, 0.5, 4.0])
    keras_poisson = float(keras.losses.Poisson()(counts, rates))

    def quantile_slope_at_tie(form, level=0.9):
        x = torch.tensor([1.0], dtype=torch.float64, requires_grad=True)
        d = torch.tensor([1.0], dtype=torch.float64) - x
        form(level * d, (level - 1) * d).sum().backward()
        return _round(x.grad.item())

    return {
        "keras_huber_delta_beta_is_beta_times_smooth_l1": _close(keras_huber, beta * smooth),
        "keras_msle_floor": _round(eps) if _close(floored, at_eps) else "none",
        "sklearn_msle_rejects": {"minus_one": sklearn_msle_rejects(-1.0), "minus_half": sklearn_msle_rejects(-0.5)},
        "mape_in": {
            "keras": scale(float(keras.losses.MeanAbsolutePercentageError()(t, q)) / fraction),
            "sklearn": scale(mean_absolute_percentage_error(t, q) / fraction),
        },
        "keras_poisson": "rates, log(rate + epsilon)"
        if _close(keras_poisson, float(np.mean(rates - counts * np.log(rates + eps))))
        else "other",
        "torch_quantile_slope_at_tie_q09": {
            "maximum": quantile_slope_at_tie(torch.maximum),
            "stack_amax": quantile_slope_at_tie(lambda a, b: torch.stack([a, b]).amax(dim=0)),
        },
    }


def atlas_classification() -> dict:
    """The classification atlas's framework notes: Keras' focal alpha, generalized CE's input, soft margin."""
    import keras
    import numpy as np
    import torch.nn.functional as F

    labels, logits = np.array([[1.0, 0.0, 1.0], [0.0, 1.0, 0.0]]), np.array([[2.0, -1.0, 0.5], [-0.3, 1.2, -2.0]])
    probs = 1 / (1 + np.exp(-logits))
    focal = {alpha: float(keras.losses.BinaryFocalCrossentropy(alpha=alpha)(labels, probs)) for alpha in (0.25, 0.75)}
    y_idx, rows, level = np.array([0, 1]), np.array([[0.7, 0.2, 0.1], [0.3, 0.6, 0.1]]), 0.5
    gce = float(keras.losses.CategoricalGeneralizedCrossEntropy(q=level)(y_idx, rows))
    p_y = rows[np.arange(2), y_idx]
    keras_bce = float(keras.losses.BinaryCrossentropy(from_logits=True)(labels, logits))
    margin = F.multilabel_soft_margin_loss(_t(logits), _t(labels)).item()
    return {
        "keras_focal_apply_class_balancing_default": _default(
            keras.losses.BinaryFocalCrossentropy, "apply_class_balancing"
        ),
        "keras_focal_alpha_ignored_by_default": _close(focal[0.25], focal[0.75]),
        "keras_has_CategoricalFocalCrossentropy": hasattr(keras.losses, "CategoricalFocalCrossentropy"),
        "keras_generalized_cross_entropy_reads": "probabilities"
        if _close(gce, float(np.mean((1 - p_y**level) / level)))
        else "other",
        "keras_bce_from_logits_is_multilabel_soft_margin": _close(keras_bce, margin),
    }


def atlas_segmentation() -> dict:
    """Keras' Dice and Tversky: empty masks, which weight is which in the code and in the docstring."""
    import keras
    import numpy as np

    empty = np.zeros((1, 4))
    truth, pred = np.array([[1.0, 1.0, 0.0, 0.0]]), np.array([[0.9, 0.3, 0.6, 0.0]])
    tp, fn, fp = (truth * pred).sum(), (truth * (1 - pred)).sum(), ((1 - truth) * pred).sum()
    alpha, beta = 0.7, 0.3
    tversky = float(keras.losses.Tversky(alpha=alpha, beta=beta)(truth, pred))
    half = float(keras.losses.Tversky(alpha=0.5, beta=0.5)(truth, pred))

    def weighs(value):
        if _close(value, 1 - tp / (tp + alpha * fn + beta * fp)):
            return "false negatives"
        return "false positives" if _close(value, 1 - tp / (tp + alpha * fp + beta * fn)) else "other"

    doc = [line.strip() for line in keras.losses.Tversky.__doc__.splitlines() if line.strip().startswith("alpha:")]
    return {
        "keras_dice_of_empty_masks": _round(float(keras.losses.Dice()(empty, empty))),
        "keras_tversky_alpha_weighs": weighs(tversky),
        "keras_tversky_docstring_alpha": "false positives"
        if doc and "false positives" in doc[0]
        else ("false negatives" if doc and "false negatives" in doc[0] else "other"),
        "keras_tversky_half_half_is_dice": _close(half, float(keras.losses.Dice()(truth, pred))),
    }


def metric_names() -> dict:
    """Whether scikit-learn has the metric functions the metrics chapter compares with."""
    import sklearn.calibration
    import sklearn.metrics

    return {name: hasattr(sklearn.metrics, name) for name in ["accuracy_score", "r2_score", "brier_score_loss"]} | {
        "calibration_curve": hasattr(sklearn.calibration, "calibration_curve")
    }


def autograd_leaves() -> dict:
    """Where PyTorch's loss.backward() leaves the gradients: in each leaf tensor's .grad, of the leaf's shape."""
    import torch
    import torch.nn.functional as F

    W = torch.zeros((2, 3), dtype=torch.float64, requires_grad=True)
    b = torch.zeros(3, dtype=torch.float64, requires_grad=True)
    F.cross_entropy(_t([[1.0, 2.0]]) @ W + b, torch.tensor([2])).backward()
    return {"backward_fills_leaf_grad": all(x.grad is not None and x.grad.shape == x.shape for x in (W, b))}


def atlas_conventions() -> dict:
    """What the atlas pages say PyTorch and Keras do with margin, similarity and CTC losses."""
    import keras
    import numpy as np
    import torch
    import torch.nn.functional as F

    def kv(loss, y, p):
        return float(keras.ops.convert_to_numpy(loss(np.asarray(y, dtype="float64"), np.asarray(p, dtype="float64"))))

    s = [[0.3, -2.0, 1.5]]
    zero_one = kv(keras.losses.Hinge(dtype="float64"), [[1.0, 0.0, 1.0]], s)
    signed = kv(keras.losses.Hinge(dtype="float64"), [[1.0, -1.0, 1.0]], s)
    # true class 0 scores 0.5, every wrong score negative: Keras's maximum over (1 - y) s is the 0 at the
    # true class (loss 0.5); over the wrong classes only it would be -1 (loss 0)
    categorical = kv(keras.losses.CategoricalHinge(dtype="float64"), [[1.0, 0.0, 0.0]], [[0.5, -1.0, -2.0]])
    x = torch.zeros(1, 4, dtype=torch.float64)
    eps = float(torch.nn.TripletMarginLoss().eps)
    same_point = F.pairwise_distance(x, x).item()
    contrastive = [
        f"{lib}.{name}"
        for lib, module in (("torch.nn", torch.nn), ("keras.losses", keras.losses))
        for name in dir(module)
        if any(key in name.lower() for key in ("infonce", "ntxent", "nt_xent", "contrastive"))
    ]
    # CTC: three frames, three classes, the transcript [1, 2]
    logits = np.array([[[0.2, 1.0, -0.5], [0.1, 0.3, 0.9], [1.2, -0.4, 0.0]]])
    log_probs = torch.tensor(logits).log_softmax(-1).transpose(0, 1).requires_grad_()  # (T, N, C)
    args = (torch.tensor([[1, 2]]), torch.tensor([3]), torch.tensor([2]))
    per_sample = F.ctc_loss(log_probs, *args, reduction="none")
    per_sample.sum().backward()
    frame_sums = (log_probs.grad - log_probs.detach().exp()).sum(-1)
    try:  # the same batch of one, batch first: (N, T, C) = (1, 3, 3) read as T = 1 frame, N = 3
        F.ctc_loss(log_probs.detach().transpose(0, 1), *args, reduction="none")
        layout = "accepts (N, T, C)"
    except (RuntimeError, ValueError):
        layout = "(T, N, C)"
    keras_ctc = kv(keras.losses.CTC(dtype="float64"), [[1.0, 2.0]], logits)
    return {
        "keras": {
            "hinge_maps_zero_one": _close(zero_one, signed),
            "categorical_hinge_best_other": "the 0 at the true class"
            if _close(categorical, 0.5)
            else ("the largest wrong score" if _close(categorical, 0.0) else _round(categorical)),
            "ctc_reads": "logits, blank 0, not divided by the label length"
            if _close(keras_ctc, per_sample.item())
            else "other",
        },
        "torch": {
            "hinge_classes": sorted(name for name in dir(torch.nn) if "Hinge" in name),
            "triplet_eps": _round(eps),
            "pairwise_distance_same_point": _round(same_point),
            "eps_added_per_component": _close(same_point, eps * 4**0.5),
            "ctc_input_layout": layout,
            "ctc_grad_minus_probs_frame_sums": sorted({_round(v) for v in frame_sums.flatten().tolist()}),
        },
        "contrastive_classes": contrastive,
    }


PROBES = [
    versions,
    loss_inventory,
    argument_order,
    classification_inputs,
    kl_inputs,
    class_targets,
    default_reductions,
    distribution_axis,
    log_base,
    clipping,
    precision,
    keras_cross_entropy_shapes,
    label_smoothing,
    logits_stability,
    broadcasting,
    gradients_at_the_clip,
    other_names,
    entropy_functions,
    huber,
    rmse,
    class_weights_and_padding,
    likelihood_defaults,
    loss_names,
    atlas_regression,
    atlas_classification,
    atlas_segmentation,
    metric_names,
    autograd_leaves,
    atlas_conventions,
]
KEYS = {versions: "versions", loss_inventory: "losses"}  # the names issue 15's atlas reads


def probe_record() -> dict:
    """Run every probe; the record maps each probe's name to its result."""
    return {KEYS.get(probe, probe.__name__): probe() for probe in PROBES}


def dump(record: dict) -> str:
    return json.dumps(record, indent=1, sort_keys=True, ensure_ascii=False) + "\n"


def differences(old, new, path: str = "") -> list[str]:
    """Where two records differ, as 'path: old -> new' lines."""
    if isinstance(old, dict) and isinstance(new, dict):
        lines = []
        for key in sorted(set(old) | set(new)):
            where = f"{path}.{key}" if path else key
            if key not in old or key not in new:
                lines.append(f"{where}: {old.get(key, '(absent)')!r} -> {new.get(key, '(absent)')!r}")
            else:
                lines += differences(old[key], new[key], where)
        return lines
    return [] if old == new else [f"{path}: {old!r} -> {new!r}"]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="compare with the record instead of writing it")
    parser.add_argument("--record", type=Path, default=RECORD, help=f"the record (default {RECORD})")
    args = parser.parse_args(argv)
    text = dump(probe_record())
    if args.check:
        committed = json.loads(args.record.read_text(encoding="utf-8")) if args.record.is_file() else {}
        changed = differences(committed, json.loads(text))
        if changed:
            print(
                f"{args.record} differs from the installed libraries' behaviour "
                "(run `make probes`, then update the pages that rely on it):",
                file=sys.stderr,
            )
            print("\n".join(f"  {line}" for line in changed), file=sys.stderr)
            return 1
        return 0
    args.record.parent.mkdir(parents=True, exist_ok=True)
    if not args.record.is_file() or args.record.read_text(encoding="utf-8") != text:
        args.record.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
