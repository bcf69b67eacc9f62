"""The maximum-likelihood chapter (docs/chapters/likelihood.md): each loss as a negative log-likelihood.

Every function computes a noise model's NLL from its density (or probability) one example at a
time, removes the constant the loss drops, and checks what is left against the loss.
"""

from __future__ import annotations

import math
from fractions import Fraction

import matplotlib.pyplot as plt
import numpy as np

from booksite.page import alt_num, check, exact, figure, num, table
from lossbook import binary_cross_entropy, cross_entropy, gaussian_nll, mae, mse, poisson_nll

Values = list[Fraction]
DOT = " \\cdot "  # a product sign in TeX


def gaussian_density(value: float, mean: float, variance: float) -> float:
    """The normal density exp(-(value - mean)² / 2 variance) / sqrt(2 pi variance)."""
    return math.exp(-((value - mean) ** 2) / (2 * variance)) / math.sqrt(2 * math.pi * variance)


def laplace_density(value: float, centre: float, scale: float) -> float:
    """The Laplace density exp(-|value - centre| / scale) / (2 scale)."""
    return math.exp(-abs(value - centre) / scale) / (2 * scale)


def gauss_steps(y: Values, y_hat: Values, sigmas=(1.0, 2.0)) -> str:
    """The Gaussian NLL from its density for each sigma, turned back into the MSE and checked."""
    mse_value = mse(np.array(y, dtype=float), np.array(y_hat, dtype=float))
    out = []
    for sigma in sigmas:
        densities = [gaussian_density(float(t), float(p), sigma**2) for t, p in zip(y, y_hat)]
        nll = sum(-math.log(d) for d in densities) / len(densities)
        constant = 0.5 * math.log(2 * math.pi * sigma**2)
        recovered = 2 * sigma**2 * (nll - constant)
        out.append(
            f"- $\\sigma = {sigma:g}$ °C: densities {', '.join(num(d) for d in densities)} per °C; "
            f"NLL $= {num(nll, 6)}$ nats; constant $\\tfrac12\\log(2\\pi\\sigma^2) = {num(constant, 6)}$; "
            f"$2\\sigma^2(\\operatorname{{NLL}} - \\text{{constant}}) = {num(recovered, 6)}$ °C²"
        )
        line = check(f"Gaussian NLL, sigma {sigma}", recovered, mse_value, function="lossbook.regression.mse")
    out.append(f"\nThe MSE of the predictions is {exact(sum((p - t) ** 2 for t, p in zip(y, y_hat)) / len(y))} °C².\n")
    out.append(line)
    return "\n".join(out)


def laplace_steps(y: Values, y_hat: Values, b: float) -> str:
    """The Laplace NLL from its density, turned back into the MAE and checked."""
    mae_value = mae(np.array(y, dtype=float), np.array(y_hat, dtype=float))
    densities = [laplace_density(float(t), float(p), b) for t, p in zip(y, y_hat)]
    nll = sum(-math.log(d) for d in densities) / len(densities)
    recovered = b * (nll - math.log(2 * b))
    return (
        f"For the five temperatures with $b = {b:g}$ °C the densities are {', '.join(num(d) for d in densities)} "
        f"per °C, the NLL is {num(nll, 6)} nats, and $b(\\operatorname{{NLL}} - \\log 2b) = {num(recovered, 6)}$ °C, "
        f"the MAE ({exact(sum(abs(p - t) for t, p in zip(y, y_hat)) / len(y))} °C).\n\n"
        + check("Laplace NLL", recovered, mae_value, function="lossbook.regression.mae")
    )


