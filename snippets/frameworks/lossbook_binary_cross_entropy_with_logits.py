import numpy as np

from lossbook import binary_cross_entropy_with_logits

y_true = np.array([1.0, 0.0, 1.0, 0.0])
logits = np.array([2.2, -1.4, 0.4, 0.8])
result = binary_cross_entropy_with_logits(y_true, logits)  # in nats
print(result)
