import os

os.environ.setdefault("KERAS_BACKEND", "torch")
import keras
import numpy as np

p = np.array([[0.5, 0.3, 0.2], [0.1, 0.6, 0.3]])
q = np.array([[0.4, 0.4, 0.2], [0.2, 0.5, 0.3]])
loss = keras.losses.KLDivergence()(p, q)  # truth first; mean over the rows
result = float(keras.ops.convert_to_numpy(loss))
print(result)
