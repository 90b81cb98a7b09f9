"""The lecture's toy problem for disentanglement: binary images of simple shapes.

Each image shows one shape (ellipse, square or triangle) generated from five factors, as on the
lecture slide "Example Toy Problem" (in the spirit of dSprites, {cite}`matthey2017dsprites`):

    shape     3 values   ellipse (axes 2:1), square, equilateral triangle
    x, y     16 values   the centre moves in steps of 3 pixels (of the 64x64 image)
    scale     6 values   circumradius from 4.25 to 8.5 pixels, evenly spaced
    rotation 60 values   k * pi / 60, k = 0..59, i.e. over [0, pi)

That is 3 * 16 * 16 * 6 * 60 = 276,480 factor combinations. Different combinations can give the
same picture (a square turned by 90 degrees is the same square), so :func:`make_shapes` removes
duplicate images and counts them.

Rendering is vectorised: each (shape, scale, rotation) is drawn once as a small template by testing
which pixel centres fall inside it; a position is then an integer shift of the template. Smaller
images (32x32, 16x16) are made by averaging 2x2 (4x4) blocks of the 64x64 image and thresholding
at one half, so they show the same scene at a coarser resolution.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ._backend.validation import check_choice, check_int, described, invalid

FACTOR_NAMES = ("shape", "x", "y", "scale", "rotation")
SHAPE_NAMES = ("ellipse", "square", "triangle")
FULL_RESOLUTION = 64
POSITION_STEP = 3          # pixels between neighbouring positions at 64x64
MAX_RADIUS = 8.5           # circumradius of the largest shape, pixels at 64x64
_HALF = 9                  # templates are (2 * _HALF + 1) pixels wide, centred on a pixel


@dataclass
class Shapes:
    """A generated data set: images, their factor indices and bookkeeping about duplicates.

    Attributes:
        images: (N, R, R) uint8 array of 0/1 pixels.
        factors: (N, 5) int array of factor *indices* in the order of ``factor_names``.
        factor_names: ("shape", "x", "y", "scale", "rotation").
        factor_values: dict name -> array of the physical values behind each index.
        n_combinations: number of factor combinations rendered.
        n_unique: number of distinct images among them (before any subsampling).
        n_duplicates: n_combinations - n_unique.
        unique_factors: (n_unique, 5) factor indices of every distinct image (first occurrence),
            also when only a subset of the images is returned.
    """

    images: np.ndarray
    factors: np.ndarray
    factor_names: tuple = FACTOR_NAMES
    factor_values: dict = field(default_factory=dict)
    n_combinations: int = 0
    n_unique: int = 0
    unique_factors: np.ndarray | None = None

    @property
    def n_duplicates(self) -> int:
        return self.n_combinations - self.n_unique

    def __len__(self) -> int:
        return len(self.images)

    def __repr__(self) -> str:
        r = self.images.shape[1] if self.images.ndim == 3 else "?"
        return (f"Shapes({len(self)} images of {r}x{r}; {self.n_combinations} combinations, "
                f"{self.n_unique} unique, {self.n_duplicates} duplicates)")


def factor_grid(n_positions: int = 16, n_scales: int = 6, n_rotations: int = 60) -> dict:
    """Physical values of every factor: shape ids, centre pixels, radii (pixels), angles (radians)."""
    check_int("n_positions", n_positions, low=1, high=16)
    check_int("n_scales", n_scales, low=1)
    check_int("n_rotations", n_rotations, low=1)
    # positions are spread over the full 16-step range so that a coarser grid covers the same area
    steps = np.round(np.linspace(0, 15, n_positions)).astype(int) if n_positions > 1 else np.array([7])
    return {
        "shape": np.arange(len(SHAPE_NAMES)),
        "x": _HALF + 0.5 + POSITION_STEP * steps,   # centre, in pixel units of the 64x64 image
        "y": _HALF + 0.5 + POSITION_STEP * steps,
        "scale": MAX_RADIUS * np.linspace(0.5, 1.0, n_scales),
        "rotation": np.arange(n_rotations) * np.pi / n_rotations,
    }


def render_templates(radii, angles) -> np.ndarray:
    """Draw every shape at every radius and angle, centred in a (19, 19) template.

    Args:
        radii: circumradii in pixels (at most 9.5, so the shape fits the template).
        angles: rotation angles in radians (counter-clockwise).

    Returns:
        bool array (3, len(radii), len(angles), 19, 19).
    """
    radii, angles = np.asarray(radii, float), np.asarray(angles, float)
    if radii.ndim != 1 or np.any(radii <= 0) or np.any(radii > _HALF + 0.5):
        raise invalid("radii", f"a 1-D array of values in (0, {_HALF + 0.5}]", radii)
    c = np.arange(-_HALF, _HALF + 1).astype(float)    # pixel centres relative to the shape's centre
    px, py = c[None, :], c[:, None]                       # pixel centres, y grows downwards
    cos, sin = np.cos(angles)[:, None, None], np.sin(angles)[:, None, None]
    u = cos * px + sin * py                               # coordinates in the shape's own frame
    v = -sin * px + cos * py
    u, v = u[None], v[None]                               # (1, A, 19, 19)
    r = radii[:, None, None, None]                        # (S, 1, 1, 1)
    ellipse = (u / r) ** 2 + (v / (r / 2)) ** 2 <= 1.0
    square = np.maximum(np.abs(u), np.abs(v)) <= r / np.sqrt(2)
    # equilateral triangle with circumradius r: three half-planes at distance r/2 from the centre
    tri = np.ones_like(square)
    for k in range(3):
        a = np.pi / 2 + 2 * np.pi * k / 3
        tri &= (np.cos(a) * u + np.sin(a) * v) <= r / 2
    return np.stack([ellipse, square, tri])


def render(factor_indices, *, resolution: int = 64, n_positions: int = 16, n_scales: int = 6,
           n_rotations: int = 60) -> np.ndarray:
    """Render images for given factor indices (rows of shape, x, y, scale, rotation).

    Returns:
        (N, resolution, resolution) uint8 array of 0/1 pixels.
    """
    idx = np.asarray(factor_indices)
    if idx.ndim != 2 or idx.shape[1] != 5:
        raise invalid("factor_indices", "an array of shape (N, 5)",
                      described(f"shape {idx.shape}"))
    _check_resolution(resolution)
    grid = factor_grid(n_positions, n_scales, n_rotations)
    sizes = [len(grid[n]) for n in FACTOR_NAMES]
    if np.any(idx < 0) or np.any(idx >= np.array(sizes)):
        raise invalid("factor_indices", f"indices in range; sizes per factor are "
                      f"{dict(zip(FACTOR_NAMES, sizes))}", described("indices out of range"))
    templates = render_templates(grid["scale"], grid["rotation"])
    t = templates[idx[:, 0], idx[:, 3], idx[:, 4]]        # (N, 19, 19)
    # top-left corner of the template in the 64x64 image
    left = (grid["x"][idx[:, 1]] - _HALF - 0.5).astype(int)
    top = (grid["y"][idx[:, 2]] - _HALF - 0.5).astype(int)
    w = 2 * _HALF + 1
    images = np.zeros((len(idx), FULL_RESOLUTION, FULL_RESOLUTION), dtype=np.uint8)
    corners = top * FULL_RESOLUTION + left
    for corner in np.unique(corners):                     # one slice assignment per position
        i, j = divmod(int(corner), FULL_RESOLUTION)
        rows = np.flatnonzero(corners == corner)
        images[rows, i:i + w, j:j + w] = t[rows]
    return downsample(images, resolution)


def downsample(images, resolution: int) -> np.ndarray:
    """Binary images at a coarser resolution: mean of each block, thresholded at 1/2."""
    images = np.asarray(images)
    f = images.shape[-1] // resolution
    if f == 1:
        return images.astype(np.uint8)
    counts = sum(images[:, a::f, b::f].astype(np.uint8) for a in range(f) for b in range(f))
    return (2 * counts >= f * f).astype(np.uint8)


def all_factor_indices(n_positions: int = 16, n_scales: int = 6,
                       n_rotations: int = 60) -> np.ndarray:
    """Every factor combination as rows of indices, in (shape, x, y, scale, rotation) order."""
    grid = factor_grid(n_positions, n_scales, n_rotations)
    sizes = [len(grid[n]) for n in FACTOR_NAMES]
    return np.stack(np.unravel_index(np.arange(np.prod(sizes)), sizes), axis=1)


def make_shapes(resolution: int = 64, n_samples: int | None = None, *, n_positions: int = 16,
                n_scales: int = 6, n_rotations: int = 60, seed: int = 0,
                chunk: int = 10_000) -> Shapes:
    """Generate the toy data set, remove duplicate images and optionally draw a random subset.

    Duplicates are found among *all* combinations at the requested resolution (bit-packed, so the
    full 64x64 set needs about 140 MB); the first combination of each distinct image is kept.

    Args:
        resolution: 64 (the lecture's size), 32 or 16.
        n_samples: if given, a random subset of this many distinct images (for CPU training), in
            random order (the full set comes in factor order).
        n_positions, n_scales, n_rotations: grid sizes (the lecture's are 16, 6, 60).
        seed: seed of the subset draw.
        chunk: images rendered at a time (bounds the memory used).

    Returns:
        a :class:`Shapes` with images (N, R, R) uint8, factors (N, 5) and duplicate counts.

    Example:
        >>> data = make_shapes(resolution=32, n_samples=1000)
        >>> data.images.shape, data.factors.shape
        ((1000, 32, 32), (1000, 5))
    """
    _check_resolution(resolution)
    check_int("chunk", chunk, low=1)
    idx = all_factor_indices(n_positions, n_scales, n_rotations)
    kw = dict(resolution=resolution, n_positions=n_positions, n_scales=n_scales,
              n_rotations=n_rotations)
    packed = np.concatenate([  # one bit per pixel: the full 64x64 set fits in ~140 MB
        np.packbits(render(idx[i:i + chunk], **kw).reshape(-1, resolution ** 2), axis=1)
        for i in range(0, len(idx), chunk)])
    keep = unique_rows(packed)
    unique_factors = idx[keep]
    if n_samples is not None:
        check_int("n_samples", n_samples, low=1, high=len(keep))
        keep = np.random.default_rng(seed).choice(keep, size=n_samples, replace=False)  # random order
    images = np.unpackbits(packed[keep], axis=1, count=resolution ** 2)
    return Shapes(images=images.reshape(-1, resolution, resolution), factors=idx[keep],
                  factor_values=factor_grid(n_positions, n_scales, n_rotations),
                  n_combinations=len(idx), n_unique=len(unique_factors),
                  unique_factors=unique_factors)


def unique_rows(a) -> np.ndarray:
    """Sorted indices of the first occurrence of each distinct row of a 2-D array."""
    a = np.ascontiguousarray(a)
    if a.ndim != 2:
        raise invalid("a", "a 2-D array", described(f"shape {a.shape}"))
    rows = a.view(np.dtype((np.void, a.dtype.itemsize * a.shape[1]))).ravel()
    _, first = np.unique(rows, return_index=True)
    return np.sort(first)


def _check_resolution(resolution) -> None:
    check_choice("resolution", check_int("resolution", resolution), (64, 32, 16))
