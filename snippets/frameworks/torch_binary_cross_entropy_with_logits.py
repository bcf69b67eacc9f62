import torch
import torch.nn.functional as F

y_true = torch.tensor([1.0, 0.0, 1.0, 0.0], dtype=torch.float64)
logits = torch.tensor([2.2, -1.4, 0.4, 0.8], dtype=torch.float64)
# Logits first
result = F.binary_cross_entropy_with_logits(logits, y_true).item()
print(result)
