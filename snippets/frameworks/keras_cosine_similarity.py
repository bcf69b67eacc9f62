import os

os.environ.setdefault("KERAS_BACKEND", "torch")
import keras
import numpy as np

y_true = np.array([[0.0, 1.0, 2.0], [1.0, 1.0, 0.0]])
y_pred = np.array([[0.5, 1.0, 1.5], [-1.0, 2.0, 0.5]])
result = float(keras.ops.convert_to_numpy(keras.losses.CosineSimilarity()(y_true, y_pred)))
print(result)
