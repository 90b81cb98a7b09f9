"""Latent-space explorers for the HTML book that need no kernel.

The notebook decodes a grid of codes once, when it runs; these functions pack the decoded images
into one PNG sprite and return a display object. In the HTML book a few lines of JavaScript show
the image under the pointer (a 2-D code plane) or under a slider (one slider per code element), so
a reader explores the latent space without Binder or a widgets server. The object's ``image/png``
fallback (the whole grid as one picture) serves the notebook's static views, and the print
stylesheet shows the same grid on paper. Kingma & Welling (2014), fig. 4, and Higgins et al.
(2017), fig. 7, show these grids as static figures.

Example:
    >>> z = np.linspace(-2, 2, 21)                                             # doctest: +SKIP
    >>> codes = np.stack(np.meshgrid(z, z), -1).reshape(-1, 2)                 # doctest: +SKIP
    >>> images = decoder.predict(codes).reshape(21, 21, 28, 28)                # doctest: +SKIP
    >>> code_plane_explorer(images, z)        # images[i, j] decodes (z[j], z[i]) # doctest: +SKIP
"""

from __future__ import annotations

import base64
import hashlib
import io
import json
from numbers import Integral

import numpy as np

from .._backend.validation import described, invalid as _invalid

# The book's colour-blind-safe palette (Okabe & Ito), for the encoded points of a code plane.
_COLORS = ["#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442",
           "#000000", "#999999", "#882255"]
LEVELS = 64  # grey levels of the sprite
MAX_POINTS = 2000  # encoded points drawn under a code plane (keeps the page small)

_STYLE = """<style>
.du-explorer{background:#fff;color:#222;border:1px solid #ccc;border-radius:4px;padding:8px;
 margin:0.5em 0;max-width:100%;box-sizing:border-box;font-size:0.95em}
html[data-theme=dark] .du-explorer{background:#1f2226;color:#e6e6e6;border-color:#555}
.du-explorer .du-x-live{display:flex;flex-wrap:wrap;gap:12px;align-items:flex-start}
.du-explorer .du-x-live>div:first-child{flex:0 1 420px;min-width:0}
.du-explorer canvas{width:100%;max-width:420px;height:auto;touch-action:none;cursor:crosshair;
 border:1px solid #999;background:#fff}
.du-explorer .du-x-img{flex:none;image-rendering:pixelated;background-color:#000;
 background-repeat:no-repeat}
.du-explorer .du-x-read{font-size:1.05em;margin-top:6px;font-variant-numeric:tabular-nums}
.du-explorer .du-x-key{display:flex;flex-wrap:wrap;gap:4px 10px;margin-top:6px;font-size:0.9em}
.du-explorer .du-x-key span{display:inline-flex;align-items:center;gap:4px}
.du-explorer .du-x-key i{display:inline-block;width:10px;height:10px;border-radius:2px}
.du-explorer .du-x-row{display:flex;flex-wrap:wrap;align-items:center;gap:8px;margin:4px 0}
.du-explorer .du-x-row label{min-width:5em}
.du-explorer .du-x-row output{min-width:3.5em;font-variant-numeric:tabular-nums}
.du-explorer .du-x-head{display:flex;gap:8px;font-weight:600;margin:2px 0}
.du-explorer .du-x-pair{display:flex;gap:12px}
.du-explorer .du-x-pair figure{margin:0;text-align:center;font-size:0.85em}
.du-explorer input[type=range]{flex:1 1 160px;max-width:260px;min-width:60px}

.du-explorer .du-x-print{display:none;max-width:100%;image-rendering:pixelated}
.du-explorer .du-x-note{display:none;font-style:italic;margin:4px 0}
@media print{.du-explorer .du-x-live{display:none}.du-explorer .du-x-print,
 .du-explorer .du-x-note{display:block}}
</style>"""

