import numpy as np

from lossbook import softmax_cross_entropy

labels = np.array([0, 2, 1])  # class indices
logits = np.array([[2.0, 1.0, 0.1], [0.5, 0.3, 2.2], [1.2, 0.8, -0.5]])
result = softmax_cross_entropy(labels, logits)  # mean over the batch, in nats
print(result)