def median_steps(readings: Values) -> str:
    """The MAE of every constant equal to a reading: smallest at the median; checked."""
    n = len(readings)
    rows, mae_at = [], {}
    for c in sorted(readings):
        below = sum(r < c for r in readings)
        above = sum(r > c for r in readings)
        mae_at[c] = sum(abs(c - r) for r in readings) / n
        rows.append([exact(c), exact(mae_at[c]), f"{below} below, {above} above"])
    best_c = min(mae_at, key=mae_at.get)
    median = float(np.median(np.array(readings, dtype=float)))
    if float(best_c) != median or sum(r < best_c for r in readings) != sum(r > best_c for r in readings):
        raise AssertionError(f"the best constant {best_c} is not the median {median} of the readings")
    mean = sum(readings) / n
    return (
        table(["constant $c$ (°C)", "MAE of $c$ (°C)", "readings"], rows, align="rrl")
        + f"\n\nThe smallest MAE, {exact(mae_at[best_c])} °C, is at $c = {exact(best_c)}$ °C, the median, with as "
        "many readings below as above. Moving $c$ up by a small step $h$ brings it closer to the readings above and "
        "further from those below, so the MAE changes by $h$ times (readings below $-$ readings above) $/ n$: "
        f"it falls while fewer readings lie below than above and rises after. The mean, {exact(mean)} °C, "
        f"has a larger MAE ({exact(sum(abs(mean - r) for r in readings) / n)} °C): the faulty reading pulled it "
        "up, while the median does not care how far away that reading is.\n\n"
        + check(
            "MAE at the median",
            mae_at[best_c],
            mae(np.array(readings, dtype=float), np.full(n, median)),
            function="lossbook.regression.mae",
        )
    )


def categorical_steps(classes: list[str], labels: list[int], q: list[Values]) -> str:
    """The likelihood of the observed classes as a product of fractions; its NLL checked against cross_entropy."""
    factors = [row[k] for row, k in zip(q, labels)]
    likelihood = math.prod(factors)
    nll = -math.log(likelihood) / len(labels)
    rows = [
        [i + 1, classes[k], ", ".join(exact(v) for v in row), exact(row[k])]
        for i, (row, k) in enumerate(zip(q, labels))
    ]
    one_hot = np.eye(len(classes))[labels]
    return (
        table(["photo", "true class", "predicted $q$", "$q$ of the true class"], rows, align="rllr")
        + f"\n\nThe likelihood is $L = {DOT.join(exact(f) for f in factors)} = {exact(likelihood)}$ and "
        f"$-\\tfrac{{1}}{{{len(labels)}}}\\log L = {num(nll, 6)}$ nats per photo.\n\n"
        + check(
            "categorical NLL",
            nll,
            float(np.mean(cross_entropy(one_hot, np.array(q, dtype=float)))),
            function="lossbook.information.cross_entropy",
        )
    )


def poisson_steps(counts: list[int], rates: list[float]) -> str:
    """The Poisson NLL from the probabilities, minus the mean log y!, checked against the loss."""
    rows, nlls = [], []
    for y_i, lam in zip(counts, rates):
        probability = lam**y_i * math.exp(-lam) / math.factorial(y_i)
        nlls.append(-math.log(probability))
        rows.append([y_i, num(lam), num(probability), num(nlls[-1]), num(math.log(math.factorial(y_i)))])
    nll = sum(nlls) / len(nlls)
    dropped = sum(math.log(math.factorial(c)) for c in counts) / len(counts)
    negative = (
        "A negative loss is no error: the dropped constant is larger than the NLL here, and only differences "
        "between loss values matter to training.\n"
        if nll < dropped
        else "\n"
    )
    z = np.log(np.array(rates))
    value = poisson_nll(np.array(counts, dtype=float), z)  # log_input=True, full=False: PyTorch's defaults
    line = check("Poisson NLL", nll - dropped, value, function="lossbook.regression.poisson_nll")
    return (
        table(["count $y$", "rate $\\lambda$", "$P(y \\mid \\lambda)$", "$-\\log P$ (nats)", "$\\log y!$"], rows)
        + f"\n\nThe NLL is {num(nll, 6)} nats per count; without the constant "
        f"$\\frac1n\\sum\\log y_i! = {num(dropped, 6)}$ it is {num(nll - dropped, 6)} nats. " + negative + "\n" + line
    )


