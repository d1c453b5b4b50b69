# correct: LSTM encoder and decoder (both states handed over), Bahdanau's additive attention,
# softmax probabilities out
def build_translator(source_vocab_size, target_vocab_size):
    source = keras.Input(shape=(None,), dtype="int32")
    target_in = keras.Input(shape=(None,), dtype="int32")
    x = keras.layers.Embedding(source_vocab_size, 24, mask_zero=True)(source)
    encoder_states, h, c = keras.layers.LSTM(48, return_sequences=True, return_state=True)(x)
    y = keras.layers.Embedding(target_vocab_size, 12)(target_in)
    decoder_states = keras.layers.LSTM(48, return_sequences=True)(y, initial_state=[h, c])
    attention = keras.layers.AdditiveAttention(name="attention")
    context, weights = attention([decoder_states, encoder_states], return_attention_scores=True)
    both = keras.layers.Concatenate(axis=-1)([context, decoder_states])
    probs = keras.layers.Dense(target_vocab_size, activation="softmax")(both)
    model = keras.Model(inputs=[source, target_in], outputs=probs)
    model.compile(keras.optimizers.Adam(learning_rate=0.02),
                  loss="sparse_categorical_crossentropy")
    return model
