"""deep_unsupervised: the code behind the book 'Unsupervised methods: diving deep into autoencoders'.

The package has three layers.

Models and maths, at the top level (import them as ``from deep_unsupervised import rbm``):
    data             MNIST from IDX files with checksums; validation splits
    clustering       k-means and cluster purity
    convolution      the lecture's convolution and max-pooling in NumPy, receptive fields
    conv_arithmetic  output sizes of convolutions and transposed convolutions (padding, stride)
    classifiers      softmax/cross-entropy, the lecture's small networks, MLP and CNN builders
    inspection       kernels, activations, loss-surface slices, per-layer statistics
    signal_propagation  forward and backward gains of deep networks at initialisation
    autodiff         gradients and hand-written training steps on either Keras backend
    rbm, dbn         restricted Boltzmann machines (CD-k), deep belief networks, pre-training
    rbm_monitoring   bars and stripes, CD gradient cosines, the free-energy gap callback
    pca              principal component analysis (enc = W x, dec = Wᵀ z), principal angles
    autoencoders     the lecture's linear, deep and convolutional autoencoders
    probing          linear probes on frozen representations at small label budgets
    interpolation    straight paths between codes and their distance to the training data
    manifolds        generated curved data sets (spiral, swiss roll)
    corruption       Gaussian, masking and salt-and-pepper noise; PSNR
    denoising        the lecture's denoising convolutional autoencoder; 2-D vector fields
    segmentation     generated cell scenes, a SegNet-style network, IoU
    latent_gaussian  a linear-Gaussian latent model with exact evidence and posterior
    vae              Sampling, KL, likelihoods, the VAE model (β as a parameter)
    vae_diagnostics  gradient estimators, per-digit posterior fits, active code elements
    shapes           the lecture's toy shapes data set (β-VAE)
    beta_vae         the β-VAE's convolutional networks and β annealing
    disentanglement  MIG, DCI and UDR (label-free model ranking); factor statistics
    gan              GAN/WGAN-GP models with the lecture's three update steps, DCGAN builders
    cyclegan         CycleGAN: translators, patch discriminator, cycle-consistency training
    divergences      KL, JS and Wasserstein on the parallel-lines example; the Gaussian ring
    metrics          nearest neighbours, an MNIST feature classifier and the Fréchet distance

Book production, in ``deep_unsupervised.book`` (``from deep_unsupervised.book import recipes``):
    recipes          one recipe per experiment: settings (ci and full scale) and training
    plotting         book style, image grids, training curves, 2-D scatter plots
    diagrams         the book's schematic figures of every model, drawn with Matplotlib
    explorer         kernel-free latent-space explorers (HTML + JavaScript, static fallback)
    selfcheck        exercise answers checked with helpful messages

Private infrastructure, in ``deep_unsupervised._backend``, used through the names this package
exports (``du.setup``, ``du.ProgressBar``, ...) rather than imported directly:
    runtime          setup() for notebooks and configure_environment() for scripts; Timer
    validation       the one argument check, with Keras's message format
    training         the book's optimiser (Adam, cosine decay), the ProgressBar callback, fit(),
                     checkpoints that let a cut-off run resume (BOOK_CHECKPOINT_DIR)

Importing the package is cheap and changes nothing global: the NumPy-only modules load without
Keras, and every submodule is imported on first use (``du.vae``), so ``import deep_unsupervised``
does not start TensorFlow. Call :func:`setup` first in a notebook; it sets the environment, seeds
and plot style.
"""

from __future__ import annotations

import importlib
import pkgutil

from .data import load_mnist, train_val_split
from ._backend.runtime import Timer, configure_environment, setup

# Every public module and subpackage, found on disk (so a new module needs no registration here);
# ``_backend`` is private.
SUBMODULES = tuple(sorted(info.name for info in pkgutil.iter_modules(__path__)
                          if not info.name.startswith("_")))
# The training helpers a chapter or recipe calls (``du.fit``), from the private training module.
_FROM_TRAINING = ("ProgressBar", "fit", "make_optimizer", "backup", "steps_per_epoch",
                  "STEPS_PER_EXECUTION")

__all__ = ["setup", "configure_environment", "Timer", "load_mnist", "train_val_split",
           *_FROM_TRAINING, *SUBMODULES]
__version__ = "0.2.0"


def __getattr__(name: str):
    """Import submodules (``du.vae``) and the Keras-based helpers (``du.fit``) on first use."""
    if name in SUBMODULES:
        return importlib.import_module(f".{name}", __name__)
    if name in _FROM_TRAINING:
        return getattr(importlib.import_module("._backend.training", __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__():
    return sorted(set(globals()) | set(__all__))