_PLANE_JS = """
const D=DATA,R=ROOT,cv=R.querySelector('canvas'),im=R.querySelector('.du-x-img'),
 rd=R.querySelector('.du-x-read'),g=cv.getContext('2d'),S=cv.width,L=44,B=40,T=8;
R.querySelector('.du-x-print').src=D.sprite;
Object.assign(im.style,{backgroundImage:'url('+D.sprite+')',width:D.w*D.k+'px',
 height:D.h*D.k+'px',backgroundSize:D.nx*D.w*D.k+'px '+D.ny*D.h*D.k+'px'});
const lo=[D.xs[0],D.ys[D.ny-1]],hi=[D.xs[D.nx-1],D.ys[0]];
const px=(v,a)=>a?S-B-(v-lo[1])/(hi[1]-lo[1])*(S-B-T):L+(v-lo[0])/(hi[0]-lo[0])*(S-L-T);
const near=(a,v)=>a.reduce((b,x,i)=>Math.abs(x-v)<Math.abs(a[b]-v)?i:b,0);
const fmt=v=>(Math.abs(v)<0.005?0:v).toFixed(2);
const ticks=(a,b)=>{const s=Math.pow(10,Math.floor(Math.log10((b-a)/2))),t=[];
 const st=(b-a)/s>8?2*s:(b-a)/s<3?s/2:s;for(let v=Math.ceil(a/st)*st;v<=b+1e-9;v+=st)t.push(v);
 return t;};
let ci=D.i0,cj=D.j0;
function draw(){g.fillStyle='#fff';g.fillRect(0,0,S,S);g.fillStyle='#ddd';
 for(const y of D.ys)for(const x of D.xs)g.fillRect(px(x,0)-1,px(y,1)-1,2,2);
 for(const p of D.pts){if(p[0]<lo[0]||p[0]>hi[0]||p[1]<lo[1]||p[1]>hi[1])continue;
  g.fillStyle=D.colors[p[2]%D.colors.length];
  g.fillRect(px(p[0],0)-2,px(p[1],1)-2,4,4);}
 g.strokeStyle='#000';g.lineWidth=2;g.strokeRect(px(D.xs[cj],0)-7,px(D.ys[ci],1)-7,14,14);
 g.lineWidth=1;g.strokeRect(L,T,S-L-T,S-B-T);g.fillStyle='#222';g.font='13px sans-serif';
 g.textAlign='center';for(const v of ticks(lo[0],hi[0])){const x=px(v,0);
  g.fillRect(x,S-B,1,5);g.fillText(fmt(v).replace(/\\.?0+$/,''),x,S-B+18);}
 g.textAlign='right';for(const v of ticks(lo[1],hi[1])){const y=px(v,1);
  g.fillRect(L-5,y,5,1);g.fillText(fmt(v).replace(/\\.?0+$/,''),L-8,y+4);}
 g.textAlign='center';g.fillText(D.names[0],L+(S-L-T)/2,S-4);
 g.save();g.translate(13,T+(S-B-T)/2);g.rotate(-Math.PI/2);g.fillText(D.names[1],0,0);
 g.restore();}
function show(i,j){ci=Math.max(0,Math.min(D.ny-1,i));cj=Math.max(0,Math.min(D.nx-1,j));
 im.style.backgroundPosition=-cj*D.w*D.k+'px '+(-ci*D.h*D.k)+'px';
 rd.textContent='code: '+D.names[0]+' = '+fmt(D.xs[cj])+', '+D.names[1]+' = '+fmt(D.ys[ci]);
 draw();}
function point(e){const r=cv.getBoundingClientRect(),f=S/r.width,x=(e.clientX-r.left)*f,
 y=(e.clientY-r.top)*f;show(near(D.ys,lo[1]+(S-B-y)/(S-B-T)*(hi[1]-lo[1])),
 near(D.xs,lo[0]+(x-L)/(S-L-T)*(hi[0]-lo[0])));}
cv.addEventListener('pointermove',point);cv.addEventListener('pointerdown',point);
cv.addEventListener('keydown',e=>{const d={ArrowUp:[-1,0],ArrowDown:[1,0],ArrowLeft:[0,-1],
 ArrowRight:[0,1]}[e.key];if(d){e.preventDefault();show(ci+d[0],cj+d[1]);}});
const key=R.querySelector('.du-x-key');if(key&&D.pts.length){key.innerHTML='';
 D.classes.forEach((c,k)=>{const sp=document.createElement('span'),sw=document.createElement('i');
  sw.style.background=D.colors[k%D.colors.length];sp.append(sw,c);key.append(sp);});}
show(ci,cj);"""

