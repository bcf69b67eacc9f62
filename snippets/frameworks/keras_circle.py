import os

os.environ.setdefault("KERAS_BACKEND", "torch")
import keras
import numpy as np

labels = np.array([0, 0, 1, 1])
embeddings = np.array([[1.0, 0.0], [0.8, 0.6], [0.0, 1.0], [-0.6, 0.8]])  # unit length
result = float(keras.ops.convert_to_numpy(keras.losses.Circle(gamma=2.0)(labels, embeddings)))
print(result)
