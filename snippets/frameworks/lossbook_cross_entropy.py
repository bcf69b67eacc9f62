import numpy as np

from lossbook import cross_entropy

p = np.array([0.0, 1.0, 0.0, 0.0])  # one-hot truth: class 1
q = np.array([0.05, 0.8, 0.1, 0.05])  # the book's dog after training (cat, dog, horse, rabbit)
result = cross_entropy(p, q)  # in nats
print(result)
