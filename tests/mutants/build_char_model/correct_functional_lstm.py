# correct: functional API, Embedding + LSTM, a loss object, softmax output
def build_char_model(vocab_size, window):
    ids = keras.Input(shape=(window,), dtype="int32")
    vectors = keras.layers.Embedding(vocab_size, 16)(ids)
    state = keras.layers.LSTM(64)(vectors)
    probs = keras.layers.Dense(vocab_size, activation="softmax")(state)
    model = keras.Model(ids, probs)
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.005),
                  loss=keras.losses.SparseCategoricalCrossentropy())
    return model
