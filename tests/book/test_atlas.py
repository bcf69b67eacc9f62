"""The loss atlas (docs/data/atlas.toml): every framework loss is mapped, and each mapping is right.

* Coverage: every loss class of the installed torch.nn and keras.losses (and every function of
  optax.losses, when optax is installed) has an entry, and every entry names a loss that exists.
* Equality: each entry's lossbook expression equals its framework expression on the inputs below
  (PyTorch in float64 to 1e-12 relative, Keras to 1e-6, optax in float64 JAX to 1e-12), and the
  hypothesis test it names exists. An entry with `missing` (a loss lossbook does not have) says why
  instead, and has no expressions.
* The two PyTorch losses that are compositions (AdaptiveLogSoftmaxWithLoss, LinearCrossEntropyLoss)
  are checked as such.
"""

import ast
import inspect
import os

import tomllib

os.environ.setdefault("KERAS_BACKEND", "torch")  # before anything imports keras

import jax  # noqa: E402
import jax.numpy as jnp  # noqa: E402
import keras  # noqa: E402
import numpy as np  # noqa: E402
import optax  # noqa: E402
import pytest  # noqa: E402
import torch  # noqa: E402
import torch.nn as nn  # noqa: E402
from torch.nn.modules.loss import _Loss  # noqa: E402

import lossbook  # noqa: E402
from booksite import ROOT  # noqa: E402
from booksite.page import probed  # noqa: E402

ATLAS = tomllib.loads((ROOT / "docs" / "data" / "atlas.toml").read_text(encoding="utf-8"))["loss"]
ENTRIES = {(e["library"], e["name"]): e for e in ATLAS}
pytestmark = [
    pytest.mark.filterwarnings("error"),
    pytest.mark.filterwarnings("ignore:__array__ implementation doesn't accept a copy keyword:DeprecationWarning"),
    pytest.mark.filterwarnings("ignore:.NLLLoss2d. has been deprecated:FutureWarning"),
    pytest.mark.filterwarnings("ignore:The function convex_kl_divergence is deprecated:DeprecationWarning"),
]
MAPPED = sorted(key for key, entry in ENTRIES.items() if "missing" not in entry)


def installed_losses() -> dict[str, list[str] | None]:
    """The loss classes (functions for optax) the installed frameworks export."""
    torch_losses = [
        name
        for name, obj in vars(nn).items()
        if inspect.isclass(obj) and not name.startswith("_") and (issubclass(obj, _Loss) or name.endswith("Loss"))
    ]
    keras_losses = [
        name
        for name, obj in vars(keras.losses).items()
        if inspect.isclass(obj) and issubclass(obj, keras.losses.Loss) and name not in {"Loss", "LossFunctionWrapper"}
    ]
    try:
        import optax.losses
    except ImportError:
        optax_losses = None
    else:
        optax_losses = sorted(
            name for name, obj in vars(optax.losses).items() if inspect.isfunction(obj) and not name.startswith("_")
        )
    return {"torch.nn": sorted(torch_losses), "keras.losses": sorted(keras_losses), "optax.losses": optax_losses}


def test_every_installed_framework_loss_has_an_entry():
    assert installed_losses()["optax.losses"], "optax is in the test extra: without it optax's rows go unchecked"
    for library, names in installed_losses().items():
        missing = sorted(set(names or []) - {name for lib, name in ENTRIES if lib == library})
        assert not missing, f"{library} losses without an atlas entry in docs/data/atlas.toml: {missing}"


def test_every_entry_names_an_installed_loss_and_a_page():
    installed = installed_losses()
    for (library, name), entry in ENTRIES.items():
        assert name in (installed[library] or []), f"{library}.{name} is in the atlas but not installed"
        if "missing" in entry:  # not in lossbook: a reason, and no call, page or test
            assert entry["missing"].strip() and not {"lossbook", "framework", "page", "test"} & set(entry), name
            continue
        page = entry["page"].split("#")[0]
        assert (ROOT / "docs" / page).is_file() or page.startswith("atlas/"), f"{name}: no page {page}"


