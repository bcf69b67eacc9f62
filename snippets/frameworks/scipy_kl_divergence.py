import numpy as np
from scipy.stats import entropy

p = np.array([[0.5, 0.3, 0.2], [0.1, 0.6, 0.3]])
q = np.array([[0.4, 0.4, 0.2], [0.2, 0.5, 0.3]])
# With two arguments it is the KL divergence; default axis=0!
per_row = entropy(p, q, axis=1)
result = float(np.mean(per_row))
print(result)
