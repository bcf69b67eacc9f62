"""Benchmark lossbook against scikit-learn, SciPy and PyTorch, single-threaded, in float64.

    python scripts/bench_losses.py           # n = 1e3, 1e5, 1e7 and 1e4 x 1e3 logits (< 3 minutes)
    python scripts/bench_losses.py --quick   # n = 1e3, 1e5 only

Times are the best of at least five interleaved repeats (time.perf_counter), in milliseconds, with the ratio
lossbook / peer in parentheses (below 1 means lossbook is faster). "mem" is lossbook's peak
extra memory during one call, from tracemalloc (numpy reports its buffers to it), in multiples
of the size of one input array; PyTorch's allocator is invisible to tracemalloc. Every library
runs on one thread: torch.set_num_threads(1), and threadpoolctl limits BLAS and OpenMP pools
(numpy's elementwise ufuncs and reductions are single-threaded anyway).
"""
import os

for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(var, "1")

import argparse  # noqa: E402
import math  # noqa: E402
import platform  # noqa: E402
import time  # noqa: E402
import tracemalloc  # noqa: E402

import numpy as np  # noqa: E402
import scipy  # noqa: E402
import scipy.special  # noqa: E402
import scipy.stats  # noqa: E402
import sklearn  # noqa: E402
import sklearn.metrics as skm  # noqa: E402
import torch  # noqa: E402
import torch.nn.functional as F  # noqa: E402
from threadpoolctl import threadpool_limits  # noqa: E402

import lossbook as lb  # noqa: E402

torch.set_num_threads(1)
PEERS = ("scikit-learn", "SciPy", "PyTorch")


