import os

os.environ.setdefault("KERAS_BACKEND", "torch")
import keras
import numpy as np

labels = np.array([0, 2, 1])  # class indices
probs = np.array([[0.7, 0.2, 0.1], [0.1, 0.3, 0.6], [0.2, 0.5, 0.3]])
gce = keras.losses.CategoricalGeneralizedCrossEntropy(q=0.5)
result = float(keras.ops.convert_to_numpy(gce(labels, probs)))
print(result)
