"""The appendix's sweeps: label budgets, toy GANs over seeds, and the β-VAE over seeds, β and steps.

Each function takes records of ``benchmarks/results.json`` (see ``report.load_results``) and
returns a Markdown table or a Matplotlib figure. The quality keys are the sweep entries' own:
``"<representation>@<labels per class>"`` (and ``..._sd``) for ``label-budget``;
``"<metric>_mean"``/``"<metric>_sd"`` and ``"mig_seed<i>"`` for ``beta-vae-shapes-seeds``;
``"b<β>_<metric>_mean"`` for ``beta-vae-beta-sweep``; ``"mig_step<n>"``/``"kl_step<n>"`` for
``beta-vae-mig-vs-steps``; ``"mig_step<n>"``, ``"dci_step<n>"``, ``"kl_step<n>"``, ``drop_step``
and ``recipe_step`` for ``beta-vae-annealed-vs-steps``; ``modes_mean``, ``good_mean`` and their
``_sd`` for the toy GANs.
"""

from __future__ import annotations

import re

import numpy as np

REPRESENTATIONS = {  # label-budget representation -> legend text
    "pixels": "pixels", "pca-32": "PCA (32)", "deep-ae": "deep AE code", "conv-ae": "conv AE code",
    "denoising-ae": "denoising AE code", "vae-16": "VAE mean (16-D)",
    "dcgan": "DCGAN discriminator features",
}


def _by_model(results: list[dict]) -> dict:
    return {r["model"]: r for r in results}


def label_budget(record: dict) -> dict[str, dict[int, tuple[float, float]]]:
    """``{representation: {labels per class: (mean accuracy, sd)}}`` of the label-budget sweep."""
    out: dict = {}
    for key, value in record["quality"].items():
        match = re.fullmatch(r"(.+)@(\d+)", key)
        if match:
            sd = record["quality"].get(f"{key}_sd", 0.0)
            out.setdefault(match[1], {})[int(match[2])] = (value, sd)
    return out


def plot_label_budget(record: dict, width: float = 6.4, height: float = 3.6):
    """Test accuracy of a linear probe against labels per class, mean ± sd over the draws."""
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(width, height))
    markers = "os^vDP"
    for i, (rep, curve) in enumerate(label_budget(record).items()):
        n = np.array(sorted(curve))
        mean, sd = np.array([curve[k] for k in n]).T
        ax.errorbar(n, mean, yerr=sd, marker=markers[i % len(markers)], capsize=3,
                    label=REPRESENTATIONS.get(rep, rep), lw=1.5, ms=5)
    ax.set_xscale("log")
    ax.set_xticks(n, [str(k) for k in n])
    ax.set_xlabel("labelled digits per class (log scale)")
    ax.set_ylabel("test accuracy")
    ax.legend(fontsize=8, loc="lower right")
    ax.grid(alpha=0.3)
    fig.tight_layout()
    return fig


def toy_gan_table(results: list[dict]) -> str:
    """Modes covered and good-sample fraction (mean ± sd over seeds) of every toy GAN."""
    rows = ["| GAN | data | modes covered | good samples |", "| --- | --- | ---: | ---: |"]
    for r in results:
        if not r["model"].startswith("toy-"):
            continue
        q = r["quality"]
        loss, data = r["model"][4:].rsplit("-", 1)
        rows.append(f"| {loss} | {data} | {q['modes_mean']:.1f} ± {q['modes_sd']:.1f} of "
                    f"{q['n_modes']:.0f} | {q['good_mean']:.2f} ± {q['good_sd']:.2f} |")
    return "\n".join(rows)


def beta_vae_seeds_table(record: dict, annealed: dict | None = None) -> str:
    """Per-seed MIG and the mean ± sd of MIG, DCI and reconstruction of the β-VAE recipe, and
    of ``beta-vae-shapes-annealed`` (β lowered once) in a second column when ``annealed`` is
    given; the column titles take β from the records' settings."""
    records = [record] + ([annealed] if annealed is not None else [])
    qs = [r["quality"] for r in records]
    if annealed is None:
        titles = ["mean ± sd over seeds"]
    else:
        first, second = record["settings"], annealed["settings"]
        titles = [f"β = {first['beta']:g} (mean ± sd)",
                  f"β = {second['beta']:g}, then {second['beta_final']:g} (mean ± sd)"]
    head = "| measure | " + " | ".join(titles) + " |"
    rows = [head, "| --- |" + " ---: |" * len(qs)]

    def per_seed(q):
        seeds = sorted(int(k[8:]) for k in q if k.startswith("mig_seed"))
        return ", ".join(f"{q[f'mig_seed{s}']:.3f}" for s in seeds)

    rows.append("| MIG per seed | " + " | ".join(per_seed(q) for q in qs) + " |")
    for metric, label in (("mig", "MIG"), ("dci", "DCI disentanglement"),
                          ("reconstruction", "reconstruction (nats)"), ("kl", "KL (nats)"),
                          ("nmi_scale_best", "scale: best element's normalised MI")):
        if all(f"{metric}_mean" in q for q in qs):
            rows.append(f"| {label} | " + " | ".join(
                f"{q[f'{metric}_mean']:.3f} ± {q[f'{metric}_sd']:.3f}" for q in qs) + " |")
    return "\n".join(rows)


