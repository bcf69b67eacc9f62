import os

os.environ.setdefault("KERAS_BACKEND", "torch")
import keras
import numpy as np

counts = np.array([2.0, 0.0, 5.0, 1.0])
rates = np.array([1.5, 0.5, 4.0, 1.0])
loss = keras.losses.Poisson()(counts, rates)  # rates, not log-rates; adds 1e-7 inside the log
result = float(keras.ops.convert_to_numpy(loss))
print(result)
