import numpy as np


def numpy_ctc(labels, log_probs, blank=0):
    """CTC loss of one sequence: -log of the sum over alignments, by the forward algorithm in log
    space over the extended labels (blank, l1, blank, l2, ..., blank). log_probs has shape (T, C)."""
    ext = [blank]
    for label in labels:
        ext += [label, blank]
    alpha = np.full(len(ext), -np.inf)
    alpha[0] = log_probs[0, blank]
    if len(ext) > 1:
        alpha[1] = log_probs[0, ext[1]]
    for t in range(1, len(log_probs)):
        previous = alpha.copy()
        for s in range(len(ext)):
            terms = [previous[s]] + ([previous[s - 1]] if s >= 1 else [])
            if s >= 2 and ext[s] != blank and ext[s] != ext[s - 2]:
                terms.append(previous[s - 2])  # skip a blank between two different labels
            alpha[s] = np.logaddexp.reduce(terms) + log_probs[t, ext[s]]
    return float(-np.logaddexp.reduce(alpha[-2:] if len(ext) > 1 else alpha[-1:]))
