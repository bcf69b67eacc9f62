import torch
import torch.nn.functional as F

p = torch.tensor([0.0, 1.0, 0.0, 0.0], dtype=torch.float64)
q = torch.tensor([0.05, 0.8, 0.1, 0.05], dtype=torch.float64)
# F.cross_entropy wants logits; log q are logits for q: softmax(log q) = q.
# Prediction first, then the target:
result = F.cross_entropy(torch.log(q), p).item()
print(result)
