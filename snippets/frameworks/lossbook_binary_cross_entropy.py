import numpy as np

from lossbook import binary_cross_entropy

y_true = np.array([1.0, 0.0, 1.0, 0.0])
# Predicted probabilities of the label 1
p_pred = np.array([0.9, 0.2, 0.6, 0.3])
result = binary_cross_entropy(y_true, p_pred)  # in nats
print(result)
