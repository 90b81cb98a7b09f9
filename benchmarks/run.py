#!/usr/bin/env python
"""Train the book's models by name and print one JSON object per model (see benchmarks/README.md).

    python benchmarks/run.py --list                     # the models, with a short description
    python benchmarks/run.py --model vae-2 --model mlp  # these two, at the chapters' settings
    python benchmarks/run.py --epochs 1 --limit 500     # every model, quickly (a smoke test)
    python benchmarks/run.py --json results.json        # all of them, also saved (merged by model)

The benchmarks are the book's recipes (``deep_unsupervised.book.recipes``) that name a primary test
metric, in the book's order, and the sweeps of ``sweeps.py`` (``registry.py`` lists them); each is
trained and evaluated with the recipe's own code and settings, as its chapter does. Results go to
stdout, one JSON object per line; progress and logs go to stderr. Every result carries the stamp
of ``tools/records.py``: what it measured and the hash of those settings.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime
import json
import math
import os
import platform
import sys
import time
import traceback
from pathlib import Path

from benchmarks.registry import Context, as_settings, build, with_epochs
from tools import records

REGISTRY = build()


def positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a positive integer, received {text!r}")
    return value


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="benchmarks/run.py", description=__doc__.split("\n\n")[0],
        epilog="Data: MNIST via deep_unsupervised.load_mnist (set BOOK_DATA_DIR).")
    parser.add_argument("--list", action="store_true", help="print the model names and exit")
    parser.add_argument("--model", action="append", metavar="NAME",
                        help="a model to run; repeat for several (default: all)")
    parser.add_argument("--epochs", type=positive_int, metavar="N",
                        help="train every selected model for N epochs instead of its chapter's")
    parser.add_argument("--limit", type=positive_int, metavar="N",
                        help="use at most N examples of every data set (quick runs and tests)")
    parser.add_argument("--scale", choices=("ci", "full"), default=None,
                        help="the recipes' preset: ci (the chapters' settings, default, or "
                             "$BOOK_SCALE) or full (the papers' scale)")
    parser.add_argument("--json", type=Path, metavar="PATH",
                        help="also write the results to PATH, keeping models not re-run")
    args = parser.parse_args(argv)
    unknown = [name for name in args.model or [] if name not in REGISTRY]
    if unknown:
        parser.error(f"unknown model {', '.join(map(repr, unknown))}; "
                     f"`benchmarks/run.py --list` names the {len(REGISTRY)} models")
    return args


def list_models(out) -> None:
    width = max(map(len, REGISTRY))
    for name, e in REGISTRY.items():
        print(f"{name:<{width}}  {e.description}", file=out)


def machine() -> dict:
    """Where the numbers were measured: CPUs, platform, library versions, date."""
    import keras
    import numpy
    import tensorflow as tf

    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return {"cpu_count": os.cpu_count(), "cpus_usable": cpus, "cpu": _cpu_name(),
            "load_average": [round(v, 2) for v in os.getloadavg()],
            "platform": platform.platform(), "python": platform.python_version(),
            "tensorflow": tf.__version__, "keras": keras.__version__, "numpy": numpy.__version__,
            "backend": keras.backend.backend(),
            "date": _now()}


def _cpu_name() -> str:
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    return platform.processor()


def _now() -> str:
    return datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds")


def _number(value):
    """A JSON-safe metric: Python int/float, None for NaN or infinity."""
    value = float(value) if not isinstance(value, (int, bool)) else value
    return value if not isinstance(value, float) or math.isfinite(value) else None


def run_model(name: str, epochs: int | None, ctx: Context) -> dict:
    """Seed, train and evaluate one model; its result object."""
    import deep_unsupervised as du

    e = REGISTRY[name]
    settings = with_epochs(e.settings_at(ctx.scale), epochs)
    du.setup(seed=0, style=False)  # every model starts from the same seeds, whatever ran before
    ctx.train_seconds = 0.0
    start = time.perf_counter()
    outcome = e.run(as_settings(settings), ctx)
    total = time.perf_counter() - start
    n_epochs = (settings.get("epochs") or 0) if outcome.epochs is None else outcome.epochs
    scale = ctx.scale or "ci"
    return {"model": name, "chapter": e.chapter, "kind": e.kind, "description": e.description,
            "params": None if outcome.params is None else int(outcome.params),
            "epochs": n_epochs, "batch_size": settings.get("batch_size"),
            "train_seconds": round(ctx.train_seconds, 2),
            "seconds_per_epoch": round(ctx.train_seconds / n_epochs, 3) if n_epochs else None,
            "other_seconds": round(total - ctx.train_seconds, 2),
            "quality": {k: _number(v) for k, v in outcome.quality.items()},
            "primary": e.primary, "direction": e.direction,
            "n_train": outcome.n_train, "n_test": outcome.n_test, "limit": ctx.limit,
            "settings": settings, "scale": scale, "date": _now(), "cpu": _cpu_name(),
            **records.stamp({"benchmark": name, "scale": scale}, records.settings_hash(settings))}


def write_json(path: Path, info: dict, results: list[dict]) -> None:
    """Write {"machine", "results"}; results of models not in ``results`` are kept from ``path``.

    Every result names the CPU it was measured on (``"cpu"``): a kept result without one gets the
    CPU of the file's old ``machine``, which ``info`` replaces. Results from different CPUs are
    not comparable in time, and a seed's training can take another path on another CPU.
    """
    kept = []
    if path.exists():
        old = json.loads(path.read_text())
        new = {r["model"] for r in results}
        kept = [r for r in old["results"] if r["model"] not in new]
        for r in kept:
            if "cpu" not in r and "cpu" in old.get("machine", {}):
                r["cpu"] = old["machine"]["cpu"]
    order = {name: i for i, name in enumerate(REGISTRY)}
    merged = sorted(kept + results, key=lambda r: order.get(r["model"], len(order)))
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"machine": info, "results": merged}, indent=1) + "\n")


def main(argv=None) -> int:
    args = parse_args(argv)
    if args.list:
        list_models(sys.stdout)
        return 0
    names = list(dict.fromkeys(args.model or REGISTRY))  # in the order given, without repeats
    import deep_unsupervised as du

    du.configure_environment()  # quiet TensorFlow's logs before TensorFlow loads
    if args.scale is not None:  # recipes that train other recipes (label budgets) read it too
        os.environ["BOOK_SCALE"] = args.scale

    out, results, failed = sys.stdout, [], []
    with contextlib.redirect_stdout(sys.stderr):  # progress bars and prints: stderr only
        info = machine()
        ctx = Context(limit=args.limit, scale=args.scale)
        for name in names:
            print(f"[{name}] training ({REGISTRY[name].chapter})", flush=True)
            try:
                result = run_model(name, args.epochs, ctx)
            except Exception:  # report, and go on with the other models
                traceback.print_exc()
                failed.append(name)
                continue
            results.append(result)
            print(json.dumps(result), file=out, flush=True)
            if args.json is not None:  # after every model, so an interrupted run keeps its results
                write_json(args.json, info, results)
    if failed:
        print(f"failed: {', '.join(failed)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
