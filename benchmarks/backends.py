#!/usr/bin/env python
"""Seconds per epoch of every book model on the TensorFlow and the JAX backend, on this machine.

    python benchmarks/backends.py                         # every book model, 2 epochs each
    python benchmarks/backends.py --model vae-2 --limit 2000
    python benchmarks/backends.py --json benchmarks/backends.json

Each (model, backend) pair trains in a fresh subprocess with ``KERAS_BACKEND`` set, built and
trained by ``benchmarks/run.py``'s entries at the ``ci`` preset, for ``--epochs`` epochs (default
2; a DBN's pre-training too). The TensorFlow and the JAX run of a model go at the same time, so
both meet the same machine load (and the whole run takes half as long). Every ``fit`` is timed
epoch by epoch: the first epoch of a fit includes tracing and compiling the step, the later ones
do not. Per model and backend we report

* ``steady_seconds_per_epoch``: one epoch of everything the entry trains (all its fits, e.g. a
  DBN's layers and classifier), from the median of each fit's epochs after the first;
* ``compile_seconds``: what the first epochs took beyond that (tracing and XLA compilation);
* the entry's primary metric (at ``--limit`` examples the metric is not the chapter's).

The JSON file holds ``{"machine", "settings", "results": [{"model", "tensorflow", "jax",
"ratio"}]}`` with ``ratio`` = TensorFlow / JAX steady time (above 1: JAX is faster).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
BACKENDS = ("tensorflow", "jax")


def book_models() -> list[str]:
    """The benchmark entries of kind "book" that train for epochs (not PCA or k-means), except
    the sweeps, which repeat a model timed under its own name."""
    from benchmarks import sweeps
    from benchmarks.registry import build

    repeats = {sweep.name for sweep in sweeps.SWEEPS}
    return [name for name, e in build().items()
            if e.kind == "book" and e.settings_at("ci").get("epochs") and name not in repeats]


# -- the child: one model on one backend ----------------------------------------------------------
def _time_every_fit(log: list) -> None:
    """Patch ``keras.Model.fit`` so that every fit appends its epochs' wall times to ``log``."""
    import keras

    class EpochTimer(keras.callbacks.Callback):
        def __init__(self):
            super().__init__()
            self.seconds = []
            log.append(self.seconds)

        def on_epoch_begin(self, epoch, logs=None):
            self.start = time.perf_counter()

        def on_epoch_end(self, epoch, logs=None):
            self.seconds.append(time.perf_counter() - self.start)

    fit = keras.Model.fit

    def timed_fit(self, *args, callbacks=None, **kwargs):
        return fit(self, *args, callbacks=[*(callbacks or []), EpochTimer()], **kwargs)

    keras.Model.fit = timed_fit


def child(name: str, epochs: int, limit: int | None) -> dict:
    from benchmarks import run  # benchmarks/run.py

    import deep_unsupervised as du

    du.configure_environment()
    import keras

    log: list[list[float]] = []
    _time_every_fit(log)
    result = run.run_model(name, epochs, run.Context(limit=limit, scale="ci"))
    fits = [s for s in log if s]
    steady = [statistics.median(s[1:]) if len(s) > 1 else s[0] for s in fits]
    compile_ = [max(0.0, s[0] - t) for s, t in zip(fits, steady)]
    return {"backend": keras.backend.backend(), "fits": len(fits),
            "steady_seconds_per_epoch": round(sum(steady), 3),
            "compile_seconds": round(sum(compile_), 2),
            "train_seconds": result["train_seconds"], "primary": result["primary"],
            "metric": result["quality"].get(result["primary"])}


# -- the parent: every model, both backends side by side ------------------------------------
def _records():
    """tools/records.py: the stamp every record carries (what it measured, and its hash)."""
    from tools import records

    return records


def measure(name: str, epochs: int, limit: int | None) -> dict:
    """Train ``name`` on both backends at once, in two fresh subprocesses; both see one load."""
    cmd = [sys.executable, str(Path(__file__).resolve()), "--child", name, "--epochs", str(epochs)]
    if limit:
        cmd += ["--limit", str(limit)]
    children = {b: subprocess.Popen(cmd, env={**os.environ, "KERAS_BACKEND": b}, text=True,
                                    stdout=subprocess.PIPE, stderr=subprocess.PIPE)
                for b in BACKENDS}
    out = {"model": name, **_records().stamp({"recipe": name, "scale": "ci"})}
    for backend, child in children.items():
        stdout, stderr = child.communicate()
        lines = [ln for ln in stdout.splitlines() if ln.startswith("{")]
        if child.returncode != 0 or not lines:
            tail = " | ".join(stderr.strip().splitlines()[-3:]) or f"exit {child.returncode}"
            out[backend] = {"backend": backend, "error": tail}
        else:
            out[backend] = json.loads(lines[-1])
    tf_s = out["tensorflow"].get("steady_seconds_per_epoch")
    jax_s = out["jax"].get("steady_seconds_per_epoch")
    out["ratio"] = round(tf_s / jax_s, 3) if tf_s and jax_s else None
    return out


