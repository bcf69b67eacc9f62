"""From loss to backpropagation (docs/practice/backpropagation.md): a one-layer classifier by the chain rule."""

from __future__ import annotations

import math
from fractions import Fraction

import numpy as np

from booksite.page import check, exact, num, table
from booksite.pages.training_curves import tex_fraction
from lossbook import softmax_cross_entropy, softmax_cross_entropy_grad

Matrix = list[list[Fraction]]


def data_tables(x_rows: Matrix, labels: list[int], w_rows: Matrix, b_row: list[Fraction]) -> str:
    """The examples with their classes, then the layer's starting weights and biases: the Markdown."""
    examples = table(
        ["example $i$", *(f"$x_{{i{j + 1}}}$" for j in range(len(w_rows))), "class $y_i$"],
        [[i + 1, *(num(float(v)) for v in x), y] for i, (x, y) in enumerate(zip(x_rows, labels))],
    )
    layer = table(
        ["", *(f"class {k}" for k in range(len(b_row)))],
        [[f"$W_{{{j + 1}k}}$", *(num(float(v)) for v in row)] for j, row in enumerate(w_rows)]
        + [["$b_k$", *(num(float(v)) for v in b_row)]],
        align="l" + "r" * len(b_row),
    )
    shape = f"{len(w_rows)} × {len(b_row)}"
    return f"{examples}\n\nThe layer starts from these weights $W$ ({shape}) and biases $b$:\n\n{layer}"


def chain_steps(
    x_rows: Matrix, labels: list[int], w_rows: Matrix, b_row: list[Fraction]
) -> tuple[list[list[float]], list[float], str]:
    """Forward (exact logits, then probabilities) and backward (G, then dL/dW and dL/db) by hand.

    Checks the loss and G against lossbook; returns (dL/dW, dL/db, the Markdown).
    """
    n, d, k_classes = len(x_rows), len(w_rows), len(b_row)
    z_rows = [[sum(x[j] * w_rows[j][k] for j in range(d)) + b_row[k] for k in range(k_classes)] for x in x_rows]
    q_rows = []
    for z in z_rows:
        exps = [math.exp(float(v)) for v in z]
        q_rows.append([e / math.fsum(exps) for e in exps])
    loss_by_hand = math.fsum(-math.log(q[y]) for q, y in zip(q_rows, labels)) / n
    g_rows = [[(q[k] - (1.0 if k == y else 0.0)) / n for k in range(k_classes)] for q, y in zip(q_rows, labels)]
    dw_rows = [
        [math.fsum(float(x_rows[i][j]) * g_rows[i][k] for i in range(n)) for k in range(k_classes)] for j in range(d)
    ]
    db_row = [math.fsum(g_rows[i][k] for i in range(n)) for k in range(k_classes)]
    steps = table(
        ["$i$", "$z_{i0}, z_{i1}, z_{i2}$", "$\\operatorname{softmax}(z_i)$", "$y_i$", "$G_{i0}, G_{i1}, G_{i2}$"],
        [
            [i + 1, ", ".join(num(float(v)) for v in z), ", ".join(num(v) for v in q), y, ", ".join(num(g) for g in G)]
            for i, (z, q, y, G) in enumerate(zip(z_rows, q_rows, labels, g_rows))
        ],
        align="rllrl",
    )
    y = np.array(labels)
    logits = np.array(x_rows, dtype=float) @ np.array(w_rows, dtype=float) + np.array(b_row, dtype=float)
    lines = [
        check(
            "loss of the layer",
            loss_by_hand,
            softmax_cross_entropy(y, logits),
            function="lossbook.classification.softmax_cross_entropy",
        ),
        check(
            "gradient G of the loss",
            g_rows,
            softmax_cross_entropy_grad(y, logits),
            function="lossbook.classification.softmax_cross_entropy_grad",
        ),
    ]
    return dw_rows, db_row, "\n".join([steps, *lines])


def tex_matrix(rows: list[list[float]]) -> str:
    """A matrix in TeX, each entry through ``num``."""
    return "\\begin{pmatrix}" + " \\\\ ".join(" & ".join(num(v) for v in row) for row in rows) + "\\end{pmatrix}"


