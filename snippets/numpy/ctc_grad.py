import numpy as np


def numpy_ctc_grad(labels, log_probs, input_lengths, label_lengths, blank=0, reduction="mean"):
    """Gradient of the CTC loss with respect to log_probs of shape (N, T, C), by the
    forward-backward recursion in log space over the extended labels (blank, l1, blank, ...):
    d loss_n / d log_probs[n, t, k] = -sum over the states s with label k of the occupancy
    gamma_t(s) = exp(alpha_t(s) + beta_t(s) - log P), where alpha_t(s) covers frames 0..t ending
    in s and beta_t(s) frames t+1.. from s; 0 past the input length. "mean" divides sequence n's
    gradient by N * max(1, its label length), "sum" and "none" leave it."""
    log_probs = np.asarray(log_probs, dtype=float)
    grad = np.zeros_like(log_probs)
    for n, (T, L) in enumerate(zip(input_lengths, label_lengths)):
        ext = [blank]
        for label in labels[n][:L]:
            ext += [int(label), blank]
        S, lp = len(ext), log_probs[n, :T][:, ext]  # lp[t, s]: log y_t(l'_s)
        skip = [s >= 2 and ext[s] != blank and ext[s] != ext[s - 2] for s in range(S)]
        alpha, beta = np.full((T, S), -np.inf), np.full((T, S), -np.inf)
        alpha[0, : min(2, S)] = lp[0, : min(2, S)]
        for t in range(1, T):
            for s in range(S):
                terms = [alpha[t - 1, s]]
                if s >= 1:
                    terms.append(alpha[t - 1, s - 1])
                if skip[s]:  # a blank skipped between two different labels
                    terms.append(alpha[t - 1, s - 2])
                alpha[t, s] = np.logaddexp.reduce(terms) + lp[t, s]
        beta[T - 1, max(S - 2, 0) :] = 0.0
        for t in range(T - 2, -1, -1):
            for s in range(S):
                terms = [beta[t + 1, s] + lp[t + 1, s]]
                if s + 1 < S:
                    terms.append(beta[t + 1, s + 1] + lp[t + 1, s + 1])
                if s + 2 < S and skip[s + 2]:  # the same skip, read backwards
                    terms.append(beta[t + 1, s + 2] + lp[t + 1, s + 2])
                beta[t, s] = np.logaddexp.reduce(terms)
        log_p = np.logaddexp.reduce(alpha[T - 1, max(S - 2, 0) :])
        occupancy = np.exp(alpha + beta - log_p)
        for s, k in enumerate(ext):
            grad[n, :T, k] -= occupancy[:, s]
        if reduction == "mean":
            grad[n] /= len(input_lengths) * max(L, 1)
    return grad
