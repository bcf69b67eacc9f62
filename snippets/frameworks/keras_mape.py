import os

os.environ.setdefault("KERAS_BACKEND", "torch")
import keras
import numpy as np

y_true = np.array([100.0, 50.0, 80.0, 20.0])
y_pred = np.array([110.0, 40.0, 80.0, 25.0])
loss = keras.losses.MeanAbsolutePercentageError()(y_true, y_pred)
result = float(keras.ops.convert_to_numpy(loss))
print(result)
