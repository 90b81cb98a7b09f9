"""The generators of chapters/dcgan.ipynb: DCGAN, WGAN-GP, the VAE baseline, and the CycleGAN.

Sample quality is the chapter's Fréchet distance: 2,000 samples against the first 2,000 test
digits, in the feature space of ``metrics.mnist_classifier`` trained (seed 0, 2 epochs) on the
10,000 training digits that follow the GANs' 8,000.
"""

from __future__ import annotations

import numpy as np

from .common import Outcome, entry, train_conv_vae, vae_terms

# chapters/dcgan.ipynb, "Measuring sample quality": the feature classifier and the sample sizes
FRECHET = dict(classifier_start=8000, classifier_n=10_000, classifier_epochs=2,
               classifier_batch_size=128, classifier_seed=0, n=2000, sample_seed=1)


def frechet_features(ctx):
    """The chapter's feature extractor (trained once per run) and its test accuracy."""
    if "frechet" not in ctx.cache:
        import keras
        from deep_unsupervised import metrics

        f, mnist = FRECHET, ctx.mnist()
        start = ctx.lim(f["classifier_start"])
        stop = start + ctx.lim(f["classifier_n"])
        keras.utils.set_random_seed(f["classifier_seed"])
        classifier = metrics.mnist_classifier()
        classifier.fit(mnist.x_train[start:stop], mnist.y_train[start:stop],
                       epochs=f["classifier_epochs"], batch_size=f["classifier_batch_size"],
                       verbose=0)
        accuracy = classifier.evaluate(ctx.head(mnist.x_test), ctx.head(mnist.y_test), verbose=0)[1]
        ctx.cache["frechet"] = metrics.feature_extractor(classifier), float(accuracy)
    return ctx.cache["frechet"]


def frechet_quality(ctx, samples) -> dict:
    """Fréchet distance of ``samples`` to the test digits, with the real-digit floor for scale."""
    from deep_unsupervised import metrics

    features, accuracy = frechet_features(ctx)
    mnist, n = ctx.mnist(), ctx.lim(FRECHET["n"])
    reference = mnist.x_test[:n]
    return {"frechet_distance": metrics.frechet_feature_distance(features, reference, samples[:n]),
            "frechet_real_floor": metrics.frechet_feature_distance(features, reference,
                                                                   mnist.x_train[-n:]),
            "feature_classifier_accuracy": accuracy}


# chapters/dcgan.ipynb, "DCGAN" (train_gan): non-saturating loss, latent 32, the first 8,000
# training digits, Adam(beta_1 0.5, beta_2 0.9) with D 2e-4 and G 1e-3, one D step per G step.
DCGAN = dict(n_train=8000, latent_dim=32, loss="non_saturating", d_lr=2e-4, g_lr=1e-3, d_steps=1,
             gp_weight=10.0, epochs=5, batch_size=128, seed=0)

# chapters/dcgan.ipynb, "WGAN-GP": the same networks as a critic with gradient penalty 10,
# two critic steps per generator step, both learning rates 5e-4.
WGAN_GP = dict(DCGAN, loss="wasserstein", d_lr=5e-4, g_lr=5e-4, d_steps=2)


def _gan(s, ctx, label) -> Outcome:
    """The chapter's ``train_gan`` with ``gan.dcgan_generator``/``gan.dcgan_discriminator``."""
    import keras
    from deep_unsupervised import gan

    x_gan = ctx.head(ctx.mnist().x_train, s.n_train)
    keras.utils.set_random_seed(s.seed)
    model = gan.GAN(gan.dcgan_generator(latent_dim=s.latent_dim), gan.dcgan_discriminator(),
                    latent_dim=s.latent_dim, loss=s.loss, d_steps=s.d_steps, gp_weight=s.gp_weight)
    model.compile(keras.optimizers.Adam(s.d_lr, beta_1=0.5, beta_2=0.9),
                  keras.optimizers.Adam(s.g_lr, beta_1=0.5, beta_2=0.9))
    with ctx.training():
        model.fit(x_gan, epochs=s.epochs, batch_size=s.batch_size, verbose=0,
                  callbacks=[ctx.progress(label)])
    samples = model.sample(ctx.lim(FRECHET["n"]), seed=FRECHET["sample_seed"])
    params = model.generator.count_params() + model.discriminator.count_params()
    return Outcome(params=params, quality=frechet_quality(ctx, samples), n_train=len(x_gan),
                   n_test=ctx.lim(FRECHET["n"]))


@entry("dcgan", chapter="dcgan", settings=DCGAN, primary="frechet_distance", direction="lower",
       description="DCGAN on 8,000 digits; Fréchet distance in classifier features")
