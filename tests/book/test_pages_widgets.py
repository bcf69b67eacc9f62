"""The interactive figures' build side: ``booksite.page.widget`` and ``readable_width``, and the
page functions that record lossbook's values for the browser test (tests/book/test_browser.py
compares the JavaScript with them)."""

from __future__ import annotations

import json
import math
import re
from html import unescape

import matplotlib.pyplot as plt
import numpy as np
import pytest

from booksite.page import SMALLEST_TEXT_PX, figure, readable_width, widget
from booksite.pages import cross_entropy as cross_entropy_page
from booksite.pages import huber as huber_page
from booksite.pages import label_smoothing as label_smoothing_page
from booksite.pages import logits as logits_page
from booksite.pages import mae as mae_page
from lossbook import huber, information_content, mae, mse, softmax_cross_entropy

SLIDER = {"name": "a", "label": "a", "min": 0.0, "max": 1.0, "step": 0.25, "value": 0.5, "digits": 2}


def spec(html: str) -> dict:
    """The JSON a widget hands to widgets.js."""
    return json.loads(
        re.search(r'<script type="application/json" class="lb-widget-data">(.*?)</script>', html).group(1)
    )


def small(**changes) -> str:
    options = {
        "title": "t",
        "controls": [SLIDER],
        "outputs": [{"key": "v", "label": "v", "digits": 2}],
        "params": {"grid": np.linspace(0, 1, 3)},
        "checks": [{"set": {"a": 0.25}, "values": {"v": np.float64(0.5)}}],
    } | changes
    return widget("w", "fit", **options)


def test_a_widget_is_hidden_until_its_script_starts_it_and_carries_its_data():
    html = small()
    assert html.startswith(
        '<div class="lb-widget" id="lb-widget-w" role="group" aria-labelledby="lb-widget-w-title" hidden'
    )
    data = spec(html)
    assert data["kind"] == "fit" and data["params"]["grid"] == [0.0, 0.5, 1.0]
    assert data["checks"] == [{"set": {"a": 0.25}, "values": {"v": 0.5}}]


def test_a_widget_refuses_positions_its_slider_cannot_take():
    with pytest.raises(ValueError, match=r"widget 'w': a = 0.3 is not a position of its slider \(0.0 to 1.0 by 0.25\)"):
        small(checks=[{"set": {"a": 0.3}, "values": {}}])
    with pytest.raises(ValueError, match=r"a = 1.25 is not a position"):
        small(checks=[{"set": {"a": 1.25}, "values": {}}])
    with pytest.raises(ValueError, match=r"a = 0.1 is not a position"):
        small(controls=[SLIDER | {"value": 0.1}])
    with pytest.raises(ValueError, match=r"a check sets \['a', 'b'\], not the controls \['a'\]"):
        small(checks=[{"set": {"a": 0.25, "b": 1.0}, "values": {}}])


def test_a_widget_refuses_what_json_cannot_carry_and_cannot_close_its_script():
    with pytest.raises(ValueError):  # NaN is not JSON: the browser would read null
        small(checks=[{"set": {"a": 0.25}, "values": {"v": float("nan")}}])
    with pytest.raises(TypeError, match="cannot put set into the page's JSON"):
        small(params={"s": {1}})
    html = small(title="a </script> b", params={"text": "</script><p>"})
    assert html.count("</script>") == 1 and spec(html)["params"]["text"] == "</script><p>"


@pytest.mark.parametrize("smallest", [6.0, 8.5, 11.0])
def test_readable_width_draws_the_smallest_text_at_ten_pixels(smallest):
    svg = (
        '<svg viewBox="0 0 460.8 259.2"><text style="font-size: 11px">a</text>'
        f'<text style="font-size: {smallest}px">b</text></svg>'
    )
    width = readable_width(svg)
    assert smallest * width / 460.8 >= SMALLEST_TEXT_PX > smallest * (width - 1) / 460.8
    assert readable_width('<svg viewBox="0 0 460.8 259.2"><path d="M0 0"/></svg>') == 0


def test_a_figure_carries_its_readable_width():
    fig, ax = plt.subplots()
    ax.plot([0, 1], [0, 1])
    ax.set_title("small", fontsize=6)
    html = figure(fig, alt="a line")
    width = int(re.search(r'style="--lb-min-width: (\d+)px"', html).group(1))
    view_width = float(re.search(r'viewBox="\S+ \S+ (\S+) ', html).group(1))
    assert width == math.ceil(view_width * SMALLEST_TEXT_PX / 6)


