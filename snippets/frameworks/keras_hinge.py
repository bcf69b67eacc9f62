import os

os.environ.setdefault("KERAS_BACKEND", "torch")
import keras
import numpy as np

y_true = np.array([[1.0, -1.0, 1.0], [-1.0, 1.0, 1.0]])
scores = np.array([[0.3, -2.0, 1.5], [0.8, 0.2, -0.4]])
result = float(keras.ops.convert_to_numpy(keras.losses.Hinge()(y_true, scores)))
print(result)
