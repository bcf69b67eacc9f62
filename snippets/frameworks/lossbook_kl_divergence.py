import numpy as np

from lossbook import kl_divergence

# True distributions, one per row
p = np.array([[0.5, 0.3, 0.2], [0.1, 0.6, 0.3]])
q = np.array([[0.4, 0.4, 0.2], [0.2, 0.5, 0.3]])  # predicted distributions
per_row = kl_divergence(p, q)  # one divergence per row, in nats
result = float(np.mean(per_row))  # the mean over the batch
print(per_row, result)
