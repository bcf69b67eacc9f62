import os

os.environ.setdefault("KERAS_BACKEND", "torch")
import keras
import numpy as np

targets = np.array([[1.0, 0.0, 1.0], [0.0, 1.0, 0.0]])
logits = np.array([[2.0, -1.0, 0.5], [-0.3, 1.2, -2.0]])
bce = keras.losses.BinaryCrossentropy(from_logits=True)  # averages over the classes, then the rows
result = float(keras.ops.convert_to_numpy(bce(targets, logits)))
print(result)