def inputs(n, rng):
    """Inputs of n elements each, as numpy arrays and as torch tensors sharing their memory."""
    t, p = rng.normal(size=n), rng.normal(size=n)
    dist_p, dist_q = rng.random(n) + 0.01, rng.random(n) + 0.01
    dist_p, dist_q = dist_p / dist_p.sum(), dist_q / dist_q.sum()
    k = min(100, n)
    z = rng.normal(size=(n // k, k)) * 3
    labels = rng.integers(0, k, n // k)
    y01, prob = rng.integers(0, 2, n).astype(float), rng.uniform(0.01, 0.99, n)
    return dict(t=t, p=p, dp=dist_p, dq=dist_q, z=z, labels=labels, y01=y01, prob=prob)


def cases(d):
    """(name, lossbook call, {peer: call}, input bytes) per function."""
    T = {k: torch.from_numpy(v) for k, v in d.items()}
    n = d["t"].size
    return [
        ("mse", lambda: lb.mse(d["t"], d["p"]), {
            "scikit-learn": lambda: skm.mean_squared_error(d["t"], d["p"]),
            "PyTorch": lambda: F.mse_loss(T["p"], T["t"]).item()}, n),
        ("mae", lambda: lb.mae(d["t"], d["p"]), {
            "scikit-learn": lambda: skm.mean_absolute_error(d["t"], d["p"]),
            "PyTorch": lambda: F.l1_loss(T["p"], T["t"]).item()}, n),
        ("rmse", lambda: lb.rmse(d["t"], d["p"]), {
            "scikit-learn": lambda: skm.root_mean_squared_error(d["t"], d["p"]),
            "PyTorch": lambda: math.sqrt(F.mse_loss(T["p"], T["t"]).item())}, n),
        ("huber", lambda: lb.huber(d["t"], d["p"]), {
            "SciPy": lambda: float(np.mean(scipy.special.huber(1.0, d["p"] - d["t"]))),
            "PyTorch": lambda: F.huber_loss(T["p"], T["t"]).item()}, n),
        ("information_content", lambda: lb.information_content(d["dp"]), {
            "PyTorch": lambda: -torch.log(T["dp"])}, n),
        ("entropy", lambda: lb.entropy(d["dp"]), {
            "SciPy": lambda: scipy.stats.entropy(d["dp"]),
            "PyTorch": lambda: torch.special.entr(T["dp"]).sum().item()}, n),
        ("cross_entropy", lambda: lb.cross_entropy(d["dp"], d["dq"]), {
            "SciPy": lambda: scipy.stats.entropy(d["dp"], d["dq"]),
            "PyTorch": lambda: -(T["dp"] * torch.log(T["dq"])).sum().item()}, n),
        ("kl_divergence", lambda: lb.kl_divergence(d["dp"], d["dq"]), {
            "SciPy": lambda: scipy.stats.entropy(d["dp"], d["dq"]),
            "PyTorch": lambda: F.kl_div(torch.log(T["dq"]), T["dp"], reduction="sum").item()}, n),
        ("softmax", lambda: lb.softmax(d["z"]), {
            "SciPy": lambda: scipy.special.softmax(d["z"], axis=-1),
            "PyTorch": lambda: torch.softmax(T["z"], dim=-1)}, d["z"].size),
        ("log_softmax", lambda: lb.log_softmax(d["z"]), {
            "SciPy": lambda: scipy.special.log_softmax(d["z"], axis=-1),
            "PyTorch": lambda: torch.log_softmax(T["z"], dim=-1)}, d["z"].size),
        ("softmax_cross_entropy", lambda: lb.softmax_cross_entropy(d["labels"], d["z"]), {
            "PyTorch": lambda: F.cross_entropy(T["z"], T["labels"]).item()}, d["z"].size),
        ("binary_cross_entropy", lambda: lb.binary_cross_entropy(d["y01"], d["prob"]), {
            "scikit-learn": lambda: skm.log_loss(d["y01"], d["prob"], labels=[0, 1]),
            "PyTorch": lambda: F.binary_cross_entropy(T["prob"], T["y01"]).item()}, n),
        ("binary_cross_entropy_with_logits", lambda: lb.binary_cross_entropy_with_logits(d["y01"], d["p"]), {
            "PyTorch": lambda: F.binary_cross_entropy_with_logits(T["p"], T["y01"]).item()}, n),
    ]


def best_times(calls, budget=0.5, min_rounds=5, max_rounds=50):
    """Best time of one call in ms for each of `calls`, timed in interleaved rounds.

    Interleaving spreads any noise from other processes over every library alike. Each
    round times a loop of about 1 ms of calls; rounds go on until `budget` seconds are spent.
    """
    numbers = {}
    for name, f in calls.items():
        start = time.perf_counter()
        f()
        numbers[name] = max(1, int(1e-3 / max(time.perf_counter() - start, 1e-9)))
    best = dict.fromkeys(calls, math.inf)
    spent, rounds = 0.0, 0
    while rounds < max_rounds and (rounds < min_rounds or spent < budget):
        for name, f in calls.items():
            start = time.perf_counter()
            for _ in range(numbers[name]):
                f()
            elapsed = time.perf_counter() - start
            best[name], spent = min(best[name], elapsed / numbers[name]), spent + elapsed
        rounds += 1
    return {name: t * 1e3 for name, t in best.items()}


def peak_memory(f, input_bytes):
    """Peak extra memory allocated during one call, in multiples of `input_bytes`."""
    tracemalloc.start()
    tracemalloc.reset_peak()
    base = tracemalloc.get_traced_memory()[0]
    f()
    peak = tracemalloc.get_traced_memory()[1] - base
    tracemalloc.stop()
    return peak / input_bytes


def run(name, ours, peers, elements, results):
    times = best_times({"lossbook": ours, **peers})
    mine = times["lossbook"]
    row = [f"{name:<33}", f"{mine:10.3f}"]
    for peer in PEERS:
        if peer in peers:
            results[name, peer] = mine / times[peer]
            row.append(f"{times[peer]:10.3f} ({mine / times[peer]:4.2f})")
        else:
            row.append(f"{'-':>17}")
    row.append(f"{peak_memory(ours, 8 * elements):5.2f}")
    print(" ".join(row), flush=True)


def header(title):
    print(f"\n{title}")
    print(f"{'function':<33} {'lossbook':>10} " + " ".join(f"{p:>17}" for p in PEERS) + f" {'mem':>5}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="only n = 1e3 and 1e5")
    args = parser.parse_args()
    print(f"Python {platform.python_version()}, numpy {np.__version__}, scikit-learn {sklearn.__version__}, "
          f"SciPy {scipy.__version__}, PyTorch {torch.__version__}; float64; one thread "
          f"(torch.set_num_threads(1), threadpoolctl limits BLAS/OpenMP to 1); times in ms, "
          f"(lossbook / peer); mem = lossbook's peak extra memory / input size")
    rng = np.random.default_rng(0)
    results = {}
    started = time.perf_counter()
    with threadpool_limits(limits=1):
        for n in (10**3, 10**5) if args.quick else (10**3, 10**5, 10**7):
            header(f"n = {n:.0e} elements per input (softmax family: {n // 100 or 1} x {min(100, n)} logits)")
            for case in cases(inputs(n, rng)):
                run(*case, results if n == 10**7 else {})
        if not args.quick:
            z, y = rng.normal(size=(10**4, 10**3)) * 3, rng.integers(0, 10**3, 10**4)
            zt, yt = torch.from_numpy(z), torch.from_numpy(y)
            header("softmax_cross_entropy on 1e4 x 1e3 logits")
            run("softmax_cross_entropy", lambda: lb.softmax_cross_entropy(y, z),
                {"PyTorch": lambda: F.cross_entropy(zt, yt).item()}, z.size, big := {})
            results["softmax_cross_entropy 1e4x1e3", "PyTorch"] = big["softmax_cross_entropy", "PyTorch"]
            goals(results)
    print(f"\ntotal {time.perf_counter() - started:.0f} s")


def goals(results):
    print("\nGoals at n = 1e7 (ratio lossbook / peer):")
    checks = [(f, "scikit-learn", 1.0) for f in ("mse", "mae")] + \
        [(f, "PyTorch", 1.5) for f in ("mse", "mae", "huber")] + \
        [(f, "SciPy", 1.0) for f in ("entropy", "cross_entropy")] + \
        [("softmax_cross_entropy 1e4x1e3", "PyTorch", 1.5)]
    for f, peer, limit in checks:
        ratio = results[f, peer]
        print(f"  {f:<31} vs {peer:<13} {ratio:5.2f} <= {limit}: {'met' if ratio <= limit else 'MISSED'}")


if __name__ == "__main__":
    main()