# The pages' widgets: lossbook's values are what the browser test holds the JavaScript to,
# so each recorded value is checked here against a second way of computing it.


def test_the_surprisal_widget_records_minus_ln_q_at_every_position():
    data = spec(cross_entropy_page.surprisal_widget())
    assert [c["set"]["q"] for c in data["checks"]] == [k / 100 for k in range(1, 101)]
    for check in data["checks"]:
        assert check["values"]["loss"] == pytest.approx(-math.log(check["set"]["q"]), rel=1e-12, abs=1e-15)
    assert data["checks"][0]["values"]["curve"] == list(information_content(np.array(data["params"]["grid"])))


def test_the_huber_widget_records_the_loss_and_its_slope():
    data = spec(huber_page.delta_widget())
    assert len(data["checks"]) >= 30
    h = 1e-6
    for check in data["checks"]:
        delta, error = check["set"]["delta"], check["set"]["error"]
        assert check["values"]["loss"] == huber([0.0], [error], delta=delta)
        if abs(abs(error) - delta) > 2 * h:  # away from the kink, the slope is lossbook's central difference
            slope = (huber([0.0], [error + h], delta=delta) - huber([0.0], [error - h], delta=delta)) / (2 * h)
            assert check["values"]["slope"] == pytest.approx(slope, abs=1e-6)


def test_the_fit_widget_records_lines_that_win_at_their_own_loss():
    rng = np.random.default_rng(3)
    x = np.linspace(0, 10, 15)
    y = 0.5 * x + 2 + rng.normal(0, 0.3, size=15)
    y[11] += 8
    data = spec(mae_page.fit_widget(x, y, 11, pushed=8.0))
    assert data["controls"][0]["value"] == 8.0 and data["params"]["y"][11] == pytest.approx(y[11] - 8)
    for check in data["checks"]:
        v = check["values"]
        ys = np.array(data["params"]["y"])
        ys[11] += check["set"]["shift"]
        assert v["outlier_y"] == ys[11]
        for line in ("mse", "mae"):
            assert v[f"mse_of_{line}_line"] == mse(ys, v[f"w_{line}"] * x + v[f"b_{line}"])
            assert v[f"mae_of_{line}_line"] == mae(ys, v[f"w_{line}"] * x + v[f"b_{line}"])
        assert v["mse_of_mse_line"] <= v["mse_of_mae_line"] and v["mae_of_mae_line"] <= v["mae_of_mse_line"]
        for dw, db in [(1e-3, 0), (-1e-3, 0), (0, 1e-3), (0, -1e-3)]:  # each line is a minimum of its loss
            assert mae(ys, (v["w_mae"] + dw) * x + v["b_mae"] + db) >= v["mae_of_mae_line"]
            assert mse(ys, (v["w_mse"] + dw) * x + v["b_mse"] + db) >= v["mse_of_mse_line"]


def test_the_smoothing_widget_records_the_floor_and_where_the_loss_reaches_it():
    classes, true_class = ["cat", "dog", "fox", "owl"], 1
    data = spec(label_smoothing_page.smoothing_widget(classes, true_class))
    assert [c["set"]["eps"] for c in data["checks"]] == [k / 20 for k in range(21)]
    for check in data["checks"]:
        eps, v = check["set"]["eps"], check["values"]
        assert sum(v["target"]) == pytest.approx(1, rel=1e-15) and max(v["target"]) == v["target"][true_class]
        if v["gap"] is None:
            assert eps == 0
            continue
        logits = np.zeros(len(classes))
        logits[true_class] = v["gap"]
        loss = softmax_cross_entropy([true_class], logits[None, :], label_smoothing=eps)
        assert loss == pytest.approx(v["best"], rel=1e-12)  # at the recorded gap the loss is at its floor H(y')


def test_the_logits_widget_records_softmax_and_the_loss_at_its_positions():
    classes, logits = ["cat", "dog", "fox", "owl"], [1.5, 3.0, 0.5, -1.0]
    html = logits_page.temperature_widget(classes, logits, 1)
    data = spec(html)
    assert "loss for the dog follow" in unescape(html) and len(data["checks"]) == 33
    for check in data["checks"]:
        z = np.array([check["set"][f"z{k}"] for k in range(4)]) / check["set"]["T"]
        probs = np.exp(z - z.max()) / np.exp(z - z.max()).sum()
        assert check["values"]["probs"] == pytest.approx(list(probs), rel=1e-12)
        assert check["values"]["loss"] == pytest.approx(-math.log(probs[1]), rel=1e-12)