def table(results: list[dict]) -> str:
    rows = [f"{'model':<26} {'TF s/ep':>8} {'JAX s/ep':>8} {'TF/JAX':>7} "
            f"{'TF compile':>10} {'JAX compile':>11}  metric (TF / JAX)"]
    for r in results:
        tf, jx = r["tensorflow"], r["jax"]
        if "error" in tf or "error" in jx:
            rows.append(f"{r['model']:<26} failed: {tf.get('error') or jx.get('error')}")
            continue
        metric = f"{tf['primary']}: {_fmt(tf['metric'])} / {_fmt(jx['metric'])}"
        rows.append(f"{r['model']:<26} {tf['steady_seconds_per_epoch']:8.2f} "
                    f"{jx['steady_seconds_per_epoch']:8.2f} {_fmt(r['ratio']):>7} "
                    f"{tf['compile_seconds']:10.1f} {jx['compile_seconds']:11.1f}  {metric}")
    return "\n".join(rows)


def summary(path: Path) -> dict:
    """The measurements of ``path`` (``backends.json``) summed up for the appendix's prose.

    Returns:
        ``{"n": models measured on both backends, "jax_faster": how many ran faster on JAX,
        "median_ratio": median TF/JAX steady time per epoch, "min_ratio", "max_ratio",
        "epoch_seconds_<backend>": one steady epoch of every model, summed,
        "compile_seconds_<backend>": the first epochs' extra time, summed}``.
    """
    done = [r for r in json.loads(Path(path).read_text())["results"] if r.get("ratio") is not None]
    ratios = sorted(r["ratio"] for r in done)
    mid = len(ratios) // 2
    median = ratios[mid] if len(ratios) % 2 else (ratios[mid - 1] + ratios[mid]) / 2
    total = {b: sum(r[b]["steady_seconds_per_epoch"] for r in done) for b in BACKENDS}
    compile_ = {b: sum(r[b]["compile_seconds"] for r in done) for b in BACKENDS}
    return {"n": len(ratios), "jax_faster": sum(r > 1 for r in ratios),
            "median_ratio": median, "min_ratio": ratios[0], "max_ratio": ratios[-1],
            "epoch_seconds_tensorflow": total["tensorflow"], "epoch_seconds_jax": total["jax"],
            "compile_seconds_tensorflow": compile_["tensorflow"],
            "compile_seconds_jax": compile_["jax"]}


def markdown_table(path: Path) -> str:
    """``backends.json`` as a Markdown table: per model (‡: marked stale), each backend's steady
    seconds per epoch and first-epoch compile time, and the TF/JAX ratio (> 1: JAX faster)."""
    rows = ["| model | TensorFlow s/epoch | JAX s/epoch | TF/JAX | compile TF / JAX (s) |",
            "| --- | ---: | ---: | ---: | ---: |"]
    from benchmarks.report import display_name

    for r in json.loads(Path(path).read_text())["results"]:
        tf, jx = r["tensorflow"], r["jax"]
        name = display_name(r["model"]) + (" ‡" if r.get("stale") else "")
        if "error" in tf or "error" in jx:
            rows.append(f"| {name} | failed | failed | - | - |")
            continue
        rows.append(f"| {name} | {tf['steady_seconds_per_epoch']:.2f} | "
                    f"{jx['steady_seconds_per_epoch']:.2f} | {_fmt(r['ratio'])} | "
                    f"{tf['compile_seconds']:.1f} / {jx['compile_seconds']:.1f} |")
    return "\n".join(rows)


def _fmt(value):
    return "-" if value is None else f"{value:.3g}"


def write(path: Path, args, results: list[dict], start: float) -> None:
    machine = {"cpu_count": os.cpu_count(),
               "load_average": [round(v, 2) for v in os.getloadavg()],
               "wall_seconds": round(time.perf_counter() - start),
               "date": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())}
    settings = {"epochs": args.epochs, "limit": args.limit, "scale": "ci"}
    path.write_text(json.dumps({"machine": machine, "settings": settings,
                                "results": results}, indent=1) + "\n")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--model", action="append", help="a book model (default: all)")
    parser.add_argument("--epochs", type=int, default=2, help="epochs per fit (default 2)")
    parser.add_argument("--limit", type=int, help="at most N examples of every data set")
    parser.add_argument("--json", type=Path, help="write the results here")
    parser.add_argument("--resume", action="store_true",
                        help="keep the models of an interrupted run (JSON.partial.json)")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        print(json.dumps(child(args.child, args.epochs, args.limit)), flush=True)
        return 0
    results, start = [], time.perf_counter()
    partial = args.json.with_suffix(".partial.json") if args.json else None
    if args.resume and partial and partial.exists():  # models timed by an interrupted run
        results = json.loads(partial.read_text())["results"]
    done = {r["model"] for r in results}
    for name in args.model or book_models():
        if name in done:
            continue
        results.append(measure(name, args.epochs, args.limit))
        print(table(results[-1:]).splitlines()[-1], file=sys.stderr, flush=True)
        if partial:  # the models done so far; the file itself is written once all are done
            write(partial, args, results, start)
    print(table(results))
    if args.json:
        write(args.json, args, results, start)
        args.json.with_suffix(".partial.json").unlink(missing_ok=True)
    failed = [r["model"] for r in results if "error" in r["tensorflow"] or "error" in r["jax"]]
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
