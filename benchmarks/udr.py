#!/usr/bin/env python
"""Choosing a β-VAE without labels: UDR (Duan et al., 2020) over seeds of the chapter's recipe.

    python benchmarks/udr.py train 0 1 2 3 4        # train seeds (each one resumable, cached)
    python benchmarks/udr.py control                # seed 0's two controls for the annealing
    python benchmarks/udr.py report                 # rank the cached seeds, write udr.json

``train`` runs the recipe ``beta-vae-shapes-annealed`` of chapters/beta_vae.ipynb unchanged
except for its seed, and stores each model's held-out codes (encoder means), KL per element and
scores in ``--cache`` (one ``.npz`` per seed), so that seeds may train in separate processes.
``report`` ranks the models by their UDR, computed from the codes alone, and compares the ranking
with the MIG, which needs the factors: the Spearman correlation of UDR with MIG, the MIG of the
model UDR picks, and how that MIG compares with the MIG of randomly rotated true factors (the
chapter's baseline). For each seed it also records where its two most informative elements (the
positions) point in the x-y plane (``disentanglement.plane_angles``: angle and R²), which shows
how a seed whose positions are not on the axes went wrong. It writes ``benchmarks/udr.json`` with
the machine it ran on (that of the report; each seed's training time is in ``seconds``).

``control`` separates what lowering β does from what the second phase brings anyway. For seed 0 it
trains the first phase as the recipe does, then the second phase's epochs twice more: once keeping
β at its first value (with the recipe's fresh Adam), once lowering β without the fresh Adam (one
``fit``, the optimiser's state kept). ``report`` adds both to the record.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
RECIPE = "beta-vae-shapes-annealed"
CACHE = Path(os.environ.get("UDR_CACHE", Path(tempfile.gettempdir()) / "udr_cache"))


def train(seeds, cache: Path) -> None:
    import numpy as np

    import deep_unsupervised as du
    from deep_unsupervised import beta_vae as B
    from deep_unsupervised.book import recipes

    recipe = recipes.get(RECIPE)
    cache.mkdir(parents=True, exist_ok=True)
    for seed in seeds:
        path = cache / f"seed{seed}.npz"
        if path.exists():
            continue
        du.setup(seed=seed)
        s = dataclasses.replace(recipe.settings(), seed=seed)
        data = recipe.load(s)
        with du.Timer() as t:
            model = recipe.train(s, data, label=f"seed {seed}")
        z, kl = B.codes(model, data.x_test)
        scores = recipe.evaluate(s, model, data)
        np.savez(path, z=z, kl=kl, seconds=t.seconds, scores=json.dumps(scores),
                 settings=json.dumps(dataclasses.asdict(s)))
        print(f"seed {seed}: MIG {scores['mig']:.3f} in {t.seconds:.0f} s", flush=True)


def control(cache: Path, seed: int = 0) -> None:
    """Seed ``seed``'s two controls of the annealed recipe (see the module docstring)."""
    import keras

    import deep_unsupervised as du
    from deep_unsupervised import beta_vae as B
    from deep_unsupervised.book import recipes
    from deep_unsupervised.book.recipes.beta_vae import build_beta_vae

    recipe = recipes.get(RECIPE)
    out = {}
    for key in ("same_beta_fresh_adam", "lower_beta_adam_kept"):
        du.setup(seed=seed)
        s = dataclasses.replace(recipe.settings(), seed=seed)
        data = recipe.load(s)
        if key == "same_beta_fresh_adam":  # the recipe itself, with β never lowered
            model = recipe.train(dataclasses.replace(s, beta_final=s.beta), data, label=key)
        else:                              # β lowered inside one fit: Adam's state kept
            model = build_beta_vae(s)
            model.compile(optimizer=keras.optimizers.Adam(s.learning_rate), steps_per_execution=32)
            schedule = B.BetaSchedule({0: s.beta, s.final_epoch: s.beta_final})
            model.fit(data.x_train, epochs=s.epochs, batch_size=s.batch_size, verbose=0,
                      callbacks=[schedule, du.ProgressBar(key)])
        out[key] = {"seed": seed, **recipe.evaluate(s, model, data)}
        print(key, {k: round(v, 3) for k, v in out[key].items()}, flush=True)
    cache.mkdir(parents=True, exist_ok=True)
    (cache / "control.json").write_text(json.dumps(out, indent=1) + "\n")


