import torch
import torch.nn.functional as F

y_true = torch.tensor([3.0, -0.5, 2.0, 7.0], dtype=torch.float64)  # shape (4,)
# Shape (4, 1): a model's output column
y_pred = torch.tensor([[2.5], [0.0], [2.0], [8.0]], dtype=torch.float64)
# WRONG: broadcasts to (4, 4), comparing every prediction with every target.
# PyTorch only warns: "Using a target size (torch.Size([4])) that is
# different to the input size (torch.Size([4, 1]))".
result = F.mse_loss(y_pred, y_true).item()
print(result)
