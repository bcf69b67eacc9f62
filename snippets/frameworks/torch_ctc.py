import numpy as np
import torch
import torch.nn.functional as F

probs = np.array([[[0.5, 0.4, 0.1], [0.3, 0.6, 0.1], [0.6, 0.2, 0.2]]])  # N = 1, T = 3, C = 3
log_probs = torch.log(torch.from_numpy(probs)).transpose(0, 1)  # PyTorch wants (T, N, C)
result = F.ctc_loss(log_probs, torch.tensor([[1, 2]]), torch.tensor([3]), torch.tensor([2]), blank=0).item()
print(result)
