import os

os.environ.setdefault("KERAS_BACKEND", "torch")
import keras
import numpy as np

p = np.array([[0.0, 1.0, 0.0, 0.0]])  # a batch of one sample
q = np.array([[0.05, 0.8, 0.1, 0.05]])
# Probabilities: from_logits=False
loss = keras.losses.CategoricalCrossentropy()(p, q)
result = float(keras.ops.convert_to_numpy(loss))
print(result)
