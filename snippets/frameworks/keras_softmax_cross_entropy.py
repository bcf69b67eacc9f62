import os

os.environ.setdefault("KERAS_BACKEND", "torch")
import keras
import numpy as np

labels = np.array([0, 2, 1])
logits = np.array([[2.0, 1.0, 0.1], [0.5, 0.3, 2.2], [1.2, 0.8, -0.5]])
# "sparse": indices
loss_fn = keras.losses.SparseCategoricalCrossentropy(from_logits=True)
result = float(keras.ops.convert_to_numpy(loss_fn(labels, logits)))
print(result)
