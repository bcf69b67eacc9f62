"""Summary and what comes next (docs/chapters/summary.md): one number from each chapter, recomputed."""

from __future__ import annotations

import numpy as np

from booksite.page import check, exact, num, table
from booksite.pages import training_curves
from booksite.pages.likelihood import gaussian_density
from lossbook import binary_cross_entropy, cross_entropy, entropy, information_content, mae, mse


def numbers_table() -> str:
    """Each chapter's headline example, recomputed with lossbook, as a Markdown table."""
    # What training means: the line of the first chapter, trained for 200 steps.
    rng = np.random.default_rng(0)
    x = np.sort(rng.uniform(0, 4, size=20))
    y = 0.8 * x + 1.0 + rng.normal(0, 0.4, size=20)
    w = b = 0.0
    train_losses = []
    for _ in range(201):
        y_hat = w * x + b
        train_losses.append(mse(y, y_hat))
        w -= 0.05 * 2 * np.mean((y_hat - y) * x)
        b -= 0.05 * 2 * np.mean(y_hat - y)

    dog, before, after = [40.5, 21.3], [39.2, 19.7], [40.1, 20.9]  # height (cm), weight (kg)
    label = [0, 1, 0, 0]  # "dog" among cat, dog, horse, rabbit
    q_before, q_after = [0.3, 0.2, 0.3, 0.2], [0.05, 0.8, 0.1, 0.05]
    five_tosses = np.full(32, 1 / 32)  # 32 equally likely sequences
    # Where losses come from: the Gaussian NLL of the five temperatures, from the density.
    temperatures, predicted = [20.0, 21.5, 19.0, 22.0, 18.5], [20.4, 21.0, 19.3, 22.6, 19.0]
    gaussian_nll = float(np.mean([-np.log(gaussian_density(t, p, 1.0)) for t, p in zip(temperatures, predicted)]))
    constant = 0.5 * np.log(2 * np.pi)
    check(
        "Gaussian NLL, summary",
        2 * (gaussian_nll - constant),
        mse(temperatures, predicted),
        function="lossbook.regression.mse",
    )
    # Reading a training curve: the overfitting run, and where its validation loss turns up.
    data = training_curves.make_data()
    run = training_curves.train(data, weight_decay=0.0)
    turn = int(np.argmin(run["val"]))
    # Losses versus metrics: the same accuracy before and after, a lower loss (probabilities of label 1).
    outcomes, p_before, p_after = [1, 0, 1, 1], [0.6, 0.3, 0.4, 0.8], [0.9, 0.05, 0.45, 0.9]
    accuracy_before, accuracy_after = (
        np.mean((np.array(p) > 0.5) == (np.array(outcomes) == 1)) for p in (p_before, p_after)
    )

    rows = [
        [
            "[What training means](training.md)",
            f"a line fitted to {x.size} points: MSE",
            f"{num(train_losses[0])} at step 0 → {num(train_losses[-1])} at step {len(train_losses) - 1}",
        ],
        [
            "[Mean squared error](mse.md)",
            "the dog: MSE",
            f"{mse(dog, before):.4g} before training → {mse(dog, after):.4g} after",
        ],
        [
            "[Mean absolute error](mae.md)",
            "the dog: MAE",
            f"{mae(dog, before):.4g} before training → {mae(dog, after):.4g} after",
        ],
        [
            "[Information content](information-content.md)",
            "one sequence of five coin tosses",
            f"{information_content(1 / 32, base=2):.4g} bits",
        ],
        [
            "[Entropy](entropy.md)",
            "five coin tosses; one fair coin",
            f"{entropy(five_tosses, base=2):.4g} bits; {entropy([0.5, 0.5], base=2):.4g} bit",
        ],
        [
            "[Cross-entropy](cross-entropy.md)",
            "a photo of a dog, four classes",
            f"{cross_entropy(label, q_before):.4f} nats before training → "
            f"{cross_entropy(label, q_after):.4f} nats after",
        ],
        [
            "[Where losses come from](likelihood.md)",
            "five temperatures, Gaussian noise with σ = 1 °C: NLL",
            f"{gaussian_nll:.4f} nats = {constant:.4f} + MSE / 2 ({mse(temperatures, predicted):.4f} / 2)",
        ],
        [
            "[Reading a training curve](training-curves.md)",
            f"logistic regression, {data.y_train.size} training examples: validation loss",
            f"lowest {num(run['val'][turn])} nats at step {turn} → {num(run['val'][-1])} at step {run['val'].size - 1}",
        ],
        [
            "[Losses versus metrics](metrics.md)",
            f"{len(outcomes)} examples, more training: accuracy; cross-entropy",
            f"{num(accuracy_before, 3)} → {num(accuracy_after, 3)}; "
            f"{binary_cross_entropy(outcomes, p_before):.4f} → {binary_cross_entropy(outcomes, p_after):.4f} nats",
        ],
    ]
    return table(["chapter", "example", "result"], rows, align="llr")


def exercise_1_answer(ex_err) -> str:
    """The answer, computed step by step and checked."""
    out = []
    ex_mse = sum(e * e for e in ex_err) / len(ex_err)
    ex_mae = sum(abs(e) for e in ex_err) / len(ex_err)
    out.append(
        f"MSE $= {exact(ex_mse)}$, MAE $= {exact(ex_mae)}$. Squaring makes errors larger than one bigger and errors "
        "smaller than one smaller; here the large errors dominate. With all errors below one in size the MSE "
        "would be the smaller of the two.\n"
    )
    ex_zero = np.zeros(len(ex_err))
    out.append(
        check(
            "summary exercise 1, MSE",
            ex_mse,
            mse(ex_zero, np.array(ex_err, dtype=float)),
            function="lossbook.regression.mse",
        )
    )
    out.append(
        check(
            "summary exercise 1, MAE",
            ex_mae,
            mae(ex_zero, np.array(ex_err, dtype=float)),
            function="lossbook.regression.mae",
        )
    )
    return "\n".join(out)
