# correct: a fixed number of epochs with small batches
def train_forecaster(model, x, y):
    history = model.fit(x, y, epochs=15, batch_size=16, verbose=0)
    return history