def test_named_hypothesis_tests_exist():
    for entry in ATLAS:
        if "test" not in entry:
            continue
        path, _, function = entry["test"].partition("::")
        tree = ast.parse((ROOT / path).read_text(encoding="utf-8"))
        names = {node.name for node in ast.walk(tree) if isinstance(node, ast.FunctionDef)}
        assert function in names, f"{entry['name']}: {entry['test']} does not exist"


def test_probe_record_lists_what_is_installed():
    """The probe record's "losses" (scripts/probes.py, read by the atlas page's table) names the losses
    this test's coverage rule finds: the rule of the probe and the rule here agree."""
    recorded = probed("losses")
    installed = installed_losses()
    # The probe lists subclasses of PyTorch's _Loss; AdaptiveLogSoftmaxWithLoss is a plain Module.
    assert set(recorded["torch.nn"]) | {"AdaptiveLogSoftmaxWithLoss"} == set(installed["torch.nn"])
    assert recorded["keras.losses"] == installed["keras.losses"]
    assert recorded["optax.losses"] == installed["optax.losses"]


# The inputs the expressions use ---------------------------------------------------------------


def _inputs() -> dict:
    rng = np.random.default_rng(15)
    n, d, k = 4, 3, 5
    logits = rng.normal(size=(n, k)) * 2
    labels = np.array([0, 3, 1, 3])
    y01 = np.array([[1, 0, 1], [0, 0, 1], [1, 1, 0], [0, 1, 0]], dtype=float)
    z = rng.normal(size=(n, d)) * 2
    x1 = rng.normal(size=(n, d))
    torch.manual_seed(15)
    asm = nn.AdaptiveLogSoftmaxWithLoss(6, 10, cutoffs=[3, 6], div_value=2.0).double()
    lce = nn.LinearCrossEntropyLoss(6, k, dtype=torch.float64)
    ctc_logits = rng.normal(size=(n, 8, k))
    keras_labels = np.array([[1, 2, 2], [3, 4, 0], [2, 0, 0], [4, 4, 1]])
    return dict(
        np=np,
        lossbook=lossbook,
        nn=nn,
        keras=keras,
        T=_tensor,
        K=_keras,
        optax=optax,
        jax=jax,
        J=_jax,
        paddings=_paddings,
        y=rng.normal(size=(n, d)),
        p=rng.normal(size=(n, d)),
        var=rng.uniform(0.5, 2, (n, d)),
        ypos=rng.uniform(0.5, 3, (n, d)),
        ppos=rng.uniform(0.5, 3, (n, d)),
        distances=np.abs(rng.normal(size=(n, d))) * 2,
        labels=labels,
        logits=logits,
        probs=lossbook.softmax(logits),
        log_probs=lossbook.log_softmax(logits),
        onehot=lossbook.one_hot(labels, k),
        target_probs=lossbook.softmax(rng.normal(size=(n, k))),
        y01=y01,
        z=z,
        p01=1 / (1 + np.exp(-z)),
        sign=2 * y01 - 1,
        multilabel_targets=np.array([[0, 3, -1, 0, 0], [1, -1, 2, 2, 2], [4, 2, 1, 0, -1], [3, 3, 3, 3, 3]]),
        multilabel_01=(rng.random((n, k)) < 0.4).astype(float),
        x1=x1,
        x2=rng.normal(size=(n, d)),
        x3=rng.normal(size=(n, d)),
        circle_labels=np.array([0, 0, 1, 1]),
        unit=x1 / np.linalg.norm(x1, axis=1, keepdims=True),
        ctc_logits=ctc_logits,
        ctc_log_probs=lossbook.log_softmax(ctc_logits),
        ctc_keras_labels=keras_labels,
        ctc_labels=np.array([[1, 2, 2], [3, 4, 1], [2, 1, 1], [4, 4, 1]]),
        ctc_input_lengths=np.array([8, 8, 7, 6]),
        ctc_label_lengths=np.array([3, 2, 1, 3]),
        asm=asm,
        asm_x=rng.normal(size=(n, 6)),
        asm_labels=np.array([0, 4, 9, 7]),
        adaptive_log_probs=adaptive_log_probs,
        lce=lce,
        features=rng.normal(size=(n, 6)),
        relevance=lossbook.one_hot(labels, k) + (rng.random((n, k)) < 0.4),  # ranking labels, each list relevant
    )


