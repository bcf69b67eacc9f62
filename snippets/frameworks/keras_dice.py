import os

os.environ.setdefault("KERAS_BACKEND", "torch")
import keras
import numpy as np

y_true = np.array([[0, 1, 1, 0], [0, 1, 1, 1], [0, 0, 1, 0], [0, 0, 0, 0]], dtype=float)
y_pred = np.array([[0.1, 0.8, 0.9, 0.2], [0.0, 0.6, 0.7, 0.3], [0.1, 0.2, 0.9, 0.1], [0.0, 0.1, 0.4, 0.0]])
loss = keras.losses.Dice()(y_true, y_pred)  # adds 1e-7 to the denominator
result = float(keras.ops.convert_to_numpy(loss))
print(result)
