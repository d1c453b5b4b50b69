# wrong: return_sequences=True, so it predicts a distribution at every step, shape (batch, window, V)
def build_char_model(vocab_size, window):
    model = keras.Sequential([
        keras.Input(shape=(window,), dtype="int32"),
        keras.layers.Embedding(vocab_size, 16),
        keras.layers.GRU(64, return_sequences=True),
        keras.layers.Dense(vocab_size, activation="softmax"),
    ])
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.01),
                  loss="sparse_categorical_crossentropy")
    return model
