import torch
import torch.nn.functional as F

labels = torch.tensor([0, 2, 1])
logits = torch.tensor([[2.0, 1.0, 0.1], [0.5, 0.3, 2.2], [1.2, 0.8, -0.5]], dtype=torch.float64)
# Logits first; the softmax is applied inside
result = F.cross_entropy(logits, labels).item()
print(result)
