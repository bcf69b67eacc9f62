"""The four-library comparison (docs/practice/four-libraries.md): what one confident mistake costs."""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np

from booksite.emulate import (
    keras_binary_crossentropy,
    sklearn_log_loss,
    torch_binary_cross_entropy,
    torch_kl_div,  # a NumPy emulation, tested against PyTorch
)
from booksite.page import num, probed, table, tex_power_of_ten
from booksite.pages import clip_caps
from lossbook import kl_divergence

# NumPy emulations of the libraries' binary cross-entropies (tests/book/test_emulations.py compares each
# with the real library), named after the rule each applies.
# The constants in the names come from the probe record, as do the caps the emulations must reproduce.
_CLIP = probed("clipping")
CLIP_RULES: dict[str, Callable] = {
    f"PyTorch (log clamped at ${_CLIP['torch']['log_clamp']:g}$)": torch_binary_cross_entropy,
    "scikit-learn (machine epsilon)": sklearn_log_loss,
    f"Keras (${tex_power_of_ten(_CLIP['keras']['epsilon'])}$)": keras_binary_crossentropy,
}
PROBED_CAPS = {  # what the real libraries charge for probability 0 on the label 1, float64 inputs (probed)
    torch_binary_cross_entropy: _CLIP["torch"]["bce_y1_p0"],
    sklearn_log_loss: _CLIP["sklearn"]["log_loss_y1_p0_float64"],
    keras_binary_crossentropy: _CLIP["keras"]["BinaryCrossentropy_float64_inputs"]["y1_p0"],
}


def caps_listing(rules: dict[str, Callable] = CLIP_RULES) -> str:
    """The most one wrong prediction (probability 0 for what happened) costs, per library: "name: cap nats, ...".

    Each emulated cap must be what the probes measured on the real library (Keras computes in float32).
    """
    caps = clip_caps(rules)
    for (name, emulation), cap in zip(rules.items(), caps.values()):
        if emulation in PROBED_CAPS and not math.isclose(cap, PROBED_CAPS[emulation], rel_tol=1e-6):
            raise AssertionError(f"{name}: the emulation caps at {cap}, the library at {PROBED_CAPS[emulation]}")
    return ", ".join(f"{name}: {num(value)} nats" for name, value in caps.items())


def first(order: dict, lib: str) -> str:
    """Argument order from the probe: which argument a binary cross-entropy reads as the truth."""
    truth_first = order[lib]["first"] == "truth"
    text = "truth, prediction" if truth_first else "prediction, truth"
    return text if truth_first else f"**{text}**"


def kl_call(kl: dict, lib: str) -> str:
    """How a library's KL divergence takes its arguments, from the probe."""
    return {"p, q": "$p$, $q$", "log q, p": "**$\\log q$**, $p$"}.get(kl[lib]["call"], kl[lib]["call"])


def e_base(found: str) -> str:
    """A logarithm's base as the table writes it."""
    return "$e$" if found == "e" else found