def _jax(x):
    """A float64 (int64 for integers) JAX array: the expressions run with JAX's 64-bit types on."""
    array = jnp.asarray(np.asarray(x))
    assert array.dtype in (jnp.float64, jnp.int64), f"JAX made {array.dtype}: is jax_enable_x64 on?"
    return array


def _paddings(lengths, size):
    """optax's CTC padding indicators for sequences of `lengths` in `size` steps: 1.0 past each length."""
    return (np.arange(size) >= np.asarray(lengths)[:, None]).astype(np.float64)


def _tensor(x):
    return torch.tensor(np.asarray(x))


def _keras(loss, y_true, y_pred):
    return float(keras.ops.convert_to_numpy(loss(y_true, y_pred)))


def adaptive_log_probs(asm, x):
    """Log-probabilities of every class from the head and tail clusters, by lossbook.log_softmax.

    The head scores the frequent classes and one entry per tail cluster; a class in cluster i
    has log p = log p_head(cluster i) + log p_tail_i(class).
    """
    w = {name: value.detach().numpy() for name, value in asm.named_parameters()}
    head = lossbook.log_softmax(x @ w["head.weight"].T)
    shortlist = asm.shortlist_size
    parts = [head[:, :shortlist]]
    for i in range(len(asm.tail)):
        tail = lossbook.log_softmax(x @ w[f"tail.{i}.0.weight"].T @ w[f"tail.{i}.1.weight"].T)
        parts.append(head[:, shortlist + i : shortlist + i + 1] + tail)
    return np.concatenate(parts, axis=1)


@pytest.mark.parametrize("key", MAPPED, ids=[f"{lib}.{name}" for lib, name in MAPPED])
def test_framework_loss_equals_its_lossbook_call(key):
    entry, inputs = ENTRIES[key], _inputs()
    ours = eval(entry["lossbook"], inputs)  # noqa: S307  (expressions from the repository's own data file)
    with jax.enable_x64(True):  # JAX computes in float32 unless told; only here, for optax's rows
        theirs = eval(entry["framework"], inputs)  # noqa: S307
        theirs = float(np.asarray(theirs)) if isinstance(theirs, jax.Array) else theirs
    theirs = theirs.item() if isinstance(theirs, torch.Tensor) else theirs
    rtol = 1e-6 if entry["library"] == "keras.losses" else 1e-12
    assert ours == pytest.approx(theirs, rel=rtol, abs=1e-7 if rtol == 1e-6 else 0), entry["name"]


def test_adaptive_log_softmax_is_log_softmax_of_head_and_tails():
    inputs = _inputs()
    asm, x = inputs["asm"], inputs["asm_x"]
    ours = adaptive_log_probs(asm, x)
    np.testing.assert_allclose(ours, asm.log_prob(_tensor(x)).detach().numpy(), rtol=1e-12)
    np.testing.assert_allclose(np.exp(ours).sum(axis=1), 1.0, rtol=1e-14)
    output = asm(_tensor(x), _tensor(inputs["asm_labels"])).output.detach().numpy()  # log p of each target
    np.testing.assert_allclose(np.take_along_axis(ours, inputs["asm_labels"][:, None], 1)[:, 0], output, rtol=1e-12)
