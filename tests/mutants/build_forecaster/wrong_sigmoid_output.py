# wrong: a sigmoid on the output unit, so it cannot predict the negative half of the wave
def build_forecaster(window):
    model = keras.Sequential([
        keras.Input(shape=(window, 1)),
        keras.layers.SimpleRNN(16),
        keras.layers.Dense(1, activation="sigmoid"),
    ])
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.005), loss="mse")
    return model
