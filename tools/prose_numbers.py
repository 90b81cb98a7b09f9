"""Find measured-looking numbers in Markdown that are not glued (issue 16, item 1).

A figure the book measured (an accuracy, a loss, nats, seconds, a count of dead units...) must reach
the prose through myst-nb's ``glue`` (``{glue:text}`name:.3f```), so that text and results cannot
drift apart. This module strips what may legitimately hold numbers (maths, code, roles such as
``{glue:text}``/``{cite:p}``/``{numref}``, links, directive lines, labels) and then flags:

- decimals (``0.889``) outside section/equation/version references and settings written ``x = 0.5``;
- numbers with a unit: ``%``, ``×`` (``2×``, not ``4×4``), nats, bits, dB, s, ms, min, h, MB, GB,
  px, ``K``/``M`` suffixes (``220K``);
- thousands (``22,699``) and integers of five or more digits unless round (at most two significant
  digits, e.g. ``10,000``, ``15,000``).

Integers without a unit, years, equation numbers and everything inside ``$...$`` pass. Numbers after a
bound (``≤ 3 min``, ``under 2 GB``) are budgets, not results, and pass too.

Constants from the lecture or the papers are allow-listed in ``tools/number_allowlist.yml``, per
chapter (the page's file stem), each entry with its reason.
"""

from __future__ import annotations

import re
from pathlib import Path

import yaml

ALLOWLIST = Path(__file__).resolve().parent / "number_allowlist.yml"

_FENCE = re.compile(r"^\s*(`{3,}|~{3,}|:{3,})\s*(\{([\w:-]+)\})?.*$")
_CODE_DIRECTIVES = {"math", "code", "code-block", "code-cell", "sourcecode", "raw", "glue:math",
                    "literalinclude", "bibliography", "mermaid", "graphviz", "csv-table", "image",
                    "figure", "glue:figure", "glue:any", "glue", "toctree", "tableofcontents"}
_STRIP = [
    re.compile(r"<!--.*?-->", re.S),                            # HTML comments
    re.compile(r"\$\$.*?\$\$", re.S),                           # display maths
    re.compile(r"\\begin\{(\w+\*?)\}.*?\\end\{\1\}", re.S),     # amsmath environments
    re.compile(r"(?<![\\$])\$(?!\s)(?:[^$\n]|\n(?!\s*\n))+?(?<![\s\\])\$"),  # inline maths
    re.compile(r"\{[\w:.-]+\}(`+).*?\1", re.S),                 # roles: glue, cite, ref, numref, eq
    re.compile(r"(`+).+?\1", re.S),                             # code spans
    re.compile(r"!?\[[^\]]*\]\([^)]*\)"),                       # links and images
    re.compile(r"\[[^\]]*\]\[[^\]]*\]"),                        # reference links
    re.compile(r"<https?://[^>]*>|https?://\S+"),               # bare URLs
    re.compile(r"<[^>\n]+>"),                                   # HTML tags
    re.compile(r"^\s*\([\w:.-]+\)=\s*$", re.M),                 # labels
    re.compile(r"^\s*:[\w-]+:.*$", re.M),                       # directive options
    re.compile(r"^\s*\[\^?[\w-]+\]:.*$", re.M),                 # link / footnote definitions
]
_NUMBER = re.compile(r"(?<![\w.,/\\^_])(\d{1,3}(?:,\d{3})+|\d+)(\.\d+)?")
_UNIT = re.compile(
    r"^(?:\s(?:s|h)\b|\s?(?:%|×(?!\s*[\d$(\\])|nats?\b|bits?\b|dB\b|ms\b|sec\b|seconds?\b|min\b|"
    r"minutes?\b|hours?\b|[KMG]i?B\b|kB\b|px\b|pp\b|percent\b|percentage points?\b)|[KM]\b|x\b)")
# Words before a number that make it a reference, a version or a setting, not a result.
_REFERENCE_BEFORE = re.compile(
    r"(?:§|\b(?:sections?|secs?\.|chapters?|chs?\.|eqs?\.|equations?|(?-i:Figures?|Figs?\.|Tables?)|"
    r"algorithms?|arxiv:?|version|python|keras|tensorflow|numpy|jupyter\s*book|mathjax|"
    r"exercises?|slides?|pages?|pp\.|p\.|cc by(?:-\w\w)*|licen[cs]e|ubuntu|debian|node|npm)\s*\(?)(?:[\d.,–\-]+(?:\s*(?:,|and|or|to|–|-)\s*)?)*$",
    re.I)
_BOUND_BEFORE = re.compile(r"(?:[≤≥<>]|\b(?:under|below|above|at most|at least|within|less than|"
                           r"more than|up to|budget of|limit of))\s*$", re.I)
