# correct: one-head MultiHeadAttention (weights of shape (n, heads, Tt, Ts)) over a GRU
# encoder, with the decoder starting from zeros
def build_translator(source_vocab_size, target_vocab_size):
    src = keras.Input(shape=(None,), dtype="int32")
    tgt = keras.Input(shape=(None,), dtype="int32")
    enc = keras.layers.GRU(48, return_sequences=True)(
        keras.layers.Embedding(source_vocab_size, 32, mask_zero=True)(src))
    dec = keras.layers.GRU(48, return_sequences=True)(
        keras.layers.Embedding(target_vocab_size, 16)(tgt))
    ctx = keras.layers.MultiHeadAttention(num_heads=1, key_dim=32, name="attention")(
        dec, enc, return_attention_scores=True)[0]
    out = keras.layers.Dense(target_vocab_size)(keras.layers.Concatenate()([dec, ctx]))
    model = keras.Model([src, tgt], out)
    model.compile(optimizer=keras.optimizers.Adam(0.01),
                  loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    return model
