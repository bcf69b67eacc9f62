import os

os.environ.setdefault("KERAS_BACKEND", "torch")
import keras
import numpy as np

y_true = np.array([3.0, 5.0, 2.5, 7.0])
y_pred = np.array([2.5, 5.0, 4.0, 8.0])
loss = keras.losses.MeanSquaredLogarithmicError()(y_true, y_pred)
result = float(keras.ops.convert_to_numpy(loss))
print(result)
