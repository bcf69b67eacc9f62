"""Unit tests of the page modules of the atlas pages on margin, similarity and sequence losses and the index.

booksite.pages.atlas.margin and .similarity (figures and worked examples), .sequence (CTC by
hand, in exact fractions) and .index (the table of every framework loss).
"""

from __future__ import annotations

import html
import math
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import lossbook
from booksite.page import alt_num, num
from booksite.pages.atlas import index as atlas_index
from booksite.pages.atlas import margin as atlas_margin
from booksite.pages.atlas import sequence as atlas_sequence
from booksite.pages.atlas import similarity as atlas_similarity

# booksite.pages.atlas.similarity -----------------------------------------------------------


def test_rotated_gives_unit_vectors_at_the_angles():
    angles = np.array([0.0, np.pi / 2, 2.0])
    v = atlas_similarity.rotated(angles)
    np.testing.assert_allclose(np.linalg.norm(v, axis=1), 1.0, rtol=1e-15)
    np.testing.assert_allclose(np.arctan2(v[:, 1], v[:, 0]), angles, rtol=1e-15, atol=1e-16)


# booksite.pages.atlas.sequence -------------------------------------------------------------------


def test_collapse_merges_repeats_then_drops_blanks():
    assert atlas_sequence.collapse((1, 1, 2)) == [1, 2]
    assert atlas_sequence.collapse((1, 0, 1)) == [1, 1]
    assert atlas_sequence.collapse((0, 0, 0)) == []
    assert atlas_sequence.extended([1, 1]) == [0, 1, 0, 1, 0]


@st.composite
def frames(draw):
    """Exact per-frame distributions over 3 symbols (blank 0) and a transcript of at most one label per frame."""
    n_frames = draw(st.integers(1, 5))
    probs = []
    for _ in range(n_frames):
        weights = [Fraction(draw(st.integers(1, 9))) for _ in range(3)]
        probs.append([w / sum(weights) for w in weights])
    # up to one label per frame: with repeats ("aa" needs a blank between) some cannot be read at all
    return probs, draw(st.lists(st.integers(1, 2), min_size=1, max_size=n_frames))


@given(frames())
def test_forward_total_is_the_sum_over_reading_paths_and_lossbook_ctc(case):
    probs, labels = case
    run = atlas_sequence.forward(probs, labels, ["-", "a", "b"])
    brute = sum(atlas_sequence.path_probability(probs, p) for p in atlas_sequence.reading_paths(probs, labels))
    assert run.total == brute
    if brute:  # else no path reads the transcript (lossbook gives an infinite loss)
        log_probs = np.log(np.array(probs, dtype=float))[None]
        ours = lossbook.ctc([labels], log_probs, [len(probs)], [len(labels)], reduction="sum")
        assert ours == pytest.approx(-math.log(brute), rel=1e-12)


@given(frames())
def test_path_shares_sum_to_one_per_frame(case):
    probs, labels = case
    if not atlas_sequence.reading_paths(probs, labels):
        return
    shares = atlas_sequence.path_shares(probs, labels)
    for t in range(len(probs)):
        assert sum(v for (frame, _), v in shares.items() if frame == t) == 1


def test_the_page_example_and_its_lattice():
    probs = [
        [Fraction(5, 10), Fraction(4, 10), Fraction(1, 10)],
        [Fraction(3, 10), Fraction(3, 10), Fraction(4, 10)],
        [Fraction(6, 10), Fraction(1, 10), Fraction(3, 10)],
    ]
    symbols = ["-", "a", "b"]
    text = atlas_sequence.paths_markdown(probs, [1, 2], symbols)
    reading = atlas_sequence.reading_paths(probs, [1, 2])
    assert f'Of the 27 paths through 3 frames, {len(reading)} read "ab"' in text
    run = atlas_sequence.forward(probs, [1, 2], symbols)
    reached = sum(bool(a) for row in run.alpha for a in row)
    svg = atlas_sequence.lattice_figure(run, symbols)
    assert f"{reached} of 15 nodes can be reached" in svg and "(blank, a, blank, b, blank)" in svg


# booksite.pages.atlas.index ----------------------------------------------------------------------

MAPPING = {
    ("torch.nn", "MSELoss"): {"lossbook": "lossbook.mse(y, p)", "page": "chapters/mse.md", "test": "x::y"},
    ("torch.nn", "AdaptiveLogSoftmaxWithLoss"): {"lossbook": "...", "page": "atlas/index.md#adaptive"},
}


def test_counts_add_mapped_losses_the_probe_leaves_out():
    record = {"torch.nn": ["MSELoss"], "keras.losses": [], "optax.losses": None}
    text = atlas_index.counts_markdown(record, MAPPING)
    assert "- `torch.nn`: 2 of 2 losses mapped to a lossbook call (`AdaptiveLogSoftmaxWithLoss` added" in text
    assert "- `optax.losses`: not installed when the probes ran" in text


