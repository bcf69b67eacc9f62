import torch
import torch.nn.functional as F

labels = torch.tensor([0, 2, 1])
logits = torch.tensor([[2.0, 1.0, 0.1], [0.5, 0.3, 2.2], [1.2, 0.8, -0.5]], dtype=torch.float64)
probabilities = F.softmax(logits, dim=1)
# WRONG: F.cross_entropy applies its own softmax, so this is a double softmax
result = F.cross_entropy(probabilities, labels).item()
print(result)
