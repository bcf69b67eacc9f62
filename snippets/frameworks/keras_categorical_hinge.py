import os

os.environ.setdefault("KERAS_BACKEND", "torch")
import keras
import numpy as np

one_hot = np.array([[1.0, 0.0, 0.0], [0.0, 0.0, 1.0]])
scores = np.array([[2.0, 1.5, 0.1], [0.3, 0.9, 1.2]])
result = float(keras.ops.convert_to_numpy(keras.losses.CategoricalHinge()(one_hot, scores)))
print(result)
