# wrong: trains a fresh clone of the model, so the model it was given stays untrained
def train_forecaster(model, x, y):
    copy = keras.models.clone_model(model)
    copy.compile(optimizer="adam", loss="mse")
    return copy.fit(x, y, epochs=30, batch_size=32, verbose=0)