_TRAVERSAL_JS = """
const D=DATA,R=ROOT,box=R.querySelector('.du-x-live');
R.querySelector('.du-x-print').src=D.sprite;box.style.display='block';
const fmt=v=>(Math.abs(v)<0.005?0:v).toFixed(2);
const tile=(row)=>{const im=document.createElement('div');im.className='du-x-img';
 im.setAttribute('role','img');Object.assign(im.style,{backgroundImage:'url('+D.sprite+')',
  width:D.w*D.k+'px',height:D.h*D.k+'px',backgroundSize:D.n*D.w*D.k+'px '+D.m*D.h*D.k+'px'});
 return im;};
D.names.forEach((name,e)=>{const row=document.createElement('div');row.className='du-x-row';
 const id='du-x-'+D.id+'-'+e,lab=document.createElement('label'),s=document.createElement('input'),
  out=document.createElement('output'),pair=document.createElement('div');
 lab.textContent=name;lab.htmlFor=id;Object.assign(s,{type:'range',id:id,min:0,
  max:D.n-1,step:1,value:D.start[e]});pair.className='du-x-pair';
 const ims=D.models.map((model,k)=>{const f=document.createElement('figure'),im=tile();
  const cap=document.createElement('figcaption');cap.textContent=model;f.append(im);
  if(D.models.length>1)f.append(cap);pair.append(f);return im;});
 const show=()=>{const t=+s.value;out.textContent=fmt(D.values[e][t]);
  ims.forEach((im,k)=>{im.style.backgroundPosition=-t*D.w*D.k+'px '+
   (-(k*D.m/D.models.length+e)*D.h*D.k)+'px';
   im.setAttribute('aria-label',D.models[k]+': decoded image, '+name+' = '+out.textContent);});};
 s.addEventListener('input',show);show();row.append(lab,out,s,pair);box.append(row);});"""

# The label of each explorer's static view (printed pages and the notebook's image output).
NOTES = {"plane": "every decoded image of the grid, the highest code of the vertical axis at the "
                  "top and the lowest of the horizontal axis at the left.",
         "traversal": "one row per slider, its steps from left to right"}


class Explorer:
    """A display object: ``text/html`` (interactive) and ``image/png`` (static grid)."""

    def __init__(self, html: str, png: bytes, alt: str):
        self.html, self.png, self.alt = html, png, alt

    def _repr_mimebundle_(self, include=None, exclude=None):
        return {"text/html": self.html, "image/png": base64.b64encode(self.png).decode("ascii"),
                "text/plain": f"<explorer: {self.alt}>"}


def _brief(a: np.ndarray):
    return described(f"an array of shape {a.shape}") if a.size > 8 else a.tolist()


def _check_images(images, lead: tuple[int, int], name: str = "images") -> np.ndarray:
    """(A*B, H, W[, 1]) or (A, B, H, W[, 1]) finite grey-scale images -> (A, B, H, W)."""
    try:
        a = np.asarray(images, dtype=float)
    except (TypeError, ValueError):
        raise _invalid(name, "an array of grey-scale images",
                       described(f"a {type(images).__name__}")) from None
    if a.ndim >= 3 and a.shape[-1] == 1:
        a = a[..., 0]
    if a.ndim == 3 and a.shape[0] == lead[0] * lead[1]:
        a = a.reshape(lead + a.shape[1:])
    if a.shape[:2] != lead or a.ndim != 4 or min(a.shape[2:]) < 1:
        raise _invalid(name, f"shape ({lead[0]}, {lead[1]}, H, W) or ({lead[0] * lead[1]}, H, W)",
                       described(f"an array of shape {np.shape(images)}"))
    if not np.all(np.isfinite(a)):
        raise _invalid(name, "finite values", described("an array with NaN or infinity"))
    return a


def _check_values(values, name: str, n: int | None = None) -> np.ndarray:
    v = np.asarray(values, dtype=float) if not isinstance(values, str) else np.array([])
    if v.ndim != 1 or len(v) < 2 or (n is not None and len(v) != n) or not np.all(
            np.isfinite(v)) or not np.all(np.diff(v) > 0):
        size = "at least 2" if n is None else str(n)
        raise _invalid(name, f"{size} finite, increasing numbers",
                       _brief(v) if v.size else values)
    return v


def _check_scale(scale) -> int:
    if isinstance(scale, bool) or not isinstance(scale, Integral) or not 1 <= scale <= 16:
        raise _invalid("scale", "an integer 1 <= scale <= 16", scale)
    return int(scale)


def _sprite(tiles: np.ndarray, vmin: float, vmax: float, levels: int = LEVELS
            ) -> tuple[str, bytes]:
    """(A, B, H, W) tiles -> one grey-scale PNG (A rows of B tiles) as a data URI and bytes.

    The grey values are rounded to ``levels`` steps: 64 look the same as 256 and the PNG is about
    a fifth smaller (the explorer counts toward the page's weight).
    """
    from PIL import Image

    if not vmax > vmin:
        raise _invalid("vmax", f"vmax > vmin={vmin}", vmax)
    a, b, h, w = tiles.shape
    grid = tiles.transpose(0, 2, 1, 3).reshape(a * h, b * w)
    steps = np.round(np.clip((grid - vmin) / (vmax - vmin), 0, 1) * (levels - 1))
    grey = np.round(steps * 255 / (levels - 1)).astype(np.uint8)
    buffer = io.BytesIO()
    Image.fromarray(grey, mode="L").save(buffer, format="PNG", optimize=True)
    png = buffer.getvalue()
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii"), png