def gaussian_nll_steps(targets: list[float], means: list[float], variances: list[float]) -> str:
    """The NLL of a Gaussian with predicted variances, minus ½ log 2π, checked against the loss."""
    rows, nlls = [], []
    for t, m, v in zip(targets, means, variances):
        nlls.append(-math.log(gaussian_density(t, m, v)))
        rows.append([num(t), num(m), num(v), num(nlls[-1]), num((t - m) ** 2)])
    nll = sum(nlls) / len(nlls)
    constant = 0.5 * math.log(2 * math.pi)
    exact_hit = [i + 1 for i, (t, m) in enumerate(zip(targets, means)) if t == m]
    value = gaussian_nll(*(np.array(a, dtype=float) for a in (targets, means, variances)))  # full=False
    line = check("Gaussian NLL", nll - constant, value, function="lossbook.regression.gaussian_nll")
    return (
        table(["target $y$", "mean $\\mu$", "variance $\\sigma^2$", "$-\\log p$ (nats)", "best variance $e^2$"], rows)
        + f"\n\nThe NLL is {num(nll, 6)} nats; minus $\\tfrac12\\log 2\\pi = {num(constant, 6)}$ it is "
        f"{num(nll - constant, 6)} nats. Example {exact_hit[0]} is predicted exactly: its best variance is 0, where "
        "$\\log\\sigma^2$ and the loss fall without limit, which is why implementations keep the variance above a "
        "small floor (an `eps`).\n\n" + line
    )


def noise_figure(at: float = 3.0) -> str:
    """Gaussian and Laplace densities of variance 1 beside minus their logs, and what the tails say."""
    errors = np.linspace(-4, 4, 401)
    b_equal = 1 / math.sqrt(2)  # a Laplace scale with variance 2 b^2 = 1
    gauss = np.exp(-(errors**2) / 2) / math.sqrt(2 * math.pi)
    laplace = np.exp(-np.abs(errors) / b_equal) / (2 * b_equal)
    fig, (left, right) = plt.subplots(1, 2, figsize=(6.0, 3.0))
    left.plot(errors, gauss, label="Gaussian, $\\sigma = 1$")
    left.plot(errors, laplace, label="Laplace, $b = 1/$√2")  # √ as text: mathtext draws its radical apart in SVG text
    left.set_xlabel("error $y - \\hat y$")
    left.set_ylabel("density")
    left.set_ylim(top=1.0)  # room for the legend above the Laplace peak
    left.legend(fontsize=9, loc="upper left")
    right.plot(errors, -np.log(gauss) + np.log(gauss.max()), label="$e^2/2$ (squared error)")
    right.plot(errors, -np.log(laplace) + np.log(laplace.max()), label="√2 $|e|$ (absolute error)")
    right.set_xlabel("error $e$")
    right.set_ylabel("$-\\log$ density, shifted")
    right.legend(fontsize=9)
    fig.tight_layout()
    g_at, l_at = gaussian_density(at, 0.0, 1.0), laplace_density(at, 0.0, b_equal)
    svg = figure(
        fig,
        alt=(
            f"Left: the Gaussian density (peak {alt_num(gauss.max())}) and the Laplace density (peak "
            f"{alt_num(laplace.max())}) for errors from {alt_num(errors[0])} to "
            f"{alt_num(errors[-1])}; at an error of {alt_num(at)} "
            f"the Laplace density, {alt_num(l_at)}, is {alt_num(l_at / g_at, 3)} times the "
            f"Gaussian's, {alt_num(g_at)}. Right: "
            f"minus their logarithms, a parabola and a V; at an error of {alt_num(at)} they are "
            f"{alt_num(at**2 / 2)} and "
            f"{alt_num(math.sqrt(2) * at)}."
        ),
        derived=[l_at / g_at],  # the ratio of two plotted densities
        caption="Noise densities (left) and the losses they induce, minus their log densities (right).",
    )
    return (
        svg + f"\nThe tails explain robustness. An error of {num(at, whole=True)} standard deviations is "
        f"{num(l_at / g_at, 3)} times more probable under the Laplace noise than under the Gaussian, so the absolute "
        "error it induces is less surprised by an outlier, and a model trained with it is pulled less towards one. "
        "Choosing a loss is choosing what you believe about the noise."
    )