def test_a_loss_not_in_lossbook_is_counted_and_shown_with_its_reason():
    mapping = {**MAPPING, ("optax.losses", "sparsemax_loss"): {"missing": "no sparsemax here"}}
    mapping["optax.losses", "l2_loss"] = {
        "lossbook": "lossbook.mse(y, p) / 2",
        "page": "chapters/mse.md",
        "note": "half",
    }
    record = {"torch.nn": ["MSELoss"], "keras.losses": [], "optax.losses": ["l2_loss", "sparsemax_loss"]}
    text = atlas_index.counts_markdown(record, mapping)
    assert "- `optax.losses`: 1 of 2 losses mapped to a lossbook call; 1 not in lossbook" in text
    table = atlas_index.library_table("optax.losses", record, mapping)
    assert "| `sparsemax_loss` | not in lossbook: no sparsemax here | none | none |" in table
    assert "`lossbook.mse(y, p) / 2` (half)" in table


def test_a_loss_without_an_entry_fails_the_table():
    record = {"torch.nn": ["MSELoss", "NewLoss"]}
    with pytest.raises(AssertionError, match=r"torch.nn.NewLoss has no atlas entry"):
        atlas_index.library_table("torch.nn", record, MAPPING)


def test_links_and_tests():
    assert atlas_index.page_link("chapters/mse.md") == "[chapters/mse](../chapters/mse.md)"
    assert atlas_index.page_link("atlas/index.md#adaptive") == "[this page](index.md#adaptive)"
    assert atlas_index.page_link("atlas/nowhere.md") == "page to come"
    assert atlas_index.has_test("tests/book/test_pages_atlas_families.py::test_links_and_tests")
    assert not atlas_index.has_test("tests/book/test_pages_atlas_families.py::test_that_does_not_exist")
    assert atlas_index.tested({"test": "x::y"}) == "`test_atlas.py` (one input)"
    here = "tests/book/test_pages_atlas_families.py::test_links_and_tests"
    assert atlas_index.tested({"test": here}) == "`test_links_and_tests` (hypothesis), `test_atlas.py` (one input)"


def test_the_real_record_and_mapping_give_a_full_table():
    record, mapping = atlas_index.inventory(), atlas_index.entries()
    for library in atlas_index.LIBRARIES:
        if record[library] is not None:
            assert atlas_index.library_table(library, record, mapping).count("\n|") >= len(record[library])


# booksite.pages.atlas_margin and atlas_similarity ----------------------------------------------


@given(st.lists(st.floats(-5, 5), min_size=2, max_size=6), st.data())
def test_multilabel_steps_equal_lossbook(s, data):
    k = len(s)
    listed = data.draw(st.lists(st.integers(0, k - 1), min_size=0, max_size=k, unique=True))
    targets = listed + [-1] * (k - len(listed))
    text, total = atlas_margin.multilabel_steps(s, targets)
    assert total == pytest.approx(lossbook.multilabel_margin([targets], [s]), rel=1e-12, abs=1e-15)
    assert f"is ${num(total)}$" in text


def test_multilabel_steps_name_the_class_after_the_end_marker():
    text, _ = atlas_margin.multilabel_steps([0.1, 0.2, 0.4, 0.8], [3, 0, -1, 1])
    assert "so class 1 after it is not a target" in text


# plain floats whose squares do not underflow: the worked example's domain (lossbook rescales beyond it)
EVERYDAY = st.floats(-5, 5).filter(lambda v: v == 0 or abs(v) > 1e-100)


@given(st.lists(EVERYDAY, min_size=3, max_size=3), st.lists(EVERYDAY, min_size=3, max_size=3))
def test_cosine_steps_equal_lossbook(x1, x2):
    if not (any(x1) and any(x2)):
        return  # a zero vector has no cosine
    _, cos = atlas_similarity.cosine_steps(x1, x2)
    assert -cos == pytest.approx(lossbook.cosine_similarity(x1, x2), rel=1e-12, abs=1e-15)


def test_figures_describe_their_data():
    assert f"zero from {alt_num(1.0)} on" in atlas_margin.hinge_figure(np.linspace(-2, 3, 11))
    assert "true score minus the other scores (K = 3)" in atlas_margin.multiclass_figure(np.linspace(-2, 3, 11))
    assert "dissimilar (y = −1)" in atlas_margin.embedding_figure(np.linspace(0, 2.5, 11))
    assert f"d(a, p) = {alt_num(5.0)}, m = 1" in atlas_similarity.triplet_figure(np.linspace(0, 8, 9))
    # the margin ranking loss of y = 1, m = 0.5 is 0 from x1 - x2 = 0.5 on
    assert f"zero from {alt_num(0.5)} on" in atlas_similarity.ranking_figure(np.linspace(-1.5, 1.5, 13))
    assert "InfoNCE, tau = 0.5" in atlas_similarity.infonce_figure(np.linspace(0, np.pi, 7))
    assert "negative cosine (Keras)" in atlas_similarity.cosine_figure(np.linspace(0, np.pi, 7))


def test_the_circle_figure_plots_the_loss_and_its_turning_derivative():
    angles = np.radians([30.0, 90.0, 180.0])
    svg = html.unescape(atlas_similarity.circle_figure(angles, gamma=8.0))
    first = atlas_similarity.rotated(np.radians([0.0, 20.0, 30.0]))
    assert (
        f"circle, gamma = 8: loss from {alt_num(lossbook.circle([0, 0, 1], first, gamma=8.0, reduction='sum'))}" in svg
    )
    assert "the angle of the negative from the first embedding, in degrees from 30 to 180" in svg
