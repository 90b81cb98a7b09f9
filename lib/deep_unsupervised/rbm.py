"""Bernoulli-Bernoulli restricted Boltzmann machine (RBM) trained by contrastive divergence.

Notation follows the lecture's slides: binary visible units ``x`` (the data), binary hidden units
``h`` (the features), weight matrix ``W`` of shape (n_hidden, n_visible), visible bias ``a`` and
hidden bias ``b``, so that

    P(h_j = 1 | x) = sigmoid((W x + b)_j),        P(x_i = 1 | h) = sigmoid((Wᵀ h + a)_i).

The energy is ``E(x, h) = -aᵀx - bᵀh - hᵀW x`` and the free energy (the energy with ``h`` summed
out) is ``F(x) = -aᵀx - Σ_j softplus((W x + b)_j)``, so ``P(x) = exp(-F(x)) / Z``.

Training maximises the log-likelihood with the contrastive-divergence (CD-k) estimate of its
gradient (Hinton, 2002; practical settings from Hinton, 2010). The exact log-likelihood and its
exact gradient are available by enumeration for tiny RBMs, to check CD against.
"""

from __future__ import annotations

import itertools

import keras
import numpy as np
from keras import ops

from . import autodiff
from ._backend.validation import check_array, check_float, check_int, described, invalid

MAX_ENUMERATED_UNITS = 20  # 2**20 states: the most the exact functions will enumerate


def check_visible(x, n_visible: int, name: str = "x", binary: bool = True) -> np.ndarray:
    """Validate a batch of visible vectors; returns it as float32 (N, n_visible).

    Raises ValueError naming ``name`` when the shape is wrong, values are outside [0, 1] or,
    with ``binary``, not exactly 0 or 1.
    """
    x = check_array(name, x, shape=(None, n_visible), low=0, high=1)
    if binary and not np.all((x == 0) | (x == 1)):
        bad = x[(x != 0) & (x != 1)][0]
        raise invalid(name, "binary (0/1) data for a Bernoulli RBM (binarise it, e.g. "
                      "load_mnist(binarize=True))", described(f"e.g. the value {bad:g}"))
    return x