def beta_sweep(record: dict, metric: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """β values and the mean and sd over seeds of ``metric`` at each β, sorted by β."""
    q = record["quality"]
    betas = sorted({float(m[1]) for k in q if (m := re.fullmatch(r"b([\d.]+)_.+", k))})
    mean = np.array([q[f"b{b:g}_{metric}_mean"] for b in betas])
    sd = np.array([q[f"b{b:g}_{metric}_sd"] for b in betas])
    return np.array(betas), mean, sd


def plot_beta_sweep(sweep: dict, steps: dict | None = None, width: float = 6.4,
                    height: float = 2.6):
    """MIG, DCI and reconstruction against β (error bars: sd over seeds); MIG against steps."""
    import matplotlib.pyplot as plt

    panels = [("mig", "MIG"), ("dci", "DCI"), ("reconstruction", "reconstruction (nats)")]
    n = len(panels) + (steps is not None)
    fig, axes = plt.subplots(1, n, figsize=(width, height))
    for ax, (metric, label) in zip(axes, panels):
        betas, mean, sd = beta_sweep(sweep, metric)
        ax.errorbar(betas, mean, yerr=sd, marker="o", capsize=3, ms=4)
        ax.set_xlabel("β")
        ax.set_title(label, fontsize=9)
        ax.grid(alpha=0.3)
    if steps is not None:
        q = steps["quality"]
        n_steps = sorted(int(k[8:]) for k in q if k.startswith("mig_step"))
        axes[-1].plot(n_steps, [q[f"mig_step{s}"] for s in n_steps], marker=".")
        axes[-1].set_xlabel("training steps")
        axes[-1].set_title("MIG while training", fontsize=9)
        axes[-1].grid(alpha=0.3)
        axes[-1].tick_params(axis="x", labelsize=7)
    fig.tight_layout()
    return fig


def per_step(record: dict, metric: str) -> tuple[np.ndarray, np.ndarray]:
    """The training steps at which ``metric`` was measured, sorted, and its values there."""
    q = record["quality"]
    steps = sorted(int(m[1]) for k in q if (m := re.fullmatch(rf"{metric}_step(\d+)", k)))
    if not steps:
        raise KeyError(f"record {record.get('model')!r} has no '{metric}_step<n>' values")
    return np.array(steps), np.array([q[f"{metric}_step{n}"] for n in steps])


def annealed_steps_summary(record: dict, last: int = 16, tolerance: float = 0.03) -> dict:
    """MIG, DCI and KL of the annealed run at the β drop, at the recipe's end and at the end of
    the longer run; the mean, standard deviation, lowest and highest MIG over its ``last``
    measurements (the plateau); the step from which the MIG never falls more than ``tolerance``
    below the plateau's mean, and the epochs from the drop to it and to the recipe's end."""
    q = record["quality"]
    out = {}
    for metric in ("mig", "dci", "kl"):
        steps, values = per_step(record, metric)
        for at, step in (("drop", q["drop_step"]), ("recipe", q["recipe_step"]),
                         ("end", steps[-1])):
            if step not in steps:
                raise KeyError(f"no '{metric}_step{step}' in record {record.get('model')!r}")
            out[f"{metric}_{at}"] = float(values[steps == step][0])
    steps, mig = per_step(record, "mig")
    tail = mig[-last:]
    out.update(plateau_mean=float(tail.mean()), plateau_sd=float(tail.std()),
               plateau_lo=float(tail.min()), plateau_hi=float(tail.max()), plateau_n=len(tail))
    below = np.flatnonzero(mig < tail.mean() - tolerance)
    settled = int(steps[below[-1] + 1]) if below.size else int(steps[0])
    per_epoch = int(steps[0])                      # measured after every epoch
    out.update(settled_step=settled,
               settled_epochs_after_drop=(settled - q["drop_step"]) // per_epoch,
               recipe_epochs_after_drop=(q["recipe_step"] - q["drop_step"]) // per_epoch)
    return out


def plot_annealed_steps(record: dict, width: float = 6.4, height: float = 2.5):
    """MIG and DCI (left) and the code's KL (right) of the annealed β-VAE against training steps,
    with the β drop and the end of the recipe's training marked."""
    import matplotlib.pyplot as plt

    q = record["quality"]
    fig, axes = plt.subplots(1, 2, figsize=(width, height), layout="constrained")
    for metric, label in (("mig", "MIG"), ("dci", "DCI")):
        axes[0].plot(*per_step(record, metric), marker=".", label=label)
    axes[1].plot(*per_step(record, "kl"), marker=".", color="0.3")
    for ax in axes:
        ax.axvline(q["drop_step"], color="0.5", ls="--", lw=1)
        ax.axvline(q["recipe_step"], color="0.5", ls=":", lw=1)
        ax.set_xlabel("training steps")
        ax.grid(alpha=0.3)
        ax.tick_params(axis="x", labelsize=7)
    top = 1.2 * max(per_step(record, m)[1].max() for m in ("mig", "dci"))
    axes[0].set_ylim(0, top)                       # room for the labels above the curves
    axes[0].text(q["drop_step"], top, " β drops", fontsize=7, va="top")
    axes[0].text(q["recipe_step"], top, " recipe ends", fontsize=7, va="top")
    axes[0].set_title("Disentanglement of the held-out code", fontsize=9)
    axes[0].legend(fontsize=8, loc="lower right")
    axes[1].set_title("Information in the code (KL, nats)", fontsize=9)
    return fig


def sweeps(results: list[dict]) -> dict:
    """The sweep records present in ``results``, by role (missing ones are left out)."""
    by = _by_model(results)
    names = {"label_budget": "label-budget", "seeds": "beta-vae-shapes-seeds",
             "beta_sweep": "beta-vae-beta-sweep", "steps": "beta-vae-mig-vs-steps",
             "annealed": "beta-vae-annealed-seeds",
             "annealed_steps": "beta-vae-annealed-vs-steps"}
    return {role: by[name] for role, name in names.items() if name in by}
