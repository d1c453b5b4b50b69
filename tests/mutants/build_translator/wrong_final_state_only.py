# wrong: the encoder returns only its final state, so the "attention" has one source
# position to look at (weights of shape (n, Tt, 1)): no attention at all
def build_translator(source_vocab_size, target_vocab_size):
    layers = keras.layers
    source = keras.Input(shape=(None,), dtype="int32")
    so_far = keras.Input(shape=(None,), dtype="int32")
    embedded = layers.Embedding(source_vocab_size, 32, mask_zero=True)(source)
    final = layers.GRU(48)(embedded)
    decoded = layers.GRU(48, return_sequences=True)(
        layers.Embedding(target_vocab_size, 16)(so_far), initial_state=final)
    memory = layers.Reshape((1, 48))(final)
    context, _ = layers.Attention(name="attention")(
        [decoded, memory], return_attention_scores=True)
    logits = layers.Dense(target_vocab_size)(layers.Concatenate()([decoded, context]))
    model = keras.Model([source, so_far], logits)
    model.compile(optimizer=keras.optimizers.Adam(0.02),
                  loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    return model
