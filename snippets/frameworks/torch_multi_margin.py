import torch
import torch.nn.functional as F

scores = torch.tensor([[2.0, 1.5, 0.1], [0.3, 0.9, 1.2]], dtype=torch.float64)
labels = torch.tensor([0, 2])
result = F.multi_margin_loss(scores, labels, p=1, margin=1.0).item()  # scores first
print(result)
