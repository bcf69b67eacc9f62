import numpy as np
from lossbook import cross_entropy

p = np.array([0.0, 1.0, 0.0, 0.0])  # one-hot truth: class 1
q = np.array([0.1, 0.6, 0.2, 0.1])  # predicted probabilities
result = cross_entropy(p, q)  # in nats
print(result)