def conventions_table() -> str:
    """The conventions table: lossbook and each probed library, with the library versions in the heading."""
    # Every library cell below comes from docs/data/probes.json, written by `make probes`
    # (scripts/probes.py) from the installed libraries; tests/tools/test_probes.py reruns the probes.
    v = probed("versions")
    order, inputs, kl = probed("argument_order"), probed("classification_inputs"), probed("kl_inputs")
    targets, red, axis = probed("class_targets"), probed("default_reductions"), probed("distribution_axis")
    base, clip, prec = probed("log_base"), probed("clipping"), probed("precision")

    # What the cells below state without a probe value in them must still be what the probes found.
    assert red["sklearn"]["returns_mean"] and not red["sklearn"]["has_reduction"] and not red["scipy"]["has_reduction"]
    assert clip["sklearn"]["clips_at_machine_epsilon"] and clip["scipy"]["xlogy_0_0"] == 0
    assert targets["sklearn"]["string_labels"] and targets["torch"]["agree"] and targets["keras"]["agree"]
    keras_eps = tex_power_of_ten(clip["keras"]["epsilon"])
    rows = [
        [
            "argument order",
            "truth, prediction",
            first(order, "torch"),
            first(order, "keras"),
            first(order, "sklearn"),
            first(order, "scipy"),
        ],
        [
            "classification losses take",
            "logits or probabilities, as the name says",
            f"**{inputs['torch']['reads']}** (`cross_entropy`)",
            f"**{inputs['keras']['reads']}**, unless `from_logits=True`",
            inputs["sklearn"]["reads"],
            "probabilities",
        ],
        ["KL divergence takes", "$p$, $q$", kl_call(kl, "torch"), kl_call(kl, "keras"), "—", kl_call(kl, "scipy")],
        [
            "class targets",
            "indices or rows",
            " or ".join(form for form in ("indices", "rows") if targets["torch"][form]),
            f"{targets['keras']['CategoricalCrossentropy']}; "
            f"{targets['keras']['SparseCategoricalCrossentropy']} with `Sparse…`",
            "labels",
            "—",
        ],
        [
            "default reduction",
            "mean",
            f"{red['torch']['reduction']['mse_loss']}; `kl_div`: use **`batchmean`**",
            f"`{red['keras']['class_reduction']}` (classes); one loss per sample (functions)",
            "mean (no `reduction` argument)",
            "none",
        ],
        [
            "distribution axis",
            "last",
            f"`dim=`; {axis['torch']['cross_entropy_class_dim']} in `cross_entropy`",
            "last"
            if axis["keras"]["categorical_crossentropy_axis"] == -1
            else f"axis {axis['keras']['categorical_crossentropy_axis']}",
            "columns",
            f"**axis {axis['scipy']['entropy_axis_default']}** in `entropy`",
        ],
        [
            "log base",
            "$e$; `base=`",
            e_base(base["torch"]),
            e_base(base["keras"]),
            e_base(base["sklearn"]),
            e_base(base["scipy"]["default"]) + ("; `base=`" if base["scipy"]["has_base"] else ""),
        ],
        [
            "probability 0 or 1",
            "no clipping: `inf`",
            f"logs clamped at ${clip['torch']['log_clamp']:g}$",
            f"clipped to $[{keras_eps}, 1 - {keras_eps}]$",
            "clipped to $[\\epsilon, 1 - \\epsilon]$, machine $\\epsilon$",
            "no clipping; `xlogy(0, 0) = 0`",
        ],
        [
            "precision (float64 inputs)",
            "float64",
            prec["torch"],
            f"{prec['keras']['class_result_dtype']} (classes: the loss's dtype); "
            f"{prec['keras']['function_result_dtype']} (functions)",
            prec["sklearn"],
            prec["scipy"],
        ],
    ]
    header = [
        "",
        "lossbook",
        f"PyTorch {v['torch']}",
        f"Keras {v['keras']} ({v['keras_backend']} backend)",
        f"scikit-learn {v['scikit-learn']}",
        f"SciPy {v['scipy']}",
    ]
    return table(header, rows, align="llllll") + (
        "\nEvery library cell is the result of a probe run against the version in its column heading "
        "(`make probes`), not a reading of the documentation; the book's tests rerun the probes and fail when a "
        "library upgrade changes one."
    )


def kl_mean_warning() -> str:
    """The admonition on PyTorch's kl_div mean: its value, the right one, and PyTorch's own warning (probed)."""
    p_rows = np.array([[0.5, 0.3, 0.2], [0.1, 0.6, 0.3]])
    q_rows = np.array([[0.4, 0.4, 0.2], [0.2, 0.5, 0.3]])
    n, k = p_rows.shape
    red = probed("default_reductions")
    kl_warnings = red["torch"]["kl_div_mean_warnings"]
    assert red["torch"]["kl_div_mean_over"] == k
    promise = [part for warning in kl_warnings for part in warning.split(".") if "release" in part]
    assert promise, f"PyTorch no longer warns about kl_div's mean: {kl_warnings}"
    kl_warning_sentence = f'PyTorch warns about it when `reduction="mean"` is used: "{promise[0].strip()}".'
    return (
        '!!! warning "Use `batchmean`, not the default `mean`"\n\n'
        f'    PyTorch\'s default `reduction="mean"` divides the summed terms by every element, '
        f"$N \\cdot K = {n * k}$, instead of by the {n} rows: it reports {num(torch_kl_div(np.log(q_rows), p_rows))} "
        f"where the mean divergence is {num(torch_kl_div(np.log(q_rows), p_rows, reduction='batchmean'))} (lossbook: "
        f"{num(float(np.mean(kl_divergence(p_rows, q_rows))))}), too small by a factor of {k}. "
        + kl_warning_sentence
        + "\n"
    )
