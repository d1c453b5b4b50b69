# wrong: vocab_size - 2 outputs, leaving out the padding and unknown ids
def build_char_model(vocab_size, window):
    model = keras.Sequential([
        keras.Input(shape=(window,), dtype="int32"),
        keras.layers.Embedding(vocab_size, 16),
        keras.layers.GRU(64),
        keras.layers.Dense(vocab_size - 2, activation="softmax"),
    ])
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.01),
                  loss="sparse_categorical_crossentropy")
    return model
