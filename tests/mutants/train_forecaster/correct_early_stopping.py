# correct: the last 20 % of the windows for validation, early stopping that keeps the best weights
def train_forecaster(model, x, y):
    stop = keras.callbacks.EarlyStopping(monitor="val_loss", patience=8,
                                         restore_best_weights=True)
    return model.fit(x, y, epochs=35, batch_size=32, validation_split=0.2,
                     callbacks=[stop], verbose=0)
