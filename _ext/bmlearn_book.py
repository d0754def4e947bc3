"""Small Sphinx additions for the bmlearn book.

- Jupyter Book 1 registers sphinx-thebe's inline configuration script twice, so
  every page declares ``const THEBE_JS_URL`` twice and the browser reports a
  JavaScript error. Drop repeated scripts from each page.
- The book build is where ``make test`` executes the lessons (once each). At the
  end of the build, print each lesson's execution time as myst-nb recorded it
  (a cached lesson reports the time of the run that filled the cache) and write
  them to ``_build/lessons/book.json``; ``tests/rendered`` checks them against
  the quick profile's budget.
"""

from __future__ import annotations

import json
import pathlib


def _dedupe_scripts(app, pagename, templatename, context, doctree):
    scripts = context.get("script_files")
    if not scripts:
        return
    seen, unique = set(), []
    for script in scripts:
        attributes = getattr(script, "attributes", {}) or {}
        # The same inline script may come once with filename None and once with "".
        name = getattr(script, "filename", script) or ""
        key = (str(name), tuple(sorted((k, str(v)) for k, v in attributes.items())))
        if key not in seen:
            seen.add(key)
            unique.append(script)
    scripts[:] = unique


def _lesson_times(app, exception):
    if exception is not None:
        return
    from myst_nb.sphinx_ import NbMetadataCollector
    from sphinx.util import logging

    rows = {}
    for docname in sorted(app.env.found_docs):
        if not docname.startswith("lessons/"):
            continue
        data = NbMetadataCollector.get_exec_data(app.env, docname) or {}
        rows[docname] = {"seconds": data.get("runtime"), "method": data.get("method"),
                         "succeeded": data.get("succeeded")}
    if not rows:
        return
    out = pathlib.Path(app.outdir).parent / "lessons"
    out.mkdir(parents=True, exist_ok=True)
    (out / "book.json").write_text(json.dumps(rows, indent=1) + "\n")
    log = logging.getLogger(__name__)
    log.info("lesson execution times (seconds; cached lessons: the run that filled the cache):")
    total = 0.0
    for docname, row in rows.items():
        seconds = row["seconds"] or 0.0
        total += seconds
        log.info(f"  {docname:<44} {seconds:7.1f}  {'ok' if row['succeeded'] else 'FAILED'}")
    log.info(f"  {'total':<44} {total:7.1f}")


def setup(app):
    # Early: a later handler may return a template name, which ends the event.
    app.connect("html-page-context", _dedupe_scripts, priority=100)
    app.connect("build-finished", _lesson_times)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
