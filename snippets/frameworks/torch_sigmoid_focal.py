import torch
import torch.nn.functional as F

# torchvision.ops.sigmoid_focal_loss(logits, targets, alpha=0.25, gamma=2, reduction="mean")
# computes these lines (torchvision/ops/focal_loss.py); written out so the test suite can run
# them without torchvision, whose wheels pin another torch.
targets = torch.tensor([1.0, 0.0, 1.0, 0.0], dtype=torch.float64)
logits = torch.tensor([2.2, -1.4, 0.4, 0.8], dtype=torch.float64)
p = torch.sigmoid(logits)
ce_loss = F.binary_cross_entropy_with_logits(logits, targets, reduction="none")
p_t = p * targets + (1 - p) * (1 - targets)
alpha_t = 0.25 * targets + (1 - 0.25) * (1 - targets)
result = (alpha_t * ce_loss * (1 - p_t) ** 2).mean().item()
print(result)
