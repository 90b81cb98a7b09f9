"""The sweeps: a recipe trained again with one thing varied (seed, β, training length, rate).

Every sweep runs a recipe of the β-VAE chapter or, for ``dcgan-rates``, the DCGAN recipe,
changing only what its name says; its record's settings are the recipe's plus the sweep's own
(the seeds, the βs), so that a change to either makes the record stale.

* ``beta-vae-shapes-seeds``: the recipe over seeds 0, 1, 2 (mean ± sd of MIG and DCI);
* ``beta-vae-annealed-seeds``: ``beta-vae-shapes-annealed`` (β = 12, then lowered once, with a
  fresh Adam) over seeds 0, 1, 2 (every metric per seed too);
* ``beta-vae-beta-sweep``: β in 0, 1, 4, 8, 12, 16, each over seeds 0, 1, 2;
* ``beta-vae-mig-vs-steps``: held-out MIG and KL of the recipe after every epoch, and of the
  same training with β = 0 (``b0_`` keys); one seed; the measuring time counts as training time;
* ``beta-vae-annealed-vs-steps``: held-out MIG, DCI and KL of ``beta-vae-shapes-annealed`` after
  every epoch, with its second phase (the low β) trained twice as long as the recipe's; seed 0;
* ``dcgan-rates``: the ``dcgan`` recipe (G's rate 5 times D's) and the same with the DCGAN
  paper's equal rates, seeds 0 and 1: Fréchet distance and last-epoch losses of each run.

Quick run: ``python benchmarks/run.py --model beta-vae-beta-sweep --epochs 1 --limit 500``.
"""

from __future__ import annotations

import dataclasses
from typing import Callable

import numpy as np

SEEDS = (0, 1, 2)
BETAS = (0.0, 1.0, 4.0, 8.0, 12.0, 16.0)
RECIPE = "beta-vae-shapes"
ANNEALED = "beta-vae-shapes-annealed"
DCGAN = "dcgan"
RATE_SEEDS = (0, 1)


@dataclasses.dataclass(frozen=True)
class Sweep:
    """A benchmark that trains ``recipe`` several times; listed after the benchmark ``after``."""

    name: str
    recipe: str
    description: str
    primary: str
    direction: str
    run: Callable
    extra: tuple = ()
    after: str = "beta-vae-mnist-codes"

    def entry(self):
        from deep_unsupervised.book import recipes
        from benchmarks.registry import Entry

        chapter = f"chapters/{recipes.get(self.recipe).chapter}.ipynb"
        return Entry(self.name, chapter, self.description, self.recipe, self.primary,
                     self.direction, "book", self.run, self.extra)


def _recipe(name, ctx, s, **changes):
    """Recipe ``name``'s settings at the run's scale, with ``epochs`` from ``s`` and ``changes``."""
    from deep_unsupervised.book import recipes

    return dataclasses.replace(recipes.get(name).settings(ctx.scale), epochs=s.epochs, **changes)


def _train(settings, data, ctx, label, callbacks=()):
    from deep_unsupervised.book.recipes import beta_vae as R

    with ctx.training():
        model = R.train_beta_vae(settings, data, label=label, callbacks=callbacks)
    return model, R.evaluate_beta_vae(settings, model, data)


def _summary(prefix: str, runs: list[dict], per_seed=("mig",)) -> dict:
    """Mean and sd over seeds of every metric, plus the per-seed values of ``per_seed``."""
    out = {}
    for key in runs[0]:
        values = np.array([r[key] for r in runs], dtype=float)
        out[f"{prefix}{key}_mean"] = float(values.mean())
        out[f"{prefix}{key}_sd"] = float(values.std(ddof=1)) if len(values) > 1 else 0.0
    out.update({f"{prefix}{key}_seed{i}": float(r[key])
                for key in per_seed for i, r in enumerate(runs)})
    return out


def _outcome(model, data, quality, epochs=None):
    from benchmarks.registry import Outcome

    return Outcome(params=model.count_params(), quality=quality, n_train=len(data.x_train),
                   n_test=len(data.x_test), epochs=epochs)


def over_seeds(name: str, per_seed_all: bool):
    def run(s, ctx):
        from deep_unsupervised.book.recipes import beta_vae as R

        data, runs, model = None, [], None
        for seed in SEEDS:
            settings = _recipe(name, ctx, s, seed=seed)
            data = data or R.load_shapes(settings, limit=ctx.limit)
            model, quality = _train(settings, data, ctx, f"{name}, seed {seed}")
            runs.append(quality)
        return _outcome(model, data, _summary("", runs, per_seed=runs[0] if per_seed_all
                                              else ("mig",)))
    return run


def beta_sweep(s, ctx):
    from deep_unsupervised.book.recipes import beta_vae as R

    data, quality, model = None, {}, None
    for beta in BETAS:
        runs = []
        for seed in SEEDS:
            settings = _recipe(RECIPE, ctx, s, beta=beta, seed=seed)
            data = data or R.load_shapes(settings, limit=ctx.limit)
            model, q = _train(settings, data, ctx, f"β = {beta:g}, seed {seed}")
            runs.append(q)
        quality.update(_summary(f"b{beta:g}_", runs))
    return _outcome(model, data, quality)


