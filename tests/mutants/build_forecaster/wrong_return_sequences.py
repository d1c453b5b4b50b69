# wrong: return_sequences=True, so it predicts one value per time step, shape (batch, window, 1)
def build_forecaster(window):
    model = keras.Sequential([
        keras.Input(shape=(window, 1)),
        keras.layers.SimpleRNN(16, return_sequences=True),
        keras.layers.Dense(1),
    ])
    model.compile(optimizer="adam", loss="mse")
    return model
