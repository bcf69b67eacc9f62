import numpy as np
from scipy.stats import entropy

p = np.array([0.5, 0.25, 0.125, 0.125])
result = float(entropy(p, base=2))  # in bits; base=None gives nats
print(result)
