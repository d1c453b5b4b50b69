# correct: one-hot inputs (no Embedding) into a SimpleRNN, separate Softmax layer
def build_char_model(vocab_size, window):
    model = keras.Sequential([
        keras.Input(shape=(window,), dtype="int32"),
        keras.layers.CategoryEncoding(num_tokens=vocab_size, output_mode="one_hot"),
        keras.layers.SimpleRNN(64),
        keras.layers.Dense(vocab_size),
        keras.layers.Softmax(),
    ])
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.005),
                  loss="sparse_categorical_crossentropy")
    return model