def _page(kind: str, data: dict, js: str, alt: str, body: str, title: str | None,
          note: str | None = None) -> str:
    uid = hashlib.sha1(json.dumps(data, sort_keys=True).encode()).hexdigest()[:10]
    data["id"] = uid
    root = ("(document.currentScript&&document.currentScript.parentElement)||"
            f"document.querySelector('[data-du-explorer=\"{uid}\"]')")
    payload = json.dumps(data, separators=(",", ":")).replace("<", "\\u003c")
    script = js.replace("ROOT", root).replace("DATA", payload)  # ROOT first: data is base64
    heading = f"<div><strong>{_escape(title)}</strong></div>" if title else ""
    return (f'<div class="du-explorer du-{kind}" data-du-explorer="{uid}" role="group" '
            f'aria-label="{_escape(alt)}">{_STYLE}{heading}<div class="du-x-live">{body}</div>'
            f'<p class="du-x-note">Static view of the interactive explorer: '
            f'{_escape(note or NOTES[kind])}</p><img class="du-x-print" alt="{_escape(alt)}">'
            f"<script>(function(){{{script}}})();</script></div>")


def _escape(text: str) -> str:
    return (str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            .replace('"', "&quot;"))


def _points(points, labels, max_points: int) -> list:
    """Encoded points as [[x, y, colour index], ...], at most ``max_points`` (evenly thinned)."""
    if points is None:
        return []
    p = np.asarray(points, dtype=float)
    if p.ndim != 2 or p.shape[1] != 2 or not np.all(np.isfinite(p)):
        raise _invalid("points", "an (N, 2) array of finite codes", _brief(p))
    c = np.zeros(len(p), int) if labels is None else np.asarray(labels)
    if c.shape != (len(p),) or not np.issubdtype(c.dtype, np.integer) or (c < 0).any():
        raise _invalid("labels", f"{len(p)} non-negative integers (one per point)", _brief(c))
    keep = np.linspace(0, len(p) - 1, min(len(p), max_points)).astype(int) if len(p) else []
    return [[round(float(x), 3), round(float(y), 3), int(k)] for (x, y), k in
            zip(p[keep], c[keep])]


def code_plane_explorer(images, grid_values, *, points=None, labels=None,
                        axis_names=("z1", "z2"), class_names=None, scale: int = 6, vmin=0.0,
                        vmax=1.0, title: str | None = None, alt: str | None = None) -> Explorer:
    """Move the pointer over a 2-D code plane and see the image decoded there.

    Args:
        images: (ny, nx, H, W[, 1]) or (ny * nx, H, W[, 1]) decoded images; ``images[i, j]``
            is decoded from the code ``(x_values[j], y_values[i])``.
        grid_values: the increasing code values of the grid, one sequence for both axes, or a
            pair ``(x_values, y_values)`` (any spacing, e.g. Gaussian quantiles).
        points: optional (N, 2) codes (e.g. encoded test digits) drawn as dots on the plane.
        labels: optional N integer classes colouring ``points``.
        axis_names: the names of the two code elements.
        class_names: the name of each class in the colour key (default: the class numbers,
            which for MNIST are the digits).
        scale: screen pixels per image pixel of the decoded image.
        vmin, vmax: the grey-scale range of ``images`` (black to white).
        title, alt: a heading, and the text that describes the explorer to screen readers.

    Returns:
        An :class:`Explorer`; a notebook cell that ends with it shows it.
    """
    if isinstance(grid_values, (tuple, list)) and len(grid_values) == 2 and np.ndim(
            grid_values[0]) == 1:
        xs, ys = (_check_values(v, "grid_values") for v in grid_values)
    else:
        xs = ys = _check_values(grid_values, "grid_values")
    tiles = _check_images(images, (len(ys), len(xs)))[::-1]  # top row: the highest y
    if len(axis_names) != 2:
        raise _invalid("axis_names", "two names", axis_names)
    sprite, png = _sprite(tiles, vmin, vmax)
    alt = alt or (f"Explorer of a 2-D code plane: {len(xs)} by {len(ys)} decoded images; "
                  "the static version shows them all as one grid.")
    data = {"sprite": sprite, "w": tiles.shape[3], "h": tiles.shape[2], "k": _check_scale(scale),
            "nx": len(xs), "ny": len(ys), "xs": [float(v) for v in xs],
            "ys": [float(v) for v in ys[::-1]], "i0": len(ys) // 2, "j0": len(xs) // 2,
            "pts": _points(points, labels, MAX_POINTS), "colors": _COLORS,
            "names": [str(n) for n in axis_names],
            "classes": [str(c) for c in (class_names if class_names is not None else range(
                max((p[2] for p in _points(points, labels, MAX_POINTS)), default=-1) + 1))]}
    key = '<div class="du-x-key" aria-label="colour of each class"></div>' if points is not None \
        else ""
    body = ('<div><canvas width="420" height="420" tabindex="0" aria-label="code plane: move the '
            f'pointer, or use the arrow keys"></canvas>{key}</div><div><div class="du-x-img" '
            'role="img" aria-label="the decoded image"></div><div class="du-x-read" '
            'aria-live="polite"></div></div>')
    return Explorer(_page("plane", data, _PLANE_JS, alt, body, title), png, alt)