def summarize(runs: dict, factors, n_rotations: int = 200) -> dict:
    """UDR ranking of ``{seed: (z, kl, scores)}`` against the MIG; see the module docstring."""
    import numpy as np
    from scipy.stats import spearmanr

    from deep_unsupervised import disentanglement as dis
    from deep_unsupervised import shapes

    seeds = sorted(runs)
    udr, pairs = dis.udr([runs[i][0] for i in seeds], [runs[i][1] for i in seeds])
    # where each seed's two most informative elements (the positions) point in the x-y plane
    xy = [shapes.FACTOR_NAMES.index(name) for name in ("x", "y")]
    angles, r2 = [], []
    for i in seeds:
        top = np.argsort(-runs[i][1])[:2]
        a, q = dis.plane_angles(runs[i][0][:, top], factors, xy)
        angles.append(a.round(1).tolist())
        r2.append(q.round(3).tolist())
    mig = np.array([runs[i][2]["mig"] for i in seeds])
    rotated = dis.rotation_baseline(factors, n_rotations=n_rotations)
    pick = seeds[int(np.argmax(udr))]
    return {"seeds": seeds, "udr": udr.round(4).tolist(), "mig": mig.round(4).tolist(),
            "udr_pairs": pairs.round(4).tolist(),
            "spearman_udr_mig": float(spearmanr(udr, mig).statistic),
            "udr_pick": pick, "mig_udr_pick": float(mig[seeds.index(pick)]),
            "mig_best": float(mig.max()), "mig_median": float(np.median(mig)),
            "mig_rotations_mean": float(rotated.mean()), "mig_rotations_sd": float(rotated.std()),
            "n_rotations": n_rotations,
            "pick_over_rotations": float(mig[seeds.index(pick)] / rotated.mean()),
            "seeds_reaching_3x": int(np.sum(mig >= 3 * rotated.mean())),
            "position_angles": angles, "position_r2": r2,
            "seconds": [runs[i][3] for i in seeds]}


def report(cache: Path, out: Path) -> dict:
    import numpy as np

    from benchmarks.run import machine

    from deep_unsupervised.book import recipes

    runs, settings = {}, None
    for path in sorted(cache.glob("seed*.npz")):
        f = np.load(path)
        seed = int(path.stem[4:])
        runs[seed] = (f["z"], f["kl"], json.loads(str(f["scores"])), float(f["seconds"]))
        settings = json.loads(str(f["settings"]))
    if len(runs) < 2:
        raise SystemExit(f"udr.py report: {len(runs)} cached seeds in {cache}; train some first")
    recipe = recipes.get(RECIPE)
    data = recipe.load(recipe.settings())
    from tools.records import stamp

    controls = cache / "control.json"
    result = {"recipe": RECIPE, "settings": {k: v for k, v in settings.items() if k != "seed"},
              **summarize(runs, data.v_test),
              "control": json.loads(controls.read_text()) if controls.exists() else None,
              "machine": machine(),
              **stamp({"recipe": RECIPE, "scale": "ci"})}
    out.write_text(json.dumps(result, indent=1) + "\n")
    return result


def plot_ranking(record: dict):
    """UDR against MIG, one point per seed (the UDR pick circled), with the rotations' 3× line."""
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(4.8, 3.2), layout="constrained")
    ax.scatter(record["udr"], record["mig"], color="C0")
    for seed, u, m in zip(record["seeds"], record["udr"], record["mig"]):
        ax.annotate(f"seed {seed}", (u, m), textcoords="offset points", xytext=(5, 3), fontsize=9)
    pick = record["seeds"].index(record["udr_pick"])
    ax.scatter(record["udr"][pick], record["mig"][pick], s=160, facecolors="none",
               edgecolors="C3", label="UDR's pick")
    ax.axhline(3 * record["mig_rotations_mean"], color="0.5", ls="--", lw=0.8,
               label="3 × random rotations")
    ax.set(xlabel="UDR (no labels)", ylabel="MIG (needs the factors)",
           title=f"Spearman {record['spearman_udr_mig']:.2f} over {len(record['seeds'])} seeds")
    ax.legend(fontsize=9, loc="lower right")
    return fig


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("command", choices=("train", "control", "report"))
    parser.add_argument("seeds", nargs="*", type=int, default=[0, 1, 2, 3, 4])
    parser.add_argument("--cache", type=Path, default=CACHE)
    parser.add_argument("--json", type=Path, default=HERE / "udr.json")
    args = parser.parse_args(argv)
    if args.command == "train":
        train(args.seeds, args.cache)
    elif args.command == "control":
        control(args.cache)
    else:
        r = report(args.cache, args.json)
        print(json.dumps({k: r[k] for k in ("seeds", "udr", "mig", "spearman_udr_mig",
                                            "udr_pick", "mig_udr_pick", "mig_rotations_mean")}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
