# wrong: a sigmoid output layer, one independent probability per id instead of a distribution
def build_char_model(vocab_size, window):
    model = keras.Sequential([
        keras.Input(shape=(window,), dtype="int32"),
        keras.layers.Embedding(vocab_size, 16),
        keras.layers.GRU(64),
        keras.layers.Dense(vocab_size, activation="sigmoid"),
    ])
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.01),
                  loss="sparse_categorical_crossentropy")
    return model
