import numpy as np

from lossbook import entropy

p = np.array([0.5, 0.25, 0.125, 0.125])
result = entropy(p, base=2)  # in bits; the default base e gives nats
print(result)
