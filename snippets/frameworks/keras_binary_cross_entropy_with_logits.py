import os

os.environ.setdefault("KERAS_BACKEND", "torch")
import keras
import numpy as np

y_true = np.array([1.0, 0.0, 1.0, 0.0])
logits = np.array([2.2, -1.4, 0.4, 0.8])
loss = keras.losses.BinaryCrossentropy(from_logits=True)(y_true, logits)
result = float(keras.ops.convert_to_numpy(loss))
print(result)
