import os

os.environ.setdefault("KERAS_BACKEND", "torch")
import keras
import numpy as np

y_true = np.array([1.0, 0.0, 1.0, 0.0])
p_pred = np.array([0.9, 0.2, 0.6, 0.3])
# Truth first, probabilities
loss = keras.losses.BinaryCrossentropy()(y_true, p_pred)
result = float(keras.ops.convert_to_numpy(loss))
print(result)
