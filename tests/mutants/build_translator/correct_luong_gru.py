# correct: chapter 6's translator: GRU encoder and decoder, Luong's dot-product attention
def build_translator(source_vocab_size, target_vocab_size):
    layers = keras.layers
    source = keras.Input(shape=(None,), dtype="int32")
    so_far = keras.Input(shape=(None,), dtype="int32")
    embedded = layers.Embedding(source_vocab_size, 32, mask_zero=True)(source)
    states, final = layers.GRU(48, return_sequences=True, return_state=True)(embedded)
    decoded = layers.GRU(48, return_sequences=True)(
        layers.Embedding(target_vocab_size, 16)(so_far), initial_state=final)
    context, _ = layers.Attention(name="attention")(
        [decoded, states], return_attention_scores=True)
    logits = layers.Dense(target_vocab_size)(layers.Concatenate()([decoded, context]))
    model = keras.Model([source, so_far], logits)
    model.compile(optimizer=keras.optimizers.Adam(0.02),
                  loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    return model
