"""One recipe per experiment: its settings and the function that trains it, shared by the chapter
and by ``benchmarks/run.py``, so that an experiment's settings are written exactly once.

A recipe has two presets of its settings (a frozen dataclass):

* ``ci``, what the chapter runs on two CPU cores in a few minutes (the default), and
* ``full``, the scale of the paper or post the experiment follows (more data, epochs, width),

chosen by the ``scale`` argument or, when it is not given, by the environment variable
``BOOK_SCALE`` (``ci`` when unset). A chapter uses a recipe like this::

    recipe = du.book.recipes.get("vae-2")
    s = recipe.settings()              # VAESettings(latent_dim=2, ..., epochs=20): shown in the book
    data = recipe.load(s)              # what the experiment trains and tests on
    model = recipe.train(s, data)      # seeded; chapter and benchmark share this one function

The recipe modules (one per chapter, ``recipes/<chapter>.py``) import only the standard library at
module level, so that listing recipes is quick; their functions import Keras when they run.
"""

from __future__ import annotations

import dataclasses
import importlib
import os
import pkgutil
from typing import Any, Callable, Mapping

from ..._backend.validation import check_choice, check_int, described, invalid, wrong_type

SCALES = ("ci", "full")
SCALE_VARIABLE = "BOOK_SCALE"
DIRECTIONS = ("lower", "higher")


@dataclasses.dataclass(frozen=True, kw_only=True)
class Split:
    """What a recipe trains and is tested on: arrays by role (``load`` returns one).

    ``x_train`` is what the model fits; ``x_test`` (and ``y_test``) is held out for evaluation;
    labels and a validation set are there when the experiment has them. A recipe whose data
    carries more (the factors of each image, say) extends this class with its own fields. The
    class is frozen, so evaluating one model cannot change the data that the next one sees.
    """

    x_train: Any
    x_test: Any = None
    y_train: Any = None
    y_test: Any = None
    x_val: Any = None
    y_val: Any = None


def capped(n: int, limit: int | None) -> int:
    """``n`` examples, or ``limit`` if that is smaller: how every loader applies ``limit``.

    ``limit=None`` (the chapters' and benchmarks' runs) keeps ``n``; a slice ``x[:limit]``
    does the same for an array.
    """
    return n if limit is None else min(n, limit)


def current_scale(scale: str | None = None) -> str:
    """``scale`` if given, else ``$BOOK_SCALE``, else ``"ci"``; checked against :data:`SCALES`."""
    if scale is None:
        scale = os.environ.get(SCALE_VARIABLE, "").strip() or "ci"
        if scale not in SCALES:
            raise invalid(SCALE_VARIABLE, f"one of {SCALES} (environment variable)", scale)
    return check_choice("scale", scale, SCALES)


@dataclasses.dataclass(frozen=True)
class Recipe:
    """An experiment: its settings at each scale, how to load its data, train and evaluate it.

    Attributes:
        name: the name chapters and ``benchmarks/run.py`` use (``"vae-2"``).
        chapter: the notebook it belongs to, without suffix (``"vae"`` for chapters/vae.ipynb).
        description: one line for listings.
        presets: ``{"ci": settings, "full": settings}``, frozen dataclass instances.
        trainer: ``trainer(settings, data, *, callbacks=(), label=None)`` returning the trained
            model (or whatever the experiment produces); call it through :meth:`train`, which
            seeds it.
        loader: ``loader(settings, limit=None)`` returning the experiment's data, a
            :class:`Split` (``limit`` caps every data set, for quick runs and tests; see
            :func:`capped`); ``None`` when the trainer makes its own. Call it through
            :meth:`load`, which checks ``limit``.
        evaluate: ``evaluate(settings, trained, data)`` returning ``{metric: value}`` on held-out
            data; ``None`` when the chapter evaluates by hand.
        source: where the ``full`` preset comes from (paper, post) and where the book deviates.
        target: the published figure the ``full`` preset is meant to approach (with its source),
            or ``""`` when the experiment has none.
        primary: the test metric (a key of ``evaluate``'s result) that summarises the experiment,
            which ``benchmarks/run.py`` records and plots; ``None``: the recipe is not benchmarked.
        direction: ``"lower"`` or ``"higher"``, whichever way ``primary`` is better.
    """

    name: str
    chapter: str
    description: str
    presets: Mapping[str, Any]
    trainer: Callable
    loader: Callable | None = None
    evaluate: Callable | None = None
    source: str = ""
    target: str = ""
    primary: str | None = None
    direction: str | None = None

    def __post_init__(self):
        missing = [s for s in SCALES if s not in self.presets]
        if missing:
            raise invalid("presets", f"settings for every scale {SCALES}", f"no {missing}")
        for scale, settings in self.presets.items():
            if not (dataclasses.is_dataclass(settings) and settings.__dataclass_params__.frozen):
                raise invalid("presets", "frozen dataclass instances",
                              f"{scale}={type(settings).__name__}")
        if self.primary is not None or self.direction is not None:
            if self.primary is None or self.evaluate is None:
                raise invalid("primary", "a metric of `evaluate` when `direction` is given",
                              self.primary)
            check_choice("direction", self.direction, DIRECTIONS)

    def settings(self, scale: str | None = None):
        """The settings at ``scale`` (default: ``$BOOK_SCALE`` or ``"ci"``)."""
        return self.presets[current_scale(scale)]

    def load(self, settings, limit: int | None = None):
        """The experiment's data for ``settings``, every data set capped at ``limit`` examples.

        ``None`` when the recipe has no loader (its trainer makes its own data).
        """
        if limit is not None:
            check_int("limit", limit, low=1)
        return None if self.loader is None else self.loader(settings, limit=limit)

    def train(self, settings, data, **options):
        """Seed every random generator with ``settings.seed``, then run the recipe's trainer.

        Seeding here (Python's, NumPy's and Keras's generators, ``keras.utils.set_random_seed``)
        makes each run of a recipe start from the same weights and see the same batches. Settings
        without a ``seed`` (several ``seeds``, say) are seeded by their trainer, run by run. A
        model passed in as ``model=`` was built and seeded already; its training goes on with
        the random numbers that follow.
        """
        seed = getattr(settings, "seed", None)
        if "model" not in options and isinstance(seed, int):
            import keras

            keras.utils.set_random_seed(seed)
        return self.trainer(settings, data, **options)


