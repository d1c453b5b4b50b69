# wrong: outputs logits (no softmax) with a from_logits loss, but the contract asks for probabilities
def build_char_model(vocab_size, window):
    model = keras.Sequential([
        keras.Input(shape=(window,), dtype="int32"),
        keras.layers.Embedding(vocab_size, 16),
        keras.layers.GRU(64),
        keras.layers.Dense(vocab_size),
    ])
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.01),
                  loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    return model
