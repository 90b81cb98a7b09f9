"""Variational autoencoders on binarised digits (chapters/vae.ipynb) and the β-VAE on shapes."""

from __future__ import annotations

import numpy as np

from .common import Outcome, entry, vae_terms

# chapters/vae.ipynb, "Training" and "Evaluation": dense encoder 784-512-256-m and mirrored decoder,
# Bernoulli likelihood on binarised digits, Adam with cosine decay from 2e-3 to 5 % of it, the
# test digits monitored per epoch; importance-weighted bound with k = 500 on 500 test digits.
VAE_2 = dict(latent_dim=2, hidden=(512, 256), learning_rate=2e-3, decay_alpha=0.05, epochs=20,
             batch_size=256, iw_k=500, iw_n=500, iw_seed=1, seed=0)

# chapters/vae.ipynb, "A larger code": the same model and training with m = 16, for 12 epochs
VAE_16 = dict(VAE_2, latent_dim=16, epochs=12)


def _dense_vae(s, ctx, label) -> Outcome:
    """The chapter's ``build_vae`` and ``train`` with ``V.dense_encoder``/``V.dense_decoder``."""
    import keras
    from deep_unsupervised import vae as V

    mnist = ctx.mnist(binarize=True)
    x_train, x_test = ctx.head(mnist.x_train), ctx.head(mnist.x_test)
    keras.utils.set_random_seed(s.seed)
    model = V.VAE(V.dense_encoder(input_shape=(28, 28, 1), latent_dim=s.latent_dim, hidden=s.hidden),
                  V.dense_decoder(output_shape=(28, 28, 1), latent_dim=s.latent_dim,
                                  hidden=s.hidden[::-1]), seed=s.seed)
    steps = s.epochs * int(np.ceil(len(x_train) / s.batch_size))
    schedule = keras.optimizers.schedules.CosineDecay(s.learning_rate, steps, alpha=s.decay_alpha)
    model.compile(optimizer=keras.optimizers.Adam(schedule))
    with ctx.training():
        model.fit(x_train, epochs=s.epochs, batch_size=s.batch_size, validation_data=(x_test,),
                  verbose=0, callbacks=[ctx.progress(label)])
    quality = vae_terms(model, x_test)
    iw = V.importance_weighted_log_likelihood(model, x_test[:s.iw_n], k=s.iw_k, seed=s.iw_seed)
    quality[f"iw_nll_k{s.iw_k}"] = -float(np.mean(iw))
    return Outcome(params=model.count_params(), quality=quality, n_train=len(x_train),
                   n_test=len(x_test))


@entry("vae-2", chapter="vae", settings=VAE_2, primary="neg_elbo", direction="lower",
       description="dense VAE with a 2-D code on binarised digits; test -ELBO (nats)")
def vae_2(s, ctx):
    return _dense_vae(s, ctx, "vae-2")


@entry("vae-16", chapter="vae", settings=VAE_16, primary="neg_elbo", direction="lower",
       description="dense VAE with a 16-D code on binarised digits; test -ELBO (nats)")
def vae_16(s, ctx):
    return _dense_vae(s, ctx, "vae-16")


# chapters/beta_vae.ipynb, "A β-VAE on the shapes" (train_beta_vae): dense β-VAE 512-256 with 10
# latents, β = 4, Adam 1e-3, on 20,000 of 30,000 distinct 32x32 shapes images; the other 10,000
# are held out for the test terms and the MIG (uniform bins, as in the chapter).
BETA_VAE = dict(beta=4.0, resolution=32, n_train=20_000, n_test=10_000, data_seed=0,
                latent_dim=10, hidden=(512, 256), learning_rate=1e-3, epochs=7, batch_size=128,
                seed=0)


@entry("beta-vae-shapes", chapter="beta_vae", settings=BETA_VAE, primary="mig",
       direction="higher",
       description="β-VAE (β = 4, 10 latents) on 32x32 shapes; MIG and -ELBO parts")
def beta_vae_shapes(s, ctx):
    import keras
    from deep_unsupervised import disentanglement, shapes
    from deep_unsupervised import vae as V

    pool = shapes.make_shapes(resolution=s.resolution, n_samples=s.n_train + s.n_test,
                              seed=s.data_seed)
    images = pool.images[..., None].astype("float32")
    x_train = images[:ctx.lim(s.n_train)]
    x_test = images[s.n_train:s.n_train + ctx.lim(s.n_test)]
    v_test = pool.factors[s.n_train:s.n_train + ctx.lim(s.n_test)]
    keras.utils.set_random_seed(s.seed)
    shape = x_train.shape[1:]
    model = V.VAE(V.dense_encoder(shape, s.latent_dim, hidden=s.hidden),
                  V.dense_decoder(shape, s.latent_dim, hidden=s.hidden[::-1]), beta=s.beta,
                  seed=s.seed)
    model.compile(optimizer=keras.optimizers.Adam(s.learning_rate))
    with ctx.training():
        model.fit(x_train, epochs=s.epochs, batch_size=s.batch_size, verbose=0,
                  callbacks=[ctx.progress("beta-vae-shapes")])
    quality = vae_terms(model, x_test)
    z_mean, z_log_var = model.encoder.predict(x_test, batch_size=1000, verbose=0)
    kl_per_latent = 0.5 * np.mean(z_mean ** 2 + np.exp(z_log_var) - 1 - z_log_var, axis=0)
    quality["mig"] = float(disentanglement.mig(z_mean, v_test))
    quality["active_latents"] = int(np.sum(kl_per_latent > 0.1))
    return Outcome(params=model.count_params(), quality=quality, n_train=len(x_train),
                   n_test=len(x_test))
