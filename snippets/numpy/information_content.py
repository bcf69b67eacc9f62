import numpy as np


def numpy_information_content(p, base=np.e):
    """Information content (surprisal) -log p. Nats; bits with base=2."""
    with np.errstate(divide="ignore"):  # -log(0) = inf: an impossible event
        surprise = -np.log(p) / np.log(base)
    return surprise + 0.0  # + 0.0 turns -log(1) = -0.0 into 0.0
