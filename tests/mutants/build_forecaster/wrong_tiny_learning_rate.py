# wrong: plain SGD with a learning rate of 1e-4, far too slow to learn in 20 epochs
def build_forecaster(window):
    model = keras.Sequential([
        keras.Input(shape=(window, 1)),
        keras.layers.SimpleRNN(16),
        keras.layers.Dense(1),
    ])
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=1e-4), loss="mse")
    return model