def traversal_explorer(images, element_names, values, *, start=None, compare=None,
                       model_names=None, scale: int = 2, vmin=0.0, vmax=1.0,
                       title: str | None = None, alt: str | None = None) -> Explorer:
    """One slider per code element; each shows the image decoded as that element moves.

    Args:
        images: (m, n, H, W[, 1]) or (m * n, H, W[, 1]) images; ``images[e, s]`` is decoded with
            element ``e`` at ``values[e][s]`` and the others fixed (the layout of
            :func:`deep_unsupervised.disentanglement.traversal_codes`).
        element_names: m names, one per traversed element (e.g. ``["z3", "z7"]``).
        values: the n increasing values of the traversal, shared, or (m, n), one row per element.
        start: the step each slider starts at (an int, or m ints); default the middle step.
        compare: optional images of a second model in the same layout, shown beside the first
            under the same slider (e.g. the β = 0 model beside a β-VAE: row ``e`` of each is the
            traversal of its element that best matches the slider's factor).
        model_names: the two models' names (required with ``compare``), shown under the images.
        scale, vmin, vmax, title, alt: as for :func:`code_plane_explorer`.

    Returns:
        An :class:`Explorer`.
    """
    names = [str(n) for n in element_names] if not isinstance(element_names, str) else []
    if not names:
        raise _invalid("element_names", "a non-empty sequence of names", element_names)
    v = np.asarray(values, dtype=float) if not isinstance(values, str) else np.array([])
    rows = [_check_values(r, "values") for r in (v if v.ndim == 2 else [v] * len(names))]
    if v.ndim == 2 and len(v) != len(names):
        raise _invalid("values", f"{len(names)} rows (one per element)", _brief(v))
    n = len(rows[0])
    tiles = _check_images(images, (len(names), n))
    models = [""]
    if compare is not None:
        if model_names is None or isinstance(model_names, str) or len(model_names) != 2:
            raise _invalid("model_names", "two names (the model of images, then of compare)",
                           model_names)
        tiles = np.concatenate([tiles, _check_images(compare, (len(names), n), "compare")])
        models = [str(m) for m in model_names]
    try:
        first = [n // 2] * len(names) if start is None else np.broadcast_to(start, len(names))
    except ValueError:
        raise _invalid("start", f"an int or {len(names)} ints", start) from None
    if not all(isinstance(s, Integral) and 0 <= s < n for s in first):
        raise _invalid("start", f"integers 0 <= start < {n}", start)
    sprite, png = _sprite(tiles, vmin, vmax)
    alt = alt or (f"Traversal explorer: one slider for each of {len(names)} code elements, "
                  f"{n} steps each; the static version shows every step as one grid.")
    data = {"sprite": sprite, "w": tiles.shape[3], "h": tiles.shape[2], "k": _check_scale(scale),
            "m": len(tiles), "n": n, "names": names, "start": [int(s) for s in first],
            "values": [[float(x) for x in r] for r in rows], "models": models}
    note = f"{NOTES['traversal']} ({', '.join(names)})"
    if compare is not None:
        k = len(names)
        note += f"; rows 1 to {k}: {models[0]}; rows {k + 1} to {2 * k}: {models[1]}"
    return Explorer(_page("traversal", data, _TRAVERSAL_JS, alt, "", title, note + "."), png,
                    alt)
