# wrong: off by one, uses the last value of each window as the target instead of y (learns persistence)
def train_forecaster(model, x, y):
    return model.fit(x, x[:, -1], epochs=30, batch_size=32, verbose=0)
