import torch
import torch.nn.functional as F

scores = torch.tensor([[0.1, 0.2, 0.4, 0.8], [0.9, -0.3, 0.5, 0.0]], dtype=torch.float64)
targets = torch.tensor([[3, 0, -1, 1], [0, 2, -1, -1]])  # classes listed first, then -1
result = F.multilabel_margin_loss(scores, targets).item()
print(result)
