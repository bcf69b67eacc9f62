import os

os.environ.setdefault("KERAS_BACKEND", "torch")
import keras
import numpy as np

y_true = np.array([[1.0, 0.0, 0.0], [0.0, 0.0, 1.0], [0.0, 1.0, 0.0]])  # one-hot rows
logits = np.array([[2.0, 1.0, 0.1], [0.5, 0.3, 2.2], [1.2, 0.8, -0.5]])
focal = keras.losses.CategoricalFocalCrossentropy(alpha=0.25, gamma=2.0, from_logits=True)
result = float(keras.ops.convert_to_numpy(focal(y_true, logits)))
print(result)
