"""Local Sphinx extension: small fixes to the HTML book (loaded by _config.yml, local_extensions).

- Exercise solutions are shown without their nbgrader markers (``### BEGIN SOLUTION``,
  ``### END SOLUTION``, hidden-test markers, ``# YOUR CODE HERE``, ``raise NotImplementedError()``):
  the marker lines are dropped from the rendered code cells; the notebooks keep them for
  ``tools/assignments.py``.
- Bibliography labels are author–year ("Kingma and Welling, 2014"), like the citations in the text
  (``bibtex_reference_style: author_year``), instead of pybtex's alpha labels ("[KW14]").
- Inline scripts that an extension registered twice are emitted once (sphinx-thebe adds its
  ``const THEBE_JS_URL`` twice under Sphinx 7.4, a JavaScript error on every page).
- The colour mode defaults to "auto" (the theme's empty default logs "Got invalid theme mode").
- The theme's Font Awesome JavaScript kit (1.5 MB, replaces icons by inline SVG) is replaced by a
  stub: the theme's CSS already draws the same icons with the Font Awesome web fonts.
- The home page's chapter cards (tools/front_door.py) replace the line ``<!-- chapter-cards -->``
  of index.md when it is read (index is re-read at every build, so they are never stale), and
  their thumbnails are written to _static/front/ when the HTML build finishes, with the PDF and
  the slide decks (``make handouts``) under handouts/ when they were made.
"""

from __future__ import annotations

import re
from pathlib import Path

from docutils import nodes

NBGRADER_MARKER = re.compile(
    r"^[ \t]*(?:#{1,3} (?:BEGIN|END) (?:SOLUTION|HIDDEN TESTS)[^\n]*|# YOUR CODE HERE[ \t]*|"
    r"raise NotImplementedError(?:\(\))?[ \t]*)\n?", re.M)
FONTAWESOME_STUB = ("/* The theme's Font Awesome JavaScript kit is not used: the icons come from "
                    "the Font Awesome web fonts of the theme's CSS (tools/book_html.py). */\n")


def strip_nbgrader_markers(app, doctree, docname) -> None:
    """Drop nbgrader's marker lines from rendered notebook code cells (not from Markdown code)."""
    for block in list(doctree.findall(nodes.literal_block)):
        parent = block.parent
        if not (isinstance(parent, nodes.container) and "cell_input" in parent.get("classes", [])):
            continue
        text = block.astext()
        if not NBGRADER_MARKER.search(text):
            continue
        cleaned = NBGRADER_MARKER.sub("", text).rstrip("\n")
        new = nodes.literal_block(cleaned, cleaned, **{k: v for k, v in block.attributes.items()
                                                       if k not in ("ids", "backrefs")})
        new["ids"] = block["ids"]
        new.source, new.line = block.source, block.line
        block.replace_self(new)


def unique_scripts(app, pagename, templatename, context, doctree) -> None:
    """Emit each script (same file, same inline body) once per page."""
    scripts = context.get("script_files")
    if not scripts:
        return
    seen, unique = set(), []
    for js in scripts:
        # An inline script has filename None or "" depending on who added it: the same script.
        key = (str(getattr(js, "filename", js) or ""),
               str(getattr(js, "attributes", {}).get("body", "")))
        if key not in seen:
            seen.add(key)
            unique.append(js)
    context["script_files"] = unique


def default_colour_mode(app, config) -> None:
    """pydata-sphinx-theme reads the default colour mode from html_context["default_mode"]."""
    context = dict(config.html_context or {})
    if not context.get("default_mode"):
        context["default_mode"] = "auto"
    config.html_context = context


def _front_door():
    from tools import front_door  # tools/ is on the path: _config.yml loads this file as a local extension

    return front_door


def chapter_cards(app, docname, source) -> None:
    """Replace the marker line of index.md by the chapter cards."""
    front_door = _front_door()
    if docname == "index" and front_door.MARKER in source[0]:
        app.env.du_front_door = front_door.chapters(Path(app.srcdir))
        source[0] = source[0].replace(front_door.MARKER, front_door.cards_html(
            app.env.du_front_door, front_door.handouts(Path(app.srcdir))))


def always_read_index(app, env, added, changed, removed) -> list[str]:
    """The cards depend on the notebooks and the timing record, which Sphinx does not track."""
    return ["index"] if "index" in env.found_docs else []


def write_thumbnails(app, exception) -> None:
    if exception is None and app.builder.format == "html":
        items = getattr(app.env, "du_front_door", None) or _front_door().chapters(Path(app.srcdir))
        _front_door().write_thumbnails(items, Path(app.outdir))
        _front_door().publish_handouts(Path(app.srcdir), Path(app.outdir))


def stub_fontawesome(app, exception) -> None:
    if exception is None and app.builder.format == "html":
        path = Path(app.outdir) / "_static" / "scripts" / "fontawesome.js"
        if path.exists():
            path.write_text(FONTAWESOME_STUB)


def register_author_year_labels() -> None:
    """pybtex styles "authoryear": labels "Author and Author, 2014" / "Author et al., 2016"."""
    from pybtex.plugin import register_plugin
    from pybtex.style.formatting.unsrt import Style as UnsrtStyle
    from pybtex.style.labels import BaseLabelStyle

    class AuthorYearLabelStyle(BaseLabelStyle):
        def format_labels(self, sorted_entries):
            labels = [self.format_label(entry) for entry in sorted_entries]
            counts: dict[str, int] = {}
            for label in labels:
                counts[label] = counts.get(label, 0) + 1
            seen: dict[str, int] = {}
            for label in labels:  # "Smith, 2014a", "Smith, 2014b" when two entries collide
                if counts[label] > 1:
                    seen[label] = seen.get(label, 0) + 1
                    yield label + "abcdefghijklmnopqrstuvwxyz"[seen[label] - 1]
                else:
                    yield label

        @staticmethod
        def format_label(entry):
            persons = entry.persons.get("author") or entry.persons.get("editor") or []
            names = [" ".join(p.last_names) or " ".join(p.first_names) for p in persons]
            names = [re.sub(r"[{}]", "", n) for n in names]
            if not names:
                who = re.sub(r"[{}]", "", entry.fields.get("organization", entry.key))
            elif len(names) == 1:
                who = names[0]
            elif len(names) == 2:
                who = f"{names[0]} and {names[1]}"
            else:
                who = f"{names[0]} et al."
            return f"{who}, {entry.fields.get('year', 'n.d.')}"

    class AuthorYearStyle(UnsrtStyle):
        default_label_style = "authoryear"
        default_sorting_style = "author_year_title"

    register_plugin("pybtex.style.labels", "authoryear", AuthorYearLabelStyle)
    register_plugin("pybtex.style.formatting", "authoryear", AuthorYearStyle)


def setup(app):
    register_author_year_labels()
    app.connect("config-inited", default_colour_mode)
    app.connect("doctree-resolved", strip_nbgrader_markers)
    app.connect("html-page-context", unique_scripts, priority=900)
    app.connect("build-finished", stub_fontawesome)
    app.connect("source-read", chapter_cards)
    app.connect("env-get-outdated", always_read_index)
    app.connect("build-finished", write_thumbnails)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
