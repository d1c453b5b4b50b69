# wrong: trains for 60 epochs of 16 batches, 960 batches in all: twice the budget of 500
def train_forecaster(model, x, y):
    return model.fit(x, y, epochs=60, batch_size=32, verbose=0)