_SETTING_BEFORE = re.compile(
    r"(?:=|\b(?:learning rate|dropout rate|threshold(?:ed)?|momentum|decay|temperature|"
    r"standard deviation|std|noise level)(?:\s+(?:of|at|is|to))?|[σβαλεγ])\s*$", re.I)


def load_allowlist(path: Path = ALLOWLIST) -> dict[str, dict[str, str]]:
    """{page stem or "all": {number text: reason}}; every entry must give a reason."""
    if not path.exists():
        return {}
    data = yaml.safe_load(path.read_text()) or {}
    allow: dict[str, dict[str, str]] = {}
    for page, entries in data.items():
        allow[page] = {}
        for entry in entries or []:
            if not isinstance(entry, dict) or not str(entry.get("reason", "")).strip():
                raise ValueError(f"{path.name}: entry {entry!r} of {page!r} needs a 'number' "
                                 "and a 'reason'")
            allow[page][str(entry["number"]).strip()] = entry["reason"]
    return allow


def prose_text(markdown: str) -> str:
    """The Markdown with maths, code, roles, links, labels and directive lines blanked out.

    Blanked spans keep their newlines so that line numbers survive.
    """
    out: list[str] = []
    stack: list[tuple[str, bool]] = []   # open fences: (fence, body is prose)
    for line in markdown.split("\n"):
        match = _FENCE.match(line)
        closes = match and stack and line.strip() == match.group(1) \
            and match.group(1)[0] == stack[-1][0][0] and len(match.group(1)) >= len(stack[-1][0])
        if closes:
            stack.pop()
            out.append("")
        elif stack and not stack[-1][1]:
            out.append("")                   # inside code or a maths directive
        elif match:
            name = match.group(3)
            prose = name is not None and name not in _CODE_DIRECTIVES
            stack.append((match.group(1), prose))
            # An admonition's title is prose; exercise titles and the rest of the line are not.
            keep = prose and not name.startswith(("exercise", "solution"))
            out.append(line[match.end(2):] if keep else "")
        else:
            out.append(line)
    text = "\n".join(out)
    for pattern in _STRIP:
        text = pattern.sub(lambda m: re.sub(r"[^\n]", " ", m.group(0)), text)
    return text


def _round(digits: str) -> bool:
    return len(digits.rstrip("0")) <= 2


def measured_numbers(markdown: str) -> list[tuple[str, str]]:
    """(number with its unit, message) for every measured-looking number in the Markdown's prose."""
    text = prose_text(markdown)
    found = []
    for m in _NUMBER.finditer(text):
        whole, frac = m.group(1), m.group(2)
        after, before = text[m.end():m.end() + 24], text[max(0, m.start() - 40):m.start()]
        if frac and re.match(r"\.\d", after):
            continue                             # a version such as 3.2.2
        if after[:1].isalpha() and not _UNIT.match(after):
            continue                             # part of a word: 3D, 1st, 1e-3
        if _REFERENCE_BEFORE.search(before) or _BOUND_BEFORE.search(before) \
                or (before.endswith("(") and after.startswith(")") and frac):  # equation (3.1)
            continue
        unit = _UNIT.match(after)
        digits = whole.replace(",", "")
        if unit:
            reason = "number with a unit"
        elif frac:
            if _SETTING_BEFORE.search(before):
                continue
            reason = "decimal"
        elif "," in whole and not _round(digits):
            reason = "thousands"
        elif len(digits) >= 5 and not _round(digits):
            reason = "large number"
        else:
            continue
        token = whole + (frac or "")
        line_start = text.rfind("\n", 0, m.start()) + 1
        line_end = text.find("\n", m.end())
        context = " ".join(text[line_start: line_end if line_end >= 0 else None].split())
        line = text.count("\n", 0, m.start()) + 1
        shown = token + (unit.group(0) if unit else "")
        found.append((shown, f"line {line}: {reason}: {shown} in "
                             f"\"{_clip(context, token)}\""))
    return found


def _clip(context: str, token: str, width: int = 90) -> str:
    at = context.find(token)
    start = max(0, at - width // 2)
    piece = context[start:start + width]
    return ("…" if start else "") + piece + ("…" if start + width < len(context) else "")


def unglued(markdown: str, page: str, allow: dict[str, dict[str, str]]) -> list[str]:
    """Messages for the measured-looking numbers of one Markdown text not allow-listed for page."""
    allowed = {**allow.get("all", {}), **allow.get(page, {})}
    def listed(shown: str) -> bool:  # "95 nats" matches an entry "95 nats", "95nats" or "95"
        number = _NUMBER.match(shown).group(0)
        return number in allowed or shown in allowed or shown.replace(" ", "") in allowed

    return [message for shown, message in measured_numbers(markdown) if not listed(shown)]