@keras.saving.register_keras_serializable(package="deep_unsupervised")
class RBM(keras.Model):
    """Bernoulli-Bernoulli RBM; ``fit`` runs CD-k with the compiled optimizer (``hinton_sgd()``).

    Args:
        n_visible: number of visible (input) units.
        n_hidden: number of hidden (feature) units.
        k: Gibbs steps in the negative phase of CD-k.
        weight_decay: L2 penalty on W (Hinton, 2010, suggests 1e-4).
        require_binary: reject non-binary data in ``fit``/``evaluate``; a DBN's upper layers may
            be trained on probabilities instead and turn this off.
        seed: seed of the Gibbs sampler and of the initial weights.

    ``fit`` tracks, per epoch, the reconstruction error ``recon`` (mean squared error of one
    up-down pass) and the mean free energy ``free_energy``; with validation data also the
    stochastic pseudo-log-likelihood ``val_pll`` (per example, in nats) and the validation free
    energy, whose gap to the training one grows when the model overfits.

    Example:
        >>> rbm = RBM(n_visible=784, n_hidden=64)                   # doctest: +SKIP
        >>> rbm.compile(optimizer=hinton_sgd())                       # SGD(0.1, momentum=0.5)
        >>> rbm.fit(x_binary, epochs=5, batch_size=128, verbose=0)    # doctest: +SKIP
    """

    def __init__(self, n_visible: int, n_hidden: int, k: int = 1, weight_decay: float = 1e-4,
                 require_binary: bool = True, seed: int | None = None, **kwargs):
        super().__init__(**kwargs)
        self.n_visible = check_int("n_visible", n_visible, low=1)
        self.n_hidden = check_int("n_hidden", n_hidden, low=1)
        self.k = check_int("k", k, low=1)
        self.weight_decay = check_float("weight_decay", weight_decay, low=0)
        self.require_binary = bool(require_binary)
        self.seed = None if seed is None else check_int("seed", seed, low=0)
        init = keras.initializers.RandomNormal(stddev=0.01, seed=seed)
        self.W = self.add_weight(shape=(self.n_hidden, self.n_visible), initializer=init, name="W")
        self.a = self.add_weight(shape=(self.n_visible,), initializer="zeros", name="a")
        self.b = self.add_weight(shape=(self.n_hidden,), initializer="zeros", name="b")
        self.seed_generator = keras.random.SeedGenerator(seed)
        self.recon_tracker = keras.metrics.Mean(name="recon")
        self.free_energy_tracker = keras.metrics.Mean(name="free_energy")
        self.pll_tracker = keras.metrics.Mean(name="pll")
        self.built = True  # the weights exist from the start (saving needs a built model)

    # -- the two conditionals and sampling (tensors in, tensors out) ------------------------------
    def hidden_probabilities(self, x):
        """P(h = 1 | x) = sigmoid(x Wᵀ + b) for a batch of rows x."""
        x = ops.cast(x, "float32")
        return ops.sigmoid(ops.matmul(x, ops.transpose(self.W)) + self.b)

    def visible_probabilities(self, h):
        """P(x = 1 | h) = sigmoid(h W + a) for a batch of rows h."""
        h = ops.cast(h, "float32")
        return ops.sigmoid(ops.matmul(h, self.W) + self.a)

    def sample(self, p):
        """Independent Bernoulli samples with success probabilities p."""
        u = keras.random.uniform(tuple(ops.shape(p)), seed=self.seed_generator)
        return ops.cast(u < p, "float32")

    def free_energy(self, x):
        """F(x) = -aᵀx - Σ_j softplus((W x + b)_j), one value per row."""
        x = ops.cast(x, "float32")
        pre = ops.matmul(x, ops.transpose(self.W)) + self.b
        return -ops.matmul(x, self.a) - ops.sum(ops.softplus(pre), axis=1)

    def call(self, x):
        return self.hidden_probabilities(x)

    # -- contrastive divergence ------------------------------------------------------------------
    def gibbs_step(self, x):
        """One step x -> h -> x' of the Gibbs chain; returns (P(x' = 1 | h), x')."""
        p = self.visible_probabilities(self.sample(self.hidden_probabilities(x)))
        return p, self.sample(p)

    def cd_gradient(self, x, k: int | None = None):
        """CD-k estimate of the gradient of the mean log-likelihood of the rows of x.

        Positive phase: the data with P(h|x). Negative phase: a k-step Gibbs chain
        started at the data, with the hidden probabilities (not samples) of its last
        state (Hinton, 2010, §3). Returns ``(dW, da, db, reconstruction)``, the last
        being P(x|h) after the first up-down pass.
        """
        k = self.k if k is None else check_int("k", k, low=1)
        x = ops.convert_to_tensor(x, "float32")
        ph_data = self.hidden_probabilities(x)                    # positive phase
        reconstruction = self.visible_probabilities(self.sample(ph_data))
        x_model = self.sample(reconstruction)                     # negative phase,
        for _ in range(k - 1):                                    # k Gibbs steps
            x_model = self.gibbs_step(x_model)[1]
        ph_model = self.hidden_probabilities(x_model)
        n = ops.cast(ops.shape(x)[0], "float32")
        positive = ops.matmul(ops.transpose(ph_data), x)
        negative = ops.matmul(ops.transpose(ph_model), x_model)
        dW = (positive - negative) / n
        da = ops.mean(x - x_model, axis=0)
        db = ops.mean(ph_data - ph_model, axis=0)
        return dW, da, db, reconstruction

    def pseudo_log_likelihood(self, x):
        """Stochastic pseudo-log-likelihood per row: n_visible · log sigmoid(F(x̃) - F(x)).

        x̃ is x with one randomly chosen bit flipped per row; averaged over rows and bits this
        estimates Σ_i log P(x_i | x_rest) (Besag's pseudo-likelihood), which needs no Z.
        """
        idx = keras.random.randint((ops.shape(x)[0],), 0, self.n_visible,
                                   seed=self.seed_generator)
        flip = ops.one_hot(idx, self.n_visible)
        x_flipped = ops.abs(x - flip)
        return self.n_visible * ops.log_sigmoid(self.free_energy(x_flipped) - self.free_energy(x))

    # CD-k needs no autodiff: the steps are keras.ops arithmetic and variable updates, written
    # once; ``any_backend`` lets JAX's trainer, which passes variable values in and out, run them.
    @autodiff.any_backend
    def train_step(self, data):
        x, _, _ = keras.utils.unpack_x_y_sample_weight(data)
        dW, da, db, reconstruction = self.cd_gradient(x)
        dW = dW - self.weight_decay * self.W
        # Optimizers minimise, so hand them the negative of the ascent direction.
        self.optimizer.apply_gradients(zip([-dW, -da, -db], [self.W, self.a, self.b]))
        self.recon_tracker.update_state(ops.mean(ops.square(x - reconstruction)))
        self.free_energy_tracker.update_state(ops.mean(self.free_energy(x)))
        return {m.name: m.result() for m in (self.recon_tracker, self.free_energy_tracker)}

    @autodiff.any_backend
    def test_step(self, data):
        x, _, _ = keras.utils.unpack_x_y_sample_weight(data)
        reconstruction = self.gibbs_step(x)[0]
        self.recon_tracker.update_state(ops.mean(ops.square(x - reconstruction)))
        self.free_energy_tracker.update_state(ops.mean(self.free_energy(x)))
        self.pll_tracker.update_state(ops.mean(self.pseudo_log_likelihood(x)))
        return {m.name: m.result() for m in self.metrics}

    @property
    def metrics(self):
        return [self.recon_tracker, self.free_energy_tracker, self.pll_tracker]

    # -- public NumPy-level entry points (validated) ---------------------------------------------
    def fit(self, x=None, y=None, validation_data=None, **kwargs):
        x = check_visible(x, self.n_visible, "x", self.require_binary)
        if validation_data is not None:
            validation_data = check_visible(validation_data, self.n_visible, "validation_data",
                                            self.require_binary)
        return super().fit(x, None, validation_data=validation_data, **kwargs)

    def evaluate(self, x=None, y=None, **kwargs):
        x = check_visible(x, self.n_visible, "x", self.require_binary)
        return super().evaluate(x, None, **kwargs)

    def init_visible_bias(self, x) -> "RBM":
        """Set a_i = log(p_i / (1 - p_i)) from the pixel means p_i (Hinton, 2010, §8); returns self.

        With W ≈ 0 the model then already reproduces each pixel's marginal frequency.
        """
        p = np.clip(check_visible(x, self.n_visible, "x", binary=False).mean(axis=0), 1e-3, 1 - 1e-3)
        self.a.assign(np.log(p / (1 - p)))
        return self

    def transform(self, x, binary: bool = False) -> np.ndarray:
        """Hidden probabilities P(h = 1 | x) of a batch, as a NumPy array."""
        x = check_visible(x, self.n_visible, "x", binary)
        return ops.convert_to_numpy(self.hidden_probabilities(x))

    def reconstruct(self, x) -> np.ndarray:
        """One up-down pass: P(x = 1 | h) with h sampled from P(h | x)."""
        x = check_visible(x, self.n_visible, "x", binary=False)
        return ops.convert_to_numpy(self.gibbs_step(x)[0])

    def gibbs_chain(self, x0, steps: int, record_every: int = 1) -> np.ndarray:
        """Run Gibbs chains x -> h -> x from the rows of x0; returns P(x|h) every few steps.

        Returns an array (n_records, N, n_visible) of the visible *probabilities* at steps
        record_every, 2·record_every, ..., steps (probabilities show the chains less noisily).
        """
        x = ops.convert_to_tensor(check_visible(x0, self.n_visible, "x0", binary=False))
        steps = check_int("steps", steps, low=1)
        record_every = check_int("record_every", record_every, low=1, high=steps)
        records = []
        for step in range(1, steps + 1):
            p, x = self.gibbs_step(x)
            if step % record_every == 0:
                records.append(ops.convert_to_numpy(p))
        return np.stack(records)

    def get_config(self):
        return {**super().get_config(), "n_visible": self.n_visible, "n_hidden": self.n_hidden,
                "k": self.k, "weight_decay": self.weight_decay,
                "require_binary": self.require_binary, "seed": self.seed}

    def numpy_parameters(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(W, a, b) as float64 NumPy arrays."""
        return tuple(np.asarray(ops.convert_to_numpy(v), np.float64) for v in (self.W, self.a, self.b))


def hinton_sgd(learning_rate: float = 0.1, momentum: float = 0.5):
    """SGD with momentum, the RBM settings of Hinton's practical guide (2010, §4 and §9)."""
    return keras.optimizers.SGD(learning_rate=learning_rate, momentum=momentum)


# -- exact quantities by enumeration (tiny RBMs only; NumPy, float64) -------------------------------
def all_binary_states(n: int) -> np.ndarray:
    """All 2**n binary vectors of length n, as rows of a float64 array."""
    n = check_int("n", n, low=0)
    if n > MAX_ENUMERATED_UNITS:
        raise invalid("n", f"n <= {MAX_ENUMERATED_UNITS} units (refusing to enumerate 2**n "
                      "states)", n)
    return np.array(list(itertools.product((0.0, 1.0), repeat=n)))


def _logsumexp(z: np.ndarray) -> float:
    m = z.max()
    return float(m + np.log(np.exp(z - m).sum()))


def _free_energy(W, a, b, x):
    return -x @ a - np.logaddexp(0, x @ W.T + b).sum(axis=1)


def exact_log_partition(rbm: RBM) -> float:
    """log Z, summing over the states of the smaller layer."""
    W, a, b = rbm.numpy_parameters()
    if rbm.n_hidden <= rbm.n_visible:
        h = all_binary_states(rbm.n_hidden)
        return _logsumexp(h @ b + np.logaddexp(0, h @ W + a).sum(axis=1))
    return _logsumexp(-_free_energy(W, a, b, all_binary_states(rbm.n_visible)))


def exact_log_likelihood(rbm: RBM, x) -> float:
    """Mean log P(x) over the rows of x (nats), with Z by enumeration."""
    x = check_visible(x, rbm.n_visible, "x").astype(np.float64)
    W, a, b = rbm.numpy_parameters()
    return float(np.mean(-_free_energy(W, a, b, x)) - exact_log_partition(rbm))


def exact_gradient(rbm: RBM, x):
    """Exact gradient (dW, da, db) of the mean log-likelihood of the rows of x.

    Data term minus model term, the model expectation summed over all 2**n_visible states:
    dW = E_data[P(h|x) xᵀ] - E_model[P(h|x) xᵀ], da = E_data[x] - E_model[x], db likewise for P(h|x).
    """
    x = check_visible(x, rbm.n_visible, "x").astype(np.float64)
    W, a, b = rbm.numpy_parameters()
    states = all_binary_states(rbm.n_visible)
    log_p = -_free_energy(W, a, b, states)
    p = np.exp(log_p - _logsumexp(log_p))
    ph_data, ph_model = 1 / (1 + np.exp(-(x @ W.T + b))), 1 / (1 + np.exp(-(states @ W.T + b)))
    dW = ph_data.T @ x / len(x) - (ph_model * p[:, None]).T @ states
    return dW, x.mean(0) - p @ states, ph_data.mean(0) - p @ ph_model
