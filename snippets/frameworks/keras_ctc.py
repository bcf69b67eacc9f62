import os

os.environ.setdefault("KERAS_BACKEND", "torch")
import keras
import numpy as np

logits = np.log(np.array([[[0.5, 0.4, 0.1], [0.3, 0.6, 0.1], [0.6, 0.2, 0.2]]]))  # Keras takes logits
labels = np.array([[1, 2]])  # blank is 0; labels padded with 0
result = float(keras.ops.convert_to_numpy(keras.losses.CTC()(labels, logits)))
print(result)