def mig_vs_steps(s, ctx):
    from deep_unsupervised import beta_vae as B
    from deep_unsupervised.book.recipes import beta_vae as R

    settings = _recipe(RECIPE, ctx, s)
    data = R.load_shapes(settings, limit=ctx.limit)
    scores = B.CodeScores(data.x_test, data.v_test)
    model, quality = _train(settings, data, ctx, "MIG vs steps", callbacks=[scores])
    for step, mig, kl in zip(scores.steps, scores.mig, scores.kl):
        quality.update({f"mig_step{step}": mig, f"kl_step{step}": kl})
    scores = B.CodeScores(data.x_test, data.v_test)  # β = 0 as long: the baseline's length
    _train(_recipe(RECIPE, ctx, s, beta=0.0), data, ctx, "MIG vs steps, β = 0", callbacks=[scores])
    for step, mig, kl in zip(scores.steps, scores.mig, scores.kl):
        quality.update({f"b0_mig_step{step}": mig, f"b0_kl_step{step}": kl})
    return _outcome(model, data, quality)


def _longer(s):
    """``s`` with its second phase (from ``s.final_epoch`` on) twice as long."""
    if s.epochs <= s.final_epoch:                   # a quick run that never reaches the drop
        return s
    return dataclasses.replace(s, epochs=s.final_epoch + 2 * (s.epochs - s.final_epoch))


def annealed_vs_steps(s, ctx):
    from deep_unsupervised import beta_vae as B
    from deep_unsupervised import disentanglement as dis
    from deep_unsupervised.book.recipes import beta_vae as R

    recipe_length = _recipe(ANNEALED, ctx, s)
    settings = _longer(recipe_length)
    data = R.load_shapes(settings, limit=ctx.limit)

    class Scores(B.CodeScores):
        """The held-out MIG and KL of ``CodeScores``, and DCI disentanglement, every epoch."""

        def __init__(self, x, factors):
            super().__init__(x, factors)
            self.dci = []

        def on_epoch_end(self, epoch, logs=None):
            super().on_epoch_end(epoch, logs)
            self.dci.append(dis.dci_disentanglement(B.codes(self.model, self.x)[0], self.factors))

    scores = Scores(data.x_test, data.v_test)
    with ctx.training():
        model = R.train_beta_vae(settings, data, callbacks=[scores], label="annealed, longer")
    quality = R.evaluate_beta_vae(settings, model, data)
    per_epoch = scores.steps[0]
    quality.update(drop_step=settings.final_epoch * per_epoch,
                   recipe_step=recipe_length.epochs * per_epoch)
    for step, mig, dci, kl in zip(scores.steps, scores.mig, scores.dci, scores.kl):
        quality.update({f"mig_step{step}": mig, f"dci_step{step}": dci, f"kl_step{step}": kl})
    return _outcome(model, data, quality, epochs=settings.epochs)


def dcgan_rates(s, ctx):
    """The DCGAN recipe, and the same with the DCGAN paper's equal learning rates (G's rate set
    to D's), over ``RATE_SEEDS``: the Fréchet distance and the last epoch's losses of each run,
    all scored by one feature classifier."""
    from deep_unsupervised.book import recipes
    from deep_unsupervised.book.recipes import dcgan as R

    recipe, data, scorer, quality, model = recipes.get(DCGAN), None, None, {}, None
    for name, equal in (("book", False), ("equal", True)):
        runs = []
        for seed in RATE_SEEDS:
            settings = _recipe(DCGAN, ctx, s, seed=seed)
            settings = dataclasses.replace(settings, g_lr=settings.d_lr) if equal else settings
            data = data or recipe.load(settings, limit=ctx.limit)
            scorer = scorer or R.train_feature_classifier(data)
            with ctx.training():
                model = recipe.train(settings, data, label=f"DCGAN, {name} rates, seed {seed}")
            losses = {key: float(model.history.history[key][-1])
                      for key in ("d_real", "d_fake", "g_loss")}
            frechet = R.evaluate_gan(settings, model, data, scorer=scorer)["frechet_distance"]
            runs.append({"frechet_distance": frechet, **losses})
        quality.update(_summary(f"{name}_", runs, per_seed=runs[0]))
    return _outcome(model, data, quality)


SWEEPS = (
    Sweep("beta-vae-shapes-seeds", RECIPE,
          "the β-VAE recipe over 3 seeds: held-out MIG and DCI, mean ± sd",
          "mig_mean", "higher", over_seeds(RECIPE, per_seed_all=False), (("seeds", SEEDS),)),
    Sweep("beta-vae-annealed-seeds", ANNEALED,
          "β lowered once (beta-vae-shapes-annealed) over 3 seeds: MIG and DCI, mean ± sd",
          "mig_mean", "higher", over_seeds(ANNEALED, per_seed_all=True), (("seeds", SEEDS),)),
    Sweep("beta-vae-beta-sweep", RECIPE,
          "β sweep of the recipe, 3 seeds each: MIG, DCI, reconstruction vs β",
          "b12_mig_mean", "higher", beta_sweep, (("seeds", SEEDS), ("betas", BETAS))),
    Sweep("beta-vae-mig-vs-steps", RECIPE,
          "the β-VAE recipe, and β = 0: held-out MIG and KL after every epoch",
          "mig", "higher", mig_vs_steps),
    Sweep("beta-vae-annealed-vs-steps", ANNEALED,
          "β lowered once, the second phase twice the recipe's: held-out MIG, DCI and KL after "
          "every epoch", "mig", "higher", annealed_vs_steps),
    Sweep("dcgan-rates", DCGAN,
          "the DCGAN recipe, and with the paper's equal rates, 2 seeds: Fréchet distance, losses",
          "equal_frechet_distance_mean", "lower", dcgan_rates, (("seeds", RATE_SEEDS),),
          after=DCGAN),
)