def per_scale(ci, full, scale: str | None = None):
    """``ci`` or ``full``, whichever belongs to the current scale: a chapter's threshold per scale.

    A chapter's assert reads, for example, ``assert acc > du.book.recipes.per_scale(ci=0.95, full=0.98)``.
    """
    return {"ci": ci, "full": full}[current_scale(scale)]


_SCALE_TEXT = {
    "ci": "the chapter's settings, sized for two CPU cores and a few minutes",
    "full": "the papers' settings, with all training data, their epochs and widths; hours on a CPU",
}


def describe_scale(scale: str | None = None) -> str:
    """A few lines for the top of a chapter: the scale it runs at, how to change it, the backend.

    ``"Scale: ci (the chapter's settings, ...). Set BOOK_SCALE=full for ... Keras backend: ..."``
    """
    import textwrap

    scale = current_scale(scale)
    other = "full" if scale == "ci" else "ci"
    backend = os.environ.get("KERAS_BACKEND", "tensorflow")
    return textwrap.fill(f"Scale: {scale} ({_SCALE_TEXT[scale]}). "
            f"Set {SCALE_VARIABLE}={other} before starting the kernel for {_SCALE_TEXT[other]}. "
            f"Keras backend: {backend}.", width=88)


class SettingsTable(str):
    """Markdown text that a notebook renders as a table (``_repr_markdown_``) and ``print`` shows."""

    def _repr_markdown_(self) -> str:
        return str(self)


def settings_table(*settings, **named) -> SettingsTable:
    """Recipe settings as a table: one row per field, one column per settings object.

    ``settings_table(s)`` shows one recipe's settings; ``settings_table(plain=s1, dropout=s2)``
    compares several side by side, with the keywords as column titles. A field that a column's
    settings do not have is shown as "–".
    """
    columns = {"value": settings[0]} if len(settings) == 1 and not named else dict(named)
    if len(settings) > 1 or (settings and named) or not columns:
        raise invalid("settings", "one settings object, or several as keywords",
                      described(f"{len(settings)} positional and {len(named)} keyword arguments"))
    for title, value in columns.items():
        if not dataclasses.is_dataclass(value) or isinstance(value, type):
            raise wrong_type(title, "a recipe's settings (a dataclass instance)", value)
    fields: list[str] = []
    for value in columns.values():
        fields += [f.name for f in dataclasses.fields(value) if f.name not in fields]
    rows = ["| setting | " + " | ".join(columns) + " |", "|---" * (len(columns) + 1) + "|"]
    for name in fields:
        cells = [f"`{getattr(v, name)!r}`" if hasattr(v, name) else "–" for v in columns.values()]
        rows.append(f"| `{name}` | " + " | ".join(cells) + " |")
    return SettingsTable("\n".join(rows))


REGISTRY: dict[str, Recipe] = {}


def register(recipe: Recipe) -> Recipe:
    """Add ``recipe`` to :data:`REGISTRY` (each name once) and return it."""
    if recipe.name in REGISTRY and REGISTRY[recipe.name] is not recipe:
        raise ValueError(f"recipe {recipe.name!r} is registered twice")
    REGISTRY[recipe.name] = recipe
    return recipe


def _load_all() -> None:
    for info in pkgutil.iter_modules(__path__):
        importlib.import_module(f"{__name__}.{info.name}")


def get(name: str) -> Recipe:
    """The recipe called ``name``."""
    _load_all()
    if name not in REGISTRY:
        raise invalid("name", f"one of the recipes {sorted(REGISTRY)}", name)
    return REGISTRY[name]


def names(chapter: str | None = None) -> list[str]:
    """Every recipe's name (only ``chapter``'s when given), sorted."""
    _load_all()
    return sorted(n for n, r in REGISTRY.items() if chapter is None or r.chapter == chapter)
