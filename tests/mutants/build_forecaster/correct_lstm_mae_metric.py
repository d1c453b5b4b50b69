# correct: an LSTM with an extra metric and an explicit MeanSquaredError loss object
def build_forecaster(window):
    model = keras.Sequential([
        keras.Input(shape=(window, 1)),
        keras.layers.LSTM(16),
        keras.layers.Dense(1),
    ])
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.005),
                  loss=keras.losses.MeanSquaredError(), metrics=["mae"])
    return model