def bernoulli_steps(outcomes: list[int], p_yes: Values) -> str:
    """The likelihood of the outcomes as a product of fractions; its NLL checked against the binary cross-entropy."""
    out = []
    factors = [p if o == 1 else 1 - p for o, p in zip(outcomes, p_yes)]
    likelihood = math.prod(factors)
    nll = -math.log(likelihood) / len(outcomes)
    out.append(
        f"$$\nL = {DOT.join(exact(f) for f in factors)} = {exact(likelihood)}, \\qquad "
        f"-\\tfrac{{1}}{{{len(outcomes)}}} \\log L = {num(nll, 6)} \\text{{ nats}}\n$$\n"
    )
    out.append(
        check(
            "Bernoulli NLL",
            nll,
            binary_cross_entropy(np.array(outcomes), np.array(p_yes, dtype=float)),
            function="lossbook.classification.binary_cross_entropy",
        )
    )
    return "\n".join(out)


def exercise_1_answer(ex1_sigma, ex1_y, ex1_hat) -> str:
    """The answer, computed step by step and checked."""
    out = []
    from booksite.pages.likelihood import gaussian_density

    ex1_mse = sum((p - t) ** 2 for t, p in zip(ex1_y, ex1_hat)) / 2
    ex1_const = 0.5 * math.log(2 * math.pi * ex1_sigma**2)
    ex1_nll = sum(-math.log(gaussian_density(float(t), float(p), ex1_sigma**2)) for t, p in zip(ex1_y, ex1_hat)) / 2
    out.append(
        f"The MSE is $\\frac{{{' + '.join(f'({exact(p - t)})^2' for t, p in zip(ex1_y, ex1_hat))}}}{{2}}"
        f" = {exact(ex1_mse)}$, "
        f"the constant $\\tfrac12\\log(2\\pi \\cdot {ex1_sigma**2:g}) = {num(ex1_const, 6)}$, so "
        f"NLL $= {num(ex1_const, 6)} + {exact(ex1_mse)}/{2 * ex1_sigma**2:g} = {num(ex1_nll, 6)}$ nats.\n"
    )
    out.append(
        check(
            "exercise 1",
            2 * ex1_sigma**2 * (ex1_nll - ex1_const),
            mse(np.array(ex1_y, dtype=float), np.array(ex1_hat, dtype=float)),
            function="lossbook.regression.mse",
        )
    )
    return "\n".join(out)


def exercise_2_answer(ex2) -> str:
    """The answer, computed step by step and checked."""
    out = []
    ex2_median = sorted(ex2)[len(ex2) // 2]
    ex2_mean = sum(ex2) / len(ex2)
    ex2_mae = sum(abs(v - ex2_median) for v in ex2) / len(ex2)
    out.append(
        f"Sorted, the values are {', '.join(exact(v) for v in sorted(ex2))}; the median is {exact(ex2_median)} and "
        f"its MAE is $\\frac{{{' + '.join(exact(abs(v - ex2_median)) for v in ex2)}}}{{{len(ex2)}}}"
        f" = {exact(ex2_mae)}$. "
        f"The mean, {exact(ex2_mean)}, has an MAE of {exact(sum(abs(v - ex2_mean) for v in ex2) / len(ex2))}.\n"
    )
    out.append(
        check(
            "exercise 2",
            ex2_mae,
            mae(np.array(ex2, dtype=float), np.full(len(ex2), float(ex2_median))),
            function="lossbook.regression.mae",
        )
    )
    return "\n".join(out)