def dcgan(s, ctx):
    return _gan(s, ctx, "dcgan")


@entry("wgan-gp", chapter="dcgan", settings=WGAN_GP, primary="frechet_distance",
       direction="lower",
       description="WGAN-GP with the DCGAN networks on 8,000 digits; Fréchet distance")
def wgan_gp(s, ctx):
    return _gan(s, ctx, "wgan-gp")


# chapters/dcgan.ipynb, "Measuring sample quality": the VAE the GANs are compared with, conv
# encoder/decoder (V.conv_encoder/V.conv_decoder defaults) with 16 latents, Adam 1e-3, on the
# GANs' 8,000 grey-level digits; samples decode 2,000 prior codes (NumPy seed 1).
CONV_VAE_16 = dict(n_train=8000, latent_dim=16, learning_rate=1e-3, epochs=5, batch_size=128,
                   seed=0)


@entry("conv-vae-16", chapter="dcgan", settings=CONV_VAE_16, primary="frechet_distance",
       direction="lower",
       description="conv VAE (16 latents), the GAN chapter's baseline; Fréchet distance")
def conv_vae_16(s, ctx):
    mnist = ctx.mnist()
    x_gan = ctx.head(mnist.x_train, s.n_train)
    model = train_conv_vae(x_gan, s, ctx, "conv-vae-16")
    n = ctx.lim(FRECHET["n"])
    codes = np.random.default_rng(FRECHET["sample_seed"]).standard_normal((n, s.latent_dim))
    quality = frechet_quality(ctx, model.decoder.predict(codes, verbose=0))
    quality.update(vae_terms(model, ctx.head(mnist.x_test)))
    return Outcome(params=model.count_params(), quality=quality, n_train=len(x_gan), n_test=n)


# chapters/dcgan.ipynb, "Domain transfer": CycleGAN between 3,000 digits (A) and 3,000 other
# digits with thickened strokes (B), unpaired, shuffled (buffer 3,000, seed 0) in batches of 64;
# least-squares GAN losses, cycle weight 10, Adam(1e-3, beta_1 0.5); tested on 1,000 test digits.
CYCLEGAN = dict(n_domain=3000, thicken_size=3, shuffle_seed=0, cycle_weight=10.0,
                learning_rate=1e-3, beta_1=0.5, epochs=6, batch_size=64, n_test=1000, seed=0)


@entry("cyclegan", chapter="dcgan", settings=CYCLEGAN, primary="mse_ab", direction="lower",
       description="CycleGAN between thin and thick strokes; test MSE of the translation")
def cyclegan(s, ctx):
    import keras
    import tensorflow as tf  # the chapter's unpaired input pipeline
    from deep_unsupervised import gan

    mnist, n = ctx.mnist(), ctx.lim(s.n_domain)
    domain_a = mnist.x_train[:n]
    domain_b = gan.thicken_strokes(mnist.x_train[n:2 * n], size=s.thicken_size)
    pairs = tf.data.Dataset.from_tensor_slices((domain_a, domain_b)).shuffle(
        n, seed=s.shuffle_seed).batch(s.batch_size)
    keras.utils.set_random_seed(s.seed)
    model = gan.CycleGAN(gan.translator(), gan.translator(), gan.patch_discriminator(),
                         gan.patch_discriminator(), cycle_weight=s.cycle_weight)
    model.compile(keras.optimizers.Adam(s.learning_rate, beta_1=s.beta_1),
                  keras.optimizers.Adam(s.learning_rate, beta_1=s.beta_1))
    with ctx.training():
        model.fit(pairs, epochs=s.epochs, verbose=0, callbacks=[ctx.progress("cyclegan")])
    test_a = ctx.head(mnist.x_test, s.n_test)
    test_b = gan.thicken_strokes(test_a, size=s.thicken_size)
    a_to_b = model.g_ab.predict(test_a, verbose=0)
    quality = {"mse_ab": np.mean((a_to_b - test_b) ** 2),
               "mse_ba": np.mean((model.g_ba.predict(test_b, verbose=0) - test_a) ** 2),
               "mse_cycle": np.mean((model.g_ba.predict(a_to_b, verbose=0) - test_a) ** 2),
               "mse_do_nothing": np.mean((test_a - test_b) ** 2)}
    params = sum(net.count_params() for net in (model.g_ab, model.g_ba, model.d_a, model.d_b))
    return Outcome(params=params, quality={k: float(v) for k, v in quality.items()},
                   n_train=2 * n, n_test=len(test_a))
