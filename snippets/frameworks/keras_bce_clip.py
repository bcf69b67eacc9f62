import os

os.environ.setdefault("KERAS_BACKEND", "torch")
import keras
import numpy as np

y_true = np.array([1.0, 0.0, 1.0, 0.0])
p_pred = np.array([0.0, 0.2, 0.6, 0.3])  # 0 for a 1
# Predictions are clipped to [1e-7, 1 - 1e-7] first
loss = keras.losses.BinaryCrossentropy()(y_true, p_pred)
result = float(keras.ops.convert_to_numpy(loss))
print(result)
