"""Denoising autoencoders and segmentation (chapters/denoising_autoencoders.ipynb)."""

from __future__ import annotations

import numpy as np

from .common import Outcome, entry

# chapters/denoising_autoencoders.ipynb, "Denoising convolutional autoencoder": the lecture's DAE
# (Gaussian noise σ = 0.5 as a training-only layer), 12,000 training digits (10 % held out by
# validation_split, as in the chapter), tested on 5,000 test digits with fixed noise σ = 0.5.
DENOISING_AE = dict(n_train=12_000, n_test=5_000, noise_stddev=0.5, test_noise=0.5,
                    test_noise_seed=1, epochs=6, batch_size=128, validation_split=0.1)

# the same network without the noise layer: the chapter's "plain" autoencoder it compares with
PLAIN_CONV_AE = dict(DENOISING_AE, noise_stddev=0.0)


def _denoiser(s, ctx, name) -> Outcome:
    """Train ``denoising.conv_denoising_autoencoder`` and score it on noisy and clean test digits."""
    from deep_unsupervised import corruption, denoising

    mnist = ctx.mnist()
    x_train, x_test = ctx.head(mnist.x_train, s.n_train), ctx.head(mnist.x_test, s.n_test)
    model = denoising.conv_denoising_autoencoder(noise_stddev=s.noise_stddev, name=name)
    with ctx.training():
        model.fit(x_train, x_train, epochs=s.epochs, batch_size=s.batch_size,
                  validation_split=s.validation_split, verbose=0, callbacks=[ctx.progress(name)])
    x_noisy = corruption.gaussian_noise(x_test, s.test_noise, seed=s.test_noise_seed)
    denoised = model.predict(x_noisy, batch_size=500, verbose=0)
    restored = model.predict(x_test, batch_size=500, verbose=0)
    quality = {"psnr": corruption.psnr(x_test, denoised).mean(),
               "mse": np.mean((x_test - denoised) ** 2),
               "psnr_noisy_input": corruption.psnr(x_test, x_noisy).mean(),
               "psnr_clean_input": corruption.psnr(x_test, restored).mean()}
    return Outcome(params=model.count_params(), quality={k: float(v) for k, v in quality.items()},
                   n_train=int(len(x_train) * (1 - s.validation_split)), n_test=len(x_test))


@entry("denoising-ae", chapter="denoising_autoencoders", settings=DENOISING_AE, primary="psnr",
       direction="higher",
       description="denoising conv autoencoder (σ = 0.5); test PSNR on noisy test digits")
def denoising_ae(s, ctx):
    return _denoiser(s, ctx, "denoising")


@entry("plain-conv-ae", chapter="denoising_autoencoders", settings=PLAIN_CONV_AE, primary="psnr",
       direction="higher",
       description="the same network trained without noise; test PSNR on noisy test digits")
def plain_conv_ae(s, ctx):
    return _denoiser(s, ctx, "plain")


# chapters/denoising_autoencoders.ipynb, "The DAE as a vector field": a 2-D DAE (σ = 0.1,
# 128-128 ReLU, Adam 3e-3 with cosine decay over all steps) on 20,000 points of the spiral.
SPIRAL_DAE = dict(n_train=20_000, n_test=1000, noise_stddev=0.1, hidden=(128, 128),
                  learning_rate=3e-3, epochs=40, batch_size=256, n_reference=5000)


@entry("spiral-dae", chapter="denoising_autoencoders", settings=SPIRAL_DAE,
       primary="distance_after", direction="lower",
       description="2-D denoising autoencoder on a spiral; distance to the curve after r(x)")
def spiral_dae(s, ctx):
    from deep_unsupervised import denoising, manifolds

    curve = manifolds.spiral(ctx.lim(s.n_train), noise=0.0, seed=0)[0]
    steps = s.epochs * int(np.ceil(len(curve) / s.batch_size))
    model = denoising.denoising_mlp(noise_stddev=s.noise_stddev, hidden=s.hidden,
                                    learning_rate=s.learning_rate, decay_steps=steps)
    with ctx.training():
        model.fit(curve, curve, epochs=s.epochs, batch_size=s.batch_size, verbose=0,
                  callbacks=[ctx.progress("spiral-dae")])
    on_curve = manifolds.spiral(ctx.lim(s.n_test), noise=0.0, seed=1)[0]
    near = (on_curve + s.noise_stddev * np.random.default_rng(1).standard_normal(on_curve.shape))
    near = near.astype(np.float32)
    r_near = model.predict(near, batch_size=1000, verbose=0)
    before, after = manifolds.distance_to_spiral(near), manifolds.distance_to_spiral(r_near)
    band = (before > s.noise_stddev / 2) & (before < 2 * s.noise_stddev)
    field = r_near - near
    optimal = denoising.optimal_denoiser(near, curve[:s.n_reference], s.noise_stddev) - near
    norms = np.linalg.norm(field, axis=1) * np.linalg.norm(optimal, axis=1)
    cosine = np.sum(field * optimal, axis=1) / norms
    quality = {"distance_after": after.mean(), "distance_before": before.mean(),
               "fraction_closer": np.mean(after < before), "median_cosine": np.median(cosine[band])}
    return Outcome(params=model.count_params(), quality={k: float(v) for k, v in quality.items()},
                   n_train=len(curve), n_test=len(near))


# chapters/denoising_autoencoders.ipynb, "Segmentation": SegNet with stages of 16 and 32 filters
# (Adam 3e-3, binary cross-entropy) on 2,000 generated cell scenes, tested on 500 others.
SEGNET = dict(n_train=2000, n_test=500, filters=(16, 32), learning_rate=3e-3, epochs=12,
              batch_size=64)


@entry("segnet", chapter="denoising_autoencoders", settings=SEGNET, primary="iou",
       direction="higher",
       description="SegNet-style network on generated cell scenes; test IoU")
def segnet(s, ctx):
    from deep_unsupervised import segmentation

    scenes, masks = segmentation.make_scenes(ctx.lim(s.n_train), seed=0)
    test_scenes, test_masks = segmentation.make_scenes(ctx.lim(s.n_test), seed=1)
    model = segmentation.segnet(input_shape=scenes.shape[1:], filters=s.filters,
                                learning_rate=s.learning_rate)
    with ctx.training():
        model.fit(scenes, masks, epochs=s.epochs, batch_size=s.batch_size, verbose=0,
                  validation_data=(test_scenes, test_masks), callbacks=[ctx.progress("segnet")])
    predicted = model.predict(test_scenes, batch_size=250, verbose=0)
    thresholds = np.linspace(0.2, 0.9, 71)  # the chapter's no-learning baseline
    best = thresholds[np.argmax([segmentation.iou(masks, scenes, t) for t in thresholds])]
    per_scene = segmentation.iou(test_masks, predicted, per_image=True)
    quality = {"iou": segmentation.iou(test_masks, predicted),
               "median_iou_per_scene": np.median(per_scene),
               "iou_best_threshold": segmentation.iou(test_masks, test_scenes, best)}
    return Outcome(params=model.count_params(), quality={k: float(v) for k, v in quality.items()},
                   n_train=len(scenes), n_test=len(test_scenes))
