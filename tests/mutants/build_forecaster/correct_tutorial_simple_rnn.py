# correct: the seed tutorial's SimpleRNN(50) + Dense(1) with Keras's default Adam, on keras.Input
def build_forecaster(window):
    model = keras.Sequential([
        keras.Input(shape=(window, 1)),
        keras.layers.SimpleRNN(50),
        keras.layers.Dense(1),
    ])
    model.compile(optimizer="adam", loss="mse")
    return model
