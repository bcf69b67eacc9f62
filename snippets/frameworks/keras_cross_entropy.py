import os

os.environ.setdefault("KERAS_BACKEND", "torch")
import keras
import numpy as np

p = np.array([[0.0, 1.0, 0.0, 0.0]])  # a batch of one sample
q = np.array([[0.1, 0.6, 0.2, 0.1]])
# Probabilities: from_logits=False
loss = keras.losses.CategoricalCrossentropy()(p, q)
result = float(keras.ops.convert_to_numpy(loss))
print(result)
