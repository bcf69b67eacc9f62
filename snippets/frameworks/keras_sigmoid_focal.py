import os

os.environ.setdefault("KERAS_BACKEND", "torch")
import keras
import numpy as np

y_true = np.array([[1.0, 0.0, 1.0, 0.0]])
logits = np.array([[2.2, -1.4, 0.4, 0.8]])
focal = keras.losses.BinaryFocalCrossentropy(
    apply_class_balancing=True, alpha=0.25, gamma=2.0, from_logits=True
)  # alpha counts only with class balancing
result = float(keras.ops.convert_to_numpy(focal(y_true, logits)))
print(result)
