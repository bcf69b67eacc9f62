import torch
import torch.nn.functional as F

distances = torch.tensor([0.3, 0.4, 2.0, 0.9], dtype=torch.float64)
y_true = torch.tensor([1.0, -1.0, -1.0, 1.0], dtype=torch.float64)
result = F.hinge_embedding_loss(distances, y_true, margin=1.0).item()
print(result)