def layer_gradients(
    dw_rows: list[list[float]], db_row: list[float], X: np.ndarray, W: np.ndarray, b: np.ndarray, y: np.ndarray
) -> str:
    """dL/dW and dL/db by hand against X^T G and the column sums of G from lossbook's G, and dL/dW against
    central differences of lossbook's loss in every weight: the Markdown."""
    G = softmax_cross_entropy_grad(y, X @ W + b)
    h = 1e-6
    numeric = np.zeros_like(W)
    for j, k in np.ndindex(W.shape):
        step = np.zeros_like(W)
        step[j, k] = h
        up, down = softmax_cross_entropy(y, X @ (W + step) + b), softmax_cross_entropy(y, X @ (W - step) + b)
        numeric[j, k] = (up - down) / (2 * h)
    chain = X.T @ G
    return "\n".join(
        [
            f"$$\n\\frac{{\\partial L}}{{\\partial W}} = {tex_matrix(dw_rows)}, \\qquad "
            f"\\frac{{\\partial L}}{{\\partial b}} = {tex_matrix([db_row])}\n$$\n",
            check(
                "weight gradient by the chain rule",
                dw_rows,
                chain,
                function="lossbook.classification.softmax_cross_entropy_grad",
            ),
            check(
                "bias gradient by the chain rule",
                db_row,
                G.sum(axis=0),
                function="lossbook.classification.softmax_cross_entropy_grad",
            ),
            check(
                "weight gradient against central differences",
                dw_rows,
                numeric,
                function="lossbook.classification.softmax_cross_entropy",
                rtol=1e-7,
                why="central differences with a step of 1e-6 carry a truncation and rounding error of about 1e-9",
            ),
            f"\nCentral differences agree to about {np.max(np.abs(numeric - chain) / np.abs(chain)):.0e} relative, "
            "the truncation and rounding error of a step of $10^{-6}$; hence their looser tolerance.",
        ]
    )


def signed_fraction(value: Fraction) -> str:
    """A fraction for TeX with its sign in front: ``-\\frac{1}{6}``, not ``\\frac{-1}{6}``."""
    return ("-" if value < 0 else "") + tex_fraction(abs(value))


def exercise_zero_start(x_rows: Matrix, labels: list[int], k_classes: int) -> str:
    """Exercise 1: the loss, G, dL/db and dL/dW at W = 0, b = 0, exactly in fractions, checked: the Markdown.

    With every logit 0 each probability is 1/K, so G_ik = (1/K - [k = y_i]) / N, the bias gradient is
    1/K - n_k/N (n_k the examples of class k), and the weight gradient is each feature's mean over all
    examples over K minus its sum over class k's examples over N.
    """
    n, d = len(x_rows), len(x_rows[0])
    p = Fraction(1, k_classes)
    counts = [labels.count(k) for k in range(k_classes)]
    db = [p - Fraction(c, n) for c in counts]
    dw = [
        [
            p * sum(x[j] for x in x_rows) / n - sum((x[j] for x, y in zip(x_rows, labels) if y == k), Fraction(0)) / n
            for k in range(k_classes)
        ]
        for j in range(d)
    ]
    loss = math.log(k_classes)
    y, zeros = np.array(labels), np.zeros((n, k_classes))
    G = softmax_cross_entropy_grad(y, zeros)
    X = np.array(x_rows, dtype=float)
    rows = " \\\\ ".join(" & ".join(signed_fraction(v) for v in row) for row in dw)
    return "\n".join(
        [
            f"Every logit is 0, so every probability is ${tex_fraction(p)}$ and the loss is "
            f"$\\ln {k_classes} = {num(loss)}$ nats, whatever the labels. Each row of $G$ is "
            f"$\\tfrac{{1}}{{{n}}}$ times ${tex_fraction(p)}$ for a wrong class and "
            f"${signed_fraction(p - 1)}$ for the true one. A column of $G$ sums to "
            f"$\\tfrac{{1}}{{{n}}}({n} \\cdot {tex_fraction(p)} - n_k)$, with $n_k$ the examples of class $k$ "
            f"({', '.join(str(c) for c in counts)}), and the weight gradient is "
            f"${tex_fraction(p)}$ of each feature's mean minus its sum over class $k$'s examples "
            f"over {n}:\n",
            f"$$\n\\frac{{\\partial L}}{{\\partial b}} = "
            f"\\begin{{pmatrix}}{' & '.join(signed_fraction(v) for v in db)}\\end{{pmatrix}}, \\qquad "
            f"\\frac{{\\partial L}}{{\\partial W}} = \\begin{{pmatrix}}{rows}\\end{{pmatrix}}\n$$\n",
            "The bias gradient depends on the counts of the labels alone: a step against it raises the bias of "
            f"every class whose share of the batch is above ${tex_fraction(p)}$ and lowers the others, before the "
            "weights have learnt anything.\n",
            check(
                "backpropagation exercise 1, loss",
                loss,
                softmax_cross_entropy(y, zeros),
                function="lossbook.classification.softmax_cross_entropy",
            ),
            check(
                "backpropagation exercise 1, bias gradient",
                db,
                G.sum(axis=0),
                function="lossbook.classification.softmax_cross_entropy_grad",
            ),
            check(
                "backpropagation exercise 1, weight gradient",
                dw,
                X.T @ G,
                function="lossbook.classification.softmax_cross_entropy_grad",
            ),
        ]
    )


