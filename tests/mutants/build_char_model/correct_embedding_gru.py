# correct: Embedding + GRU + softmax Dense, Adam(0.008)
def build_char_model(vocab_size, window):
    model = keras.Sequential([
        keras.Input(shape=(window,), dtype="int32"),
        keras.layers.Embedding(vocab_size, 24),
        keras.layers.GRU(48),
        keras.layers.Dense(vocab_size, activation="softmax"),
    ])
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.008),
                  loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    return model
