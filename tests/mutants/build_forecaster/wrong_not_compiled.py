# wrong: builds the model but never compiles it
def build_forecaster(window):
    model = keras.Sequential([
        keras.Input(shape=(window, 1)),
        keras.layers.SimpleRNN(16),
        keras.layers.Dense(1),
    ])
    return model
