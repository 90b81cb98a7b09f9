"""β-VAEs on the toy shapes (chapters/beta_vae.ipynb): the recipe, its seeds, β and training steps.

Settings, training and evaluation come from the recipes ``beta-vae-shapes`` and
``beta-vae-shapes-beta0`` of ``deep_unsupervised.recipes.beta_vae`` (the chapter runs the same).
The sweeps vary only the seed, β or the training length of the recipe's settings:

* ``beta-vae-shapes-seeds``: the recipe over seeds 0, 1, 2 (mean ± sd of MIG and DCI);
* ``beta-vae-beta-sweep``: β in 0, 1, 4, 8, 12, 16, each over seeds 0, 1, 2;
* ``beta-vae-mig-vs-steps``: held-out MIG and KL of the recipe after every epoch, and of the
  same training with β = 0 (``b0_`` keys; why the baseline recipe trains only 4 epochs at 'ci');
  one seed; the measuring time counts as training time;
* ``beta-vae-annealed-seeds``: ``beta-vae-shapes-annealed`` (β = 12, then 2 with a fresh Adam)
  over seeds 0, 1, 2 (every metric per seed too);
* ``beta-vae-annealed-vs-steps``: held-out MIG, DCI and KL of ``beta-vae-shapes-annealed`` after
  every epoch, with its second phase (the low β) trained twice as long as the recipe's, so that
  the record shows whether the recipe's length has converged; seed 0.

Quick run: ``python benchmarks/run.py --model beta-vae-beta-sweep --epochs 1 --limit 500``.
"""

from __future__ import annotations

import dataclasses

import numpy as np

from .common import REGISTRY, Outcome, entry, recipe_entry

SEEDS = (0, 1, 2)
BETAS = (0.0, 1.0, 4.0, 8.0, 12.0, 16.0)
RECIPE = "beta-vae-shapes"
ANNEALED = "beta-vae-shapes-annealed"

recipe_entry(RECIPE, primary="mig", direction="higher")
recipe_entry("beta-vae-shapes-beta0", primary="mig", direction="higher")
recipe_entry("beta-vae-mnist-codes", primary="accuracy_b4", direction="higher",
             params=lambda models: sum(m.count_params() for m in models.values()))


def _settings(s, ctx, **changes):
    """The recipe's settings at the run's scale, with ``epochs`` from ``s`` and ``changes``."""
    from deep_unsupervised import recipes

    chosen = recipes.get(RECIPE).settings(ctx.scale)
    return dataclasses.replace(chosen, epochs=s.epochs, **changes)


def _run(settings, data, ctx, label, callbacks=()):
    from deep_unsupervised.recipes import beta_vae as R

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


def _annealed(scale):
    from deep_unsupervised import recipes

    return recipes.get(ANNEALED).settings(scale)


def _settings_dict():
    from deep_unsupervised import recipes

    return {**dataclasses.asdict(recipes.get(RECIPE).settings("ci")), "seeds": SEEDS}


@entry("beta-vae-shapes-seeds", chapter="beta_vae", settings=_settings_dict(),
       primary="mig_mean", direction="higher",
       description="the β-VAE recipe over 3 seeds: held-out MIG and DCI, mean ± sd")
def seeds(s, ctx):
    from deep_unsupervised.recipes import beta_vae as R

    data, runs, model = None, [], None
    for seed in SEEDS:
        settings = _settings(s, ctx, seed=seed)
        data = data or R.load_shapes(settings, limit=ctx.limit)
        model, quality = _run(settings, data, ctx, f"seed {seed}")
        runs.append(quality)
    return Outcome(params=model.count_params(), quality=_summary("", runs),
                   n_train=len(data.x_train), n_test=len(data.x_test))


@entry("beta-vae-annealed-seeds", chapter="beta_vae",
       settings={**dataclasses.asdict(_annealed("ci")), "seeds": SEEDS},
       primary="mig_mean", direction="higher",
       description="β 12 then 2 (beta-vae-shapes-annealed) over 3 seeds: MIG and DCI, mean ± sd")
def annealed_seeds(s, ctx):
    from deep_unsupervised.recipes import beta_vae as R

    data, runs, model = None, [], None
    for seed in SEEDS:
        settings = dataclasses.replace(_annealed(ctx.scale), epochs=s.epochs, seed=seed)
        data = data or R.load_shapes(settings, limit=ctx.limit)
        with ctx.training():
            model = R.train_beta_vae(settings, data, label=f"annealed, seed {seed}")
        runs.append(R.evaluate_beta_vae(settings, model, data))
    return Outcome(params=model.count_params(), quality=_summary("", runs, per_seed=runs[0]),
                   n_train=len(data.x_train), n_test=len(data.x_test))


@entry("beta-vae-beta-sweep", chapter="beta_vae", settings={**_settings_dict(), "betas": BETAS},
       primary="b12_mig_mean", direction="higher",
       description="β sweep of the recipe, 3 seeds each: MIG, DCI, reconstruction vs β")
