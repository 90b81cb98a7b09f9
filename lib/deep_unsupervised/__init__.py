"""deep_unsupervised: the code behind the book 'Unsupervised methods: diving deep into autoencoders'.

Modules, one concept each:
    data        MNIST from IDX files with checksums; validation splits
    training    setup() for notebooks, ProgressBar callback, Timer
    plotting    book style, image grids, training curves, 2-D scatter plots
    pca         principal component analysis (enc = W x, dec = Wᵀ z)
    clustering  k-means and cluster purity
"""

from .training import ProgressBar, Timer, quiet_tensorflow, setup  # noqa: I001  (sets TF env first)
from . import clustering, data, pca, plotting
from .data import load_mnist, train_val_split

__all__ = ["setup", "ProgressBar", "Timer", "quiet_tensorflow", "load_mnist", "train_val_split",
           "clustering", "data", "pca", "plotting"]
__version__ = "0.1.0"
