import numpy as np
import torch

import lossbook

torch.manual_seed(0)
loss = torch.nn.LinearCrossEntropyLoss(6, 5, dtype=torch.float64)  # a linear layer, then cross-entropy
features = np.random.default_rng(0).normal(size=(4, 6))
labels = np.array([0, 3, 1, 3])
result = loss(torch.from_numpy(features), torch.from_numpy(labels)).item()

# The same loss from lossbook: the logits of the linear layer, then softmax cross-entropy
weight = loss.linear.weight.detach().numpy()
composed = lossbook.softmax_cross_entropy(labels, features @ weight.T)
print(result, composed)