def beta_sweep(s, ctx):
    from deep_unsupervised.recipes import beta_vae as R

    data, quality, model = None, {}, None
    for beta in BETAS:
        runs = []
        for seed in SEEDS:
            settings = _settings(s, ctx, beta=beta, seed=seed)
            data = data or R.load_shapes(settings, limit=ctx.limit)
            model, q = _run(settings, data, ctx, f"β = {beta:g}, seed {seed}")
            runs.append(q)
        quality.update(_summary(f"b{beta:g}_", runs))
    return Outcome(params=model.count_params(), quality=quality,
                   n_train=len(data.x_train), n_test=len(data.x_test))


@entry("beta-vae-mig-vs-steps", chapter="beta_vae", settings=_settings_dict(),
       primary="mig", direction="higher",
       description="the β-VAE recipe, and β = 0: held-out MIG and KL after every epoch")
def mig_vs_steps(s, ctx):
    from deep_unsupervised import beta_vae as B
    from deep_unsupervised.recipes import beta_vae as R

    settings = _settings(s, ctx)
    data = R.load_shapes(settings, limit=ctx.limit)
    scores = B.CodeScores(data.x_test, data.v_test)
    model, quality = _run(settings, data, ctx, "MIG vs steps", callbacks=[scores])
    for step, mig, kl in zip(scores.steps, scores.mig, scores.kl):
        quality.update({f"mig_step{step}": mig, f"kl_step{step}": kl})
    scores = B.CodeScores(data.x_test, data.v_test)  # β = 0 as long: the baseline's length
    _run(_settings(s, ctx, beta=0.0), data, ctx, "MIG vs steps, β = 0", callbacks=[scores])
    for step, mig, kl in zip(scores.steps, scores.mig, scores.kl):
        quality.update({f"b0_mig_step{step}": mig, f"b0_kl_step{step}": kl})
    return Outcome(params=model.count_params(), quality=quality,
                   n_train=len(data.x_train), n_test=len(data.x_test))


def _longer(s):
    """``s`` with its second phase (from ``s.final_epoch`` on) twice as long."""
    if s.epochs <= s.final_epoch:                   # a quick run that never reaches the drop
        return s
    return dataclasses.replace(s, epochs=s.final_epoch + 2 * (s.epochs - s.final_epoch))


@entry("beta-vae-annealed-vs-steps", chapter="beta_vae",
       settings=dataclasses.asdict(_annealed("ci")), primary="mig", direction="higher",
       description="β 12 then 2, the second phase twice the recipe's: held-out MIG, DCI and KL "
                   "after every epoch")
def annealed_vs_steps(s, ctx):
    from deep_unsupervised import beta_vae as B
    from deep_unsupervised import disentanglement as dis
    from deep_unsupervised.recipes import beta_vae as R

    recipe_length = dataclasses.replace(_annealed(ctx.scale), epochs=s.epochs)
    settings = _longer(recipe_length)
    data = R.load_shapes(settings, limit=ctx.limit)

    class Scores(B.CodeScores):
        """The held-out MIG and KL of ``CodeScores``, and DCI disentanglement, every epoch."""

        def __init__(self, x, factors):
            super().__init__(x, factors)
            self.dci = []

        def on_epoch_end(self, epoch, logs=None):
            super().on_epoch_end(epoch, logs)
            z = B.codes(self.model, self.x)[0]
            self.dci.append(dis.dci_disentanglement(z, self.factors))

    scores = Scores(data.x_test, data.v_test)
    with ctx.training():
        model = R.train_beta_vae(settings, data, callbacks=[scores], label="annealed, longer")
    quality = R.evaluate_beta_vae(settings, model, data)
    per_epoch = scores.steps[0]
    quality.update(drop_step=settings.final_epoch * per_epoch,
                   recipe_step=recipe_length.epochs * per_epoch)
    for step, mig, dci, kl in zip(scores.steps, scores.mig, scores.dci, scores.kl):
        quality.update({f"mig_step{step}": mig, f"dci_step{step}": dci, f"kl_step{step}": kl})
    return Outcome(params=model.count_params(), quality=quality, epochs=settings.epochs,
                   n_train=len(data.x_train), n_test=len(data.x_test))


for _name in ("beta-vae-shapes-seeds", "beta-vae-beta-sweep", "beta-vae-mig-vs-steps"):
    # each sweep runs the recipe, varying only seed, β or length: its settings are the recipe's
    REGISTRY[_name] = dataclasses.replace(REGISTRY[_name], recipe=RECIPE)
for _name in ("beta-vae-annealed-seeds", "beta-vae-annealed-vs-steps"):
    REGISTRY[_name] = dataclasses.replace(REGISTRY[_name], recipe=ANNEALED)
