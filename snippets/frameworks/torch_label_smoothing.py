import torch
import torch.nn.functional as F

labels = torch.tensor([0, 2, 1])
logits = torch.tensor([[2.0, 1.0, 0.1], [0.5, 0.3, 2.2], [1.2, 0.8, -0.5]], dtype=torch.float64)
# PyTorch's definition: (1 - eps) * one_hot + eps / K
result = F.cross_entropy(logits, labels, label_smoothing=0.1).item()
print(result)