def exercise_input_gradient(
    x_rows: Matrix, labels: list[int], w_rows: Matrix, b_row: list[Fraction], example: int
) -> str:
    """Exercise 2: dL/dx of one example, sum_k G_ik W_jk, by hand; checked against lossbook's G times W^T."""
    n, d, k_classes = len(x_rows), len(w_rows), len(b_row)
    x = x_rows[example]
    z = [sum(x[j] * w_rows[j][k] for j in range(d)) + b_row[k] for k in range(k_classes)]
    exps = [math.exp(float(v)) for v in z]
    q = [e / math.fsum(exps) for e in exps]
    g = [(q[k] - (1.0 if k == labels[example] else 0.0)) / n for k in range(k_classes)]
    dx = [math.fsum(g[k] * float(w_rows[j][k]) for k in range(k_classes)) for j in range(d)]
    X, W, b = (np.array(m, dtype=float) for m in (x_rows, w_rows, b_row))
    G = softmax_cross_entropy_grad(np.array(labels), X @ W + b)
    terms = [" + ".join(f"({num(g[k])})({exact(w_rows[j][k])})" for k in range(k_classes)) for j in range(d)]
    return "\n".join(
        [
            f"The logits of example {example + 1} are {', '.join(num(float(v)) for v in z)}, its probabilities "
            f"{', '.join(num(v) for v in q)}, and its row of $G$, the probabilities minus the one-hot vector of "
            f"class {labels[example]}, over {n}: {', '.join(num(v) for v in g)}. The feature $x_{{{example + 1}j}}$ "
            f"reaches the logits through row $j$ of $W$, so "
            f"$\\partial L / \\partial x_{{{example + 1}j}} = \\sum_k G_{{{example + 1}k}} W_{{jk}}$:\n",
            "$$\n"
            + ", \\qquad ".join(
                f"\\frac{{\\partial L}}{{\\partial x_{{{example + 1}{j + 1}}}}} = {terms[j]} = {num(dx[j])}"
                for j in range(d)
            )
            + "\n$$\n",
            "A layer below would receive these numbers as the gradient arriving from above, $G W^\\top$, just "
            "as this layer received $G$ from the loss.\n",
            check(
                "backpropagation exercise 2",
                dx,
                (G @ W.T)[example],
                function="lossbook.classification.softmax_cross_entropy_grad",
            ),
        ]
    )


def exercise_sum_reduction(
    dw_rows: list[list[float]],
    db_row: list[float],
    x_rows: Matrix,
    labels: list[int],
    w_rows: Matrix,
    b_row: list[Fraction],
    lr: float,
) -> str:
    """Exercise 3: with reduction='sum' the gradients are N times the mean's, so a rate lr/N takes the step that
    lr takes with the mean; the hand-computed gradients (dw_rows, db_row) are checked against lossbook's sum."""
    X, W, b = (np.array(m, dtype=float) for m in (x_rows, w_rows, b_row))
    y, n = np.array(labels), len(labels)
    db_sum = [n * v for v in db_row]
    step_by_hand = [[-lr * v for v in row] for row in dw_rows]
    grad_sum = softmax_cross_entropy_grad(y, X @ W + b, reduction="sum")
    return "\n".join(
        [
            f"The sum is {n} times the mean, so every gradient is {n} times larger: "
            f"$\\partial L / \\partial b$ becomes {', '.join(num(v) for v in db_sum)} instead of "
            f"{', '.join(num(v) for v in db_row)}. A step of the same size needs a learning rate "
            f"{n} times smaller, ${lr:g} / {n} = {lr / n:g}$. Otherwise the step grows with the "
            "batch size, which is why a learning rate tuned with one reduction does not carry over to the other.\n",
            check(
                "backpropagation exercise 3, summed bias gradient",
                db_sum,
                grad_sum.sum(axis=0),
                function="lossbook.classification.softmax_cross_entropy_grad",
            ),
            check(
                "backpropagation exercise 3, the same step",
                step_by_hand,
                -lr / n * (X.T @ grad_sum),
                function="lossbook.classification.softmax_cross_entropy_grad",
            ),
        ]
    )
