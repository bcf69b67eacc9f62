import torch
import torch.nn.functional as F

targets = torch.tensor([[1.0, 0.0, 1.0], [0.0, 1.0, 0.0]], dtype=torch.float64)
logits = torch.tensor([[2.0, -1.0, 0.5], [-0.3, 1.2, -2.0]], dtype=torch.float64)
result = F.multilabel_soft_margin_loss(logits, targets).item()  # logits first
print(result)
