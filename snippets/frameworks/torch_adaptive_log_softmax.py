import numpy as np
import torch

import lossbook

torch.manual_seed(0)
# 10 classes: a head for classes 0-2 and two tail clusters, classes 3-5 and 6-9
asm = torch.nn.AdaptiveLogSoftmaxWithLoss(6, 10, cutoffs=[3, 6], div_value=2.0).double()
x = np.random.default_rng(0).normal(size=(4, 6))
labels = np.array([0, 4, 9, 7])
result = asm(torch.from_numpy(x), torch.from_numpy(labels)).loss.item()

# The same loss from lossbook calls: the head's log-softmax scores classes 0-2 and each
# cluster; a class in a cluster adds the cluster's own log-softmax.
w = {name: value.detach().numpy() for name, value in asm.named_parameters()}
head = lossbook.log_softmax(x @ w["head.weight"].T)
parts = [head[:, :3]]
for i in range(2):
    tail = lossbook.log_softmax(x @ w[f"tail.{i}.0.weight"].T @ w[f"tail.{i}.1.weight"].T)
    parts.append(head[:, 3 + i : 4 + i] + tail)
log_probs = np.concatenate(parts, axis=1)
composed = lossbook.softmax_cross_entropy(labels, log_probs)  # log_softmax(log_probs) = log_probs
print(result, composed)
