import numpy as np
from scipy.special import xlogy

p = np.array([0.0, 1.0, 0.0, 0.0])
q = np.array([0.05, 0.8, 0.1, 0.05])
result = float(-np.sum(xlogy(p, q)))  # xlogy(0, q) = 0, also where q = 0
print(result)
