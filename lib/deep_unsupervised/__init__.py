"""deep_unsupervised: the code behind the book 'Unsupervised methods: diving deep into autoencoders'.

Modules, one concept each (import them as ``from deep_unsupervised import rbm``):
    data             MNIST from IDX files with checksums; validation splits
    training         setup() for notebooks, ProgressBar callback, Timer
    plotting         book style, image grids, training curves, 2-D scatter plots
    selfcheck        exercise answers checked with helpful messages
    clustering       k-means and cluster purity
    convolution      the lecture's convolution and max-pooling in NumPy, receptive fields
    classifiers      softmax/cross-entropy, the lecture's small networks, MLP and CNN builders
    inspection       kernels, activations, loss-surface slices, per-layer statistics
    rbm, dbn         restricted Boltzmann machines (CD-k), deep belief networks, pre-training
    pca              principal component analysis (enc = W x, dec = Wᵀ z), principal angles
    autoencoders     the lecture's linear, deep and convolutional autoencoders
    manifolds        generated curved data sets (spiral, swiss roll)
    corruption       Gaussian, masking and salt-and-pepper noise; PSNR
    denoising        the lecture's denoising convolutional autoencoder; 2-D vector fields
    segmentation     generated cell scenes, a SegNet-style network, IoU
    latent_gaussian  a linear-Gaussian latent model with exact evidence and posterior
    vae              Sampling, KL, likelihoods, the VAE model (β as a parameter)
    shapes           the lecture's toy shapes data set (β-VAE)
    disentanglement  the mutual information gap (MIG) and factor statistics
    gan              GAN/WGAN-GP models with the lecture's three update steps, DCGAN, CycleGAN
    divergences      KL, JS and Wasserstein on the parallel-lines example; the Gaussian ring
    metrics          an MNIST feature classifier and the Fréchet distance
    results          the benchmark results and notebook timings, as tables and plots
"""

from .training import ProgressBar, Timer, quiet_tensorflow, setup  # noqa: I001  (sets TF env first)
from . import clustering, data, pca, plotting
from .data import load_mnist, train_val_split

__all__ = ["setup", "ProgressBar", "Timer", "quiet_tensorflow", "load_mnist", "train_val_split",
           "clustering", "data", "pca", "plotting"]
__version__ = "0.1.0"
