import torch
import torch.nn.functional as F

x1 = torch.tensor([[0.0, 1.0, 2.0], [1.0, 1.0, 0.0]], dtype=torch.float64)
x2 = torch.tensor([[0.5, 1.0, 1.5], [-1.0, 2.0, 0.5]], dtype=torch.float64)
y = torch.tensor([1.0, -1.0], dtype=torch.float64)
result = F.cosine_embedding_loss(x1, x2, y, margin=0.1).item()
print(result)
