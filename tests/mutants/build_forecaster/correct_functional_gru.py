# correct: functional API, a small GRU, Adam with a larger learning rate
def build_forecaster(window):
    inputs = keras.Input(shape=(window, 1))
    state = keras.layers.GRU(8)(inputs)
    outputs = keras.layers.Dense(1)(state)
    model = keras.Model(inputs, outputs, name="gru_forecaster")
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.01), loss="mse")
    return model
