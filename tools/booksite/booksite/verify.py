"""Check a built site against the source pages, whatever engine built it.

    python -m booksite.verify [SITE_DIR] [--docs DOCS_DIR]      (make verify; default: site, docs)

Reads only files: the Markdown sources and the built site. Exits 1, listing every
problem with its page file and block id, unless

- the site has pages and the build manifest (``booksite-manifest.json``), which only
  the booksite plugin writes: a site built with the plugins removed, or by an engine
  that ignores MkDocs plugins, has none;
- every exec block of every source page is in the manifest, in page order, and ran
  without failure;
- every block's output is in its page, unchanged since the build (the digest of what
  lies between its markers), with the checks and figures the manifest records, and a
  block whose code draws a figure shows one;
- every page that shows code offers its notebook and script; every page whose
  source has math renders it with KaTeX, whose files the site serves.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

from booksite import downloads, fences, manifest

MATH = re.compile(r"\$\$|\$[^$\s][^$\n]*\$")  # arithmatex (generic) reads $...$ and $$...$$
KATEX = ("assets/katex/katex.min.js", "assets/katex/katex.min.css", "assets/katex/contrib/auto-render.min.js")


def _html_path(src: str) -> str:
    """Where MkDocs (use_directory_urls) writes a page: chapters/mse.md -> chapters/mse/index.html."""
    stem = src.removesuffix(".md")
    if stem == "index" or stem.endswith("/index"):
        return f"{stem}.html"
    return f"{stem}/index.html"


def _prose(markdown: str) -> str:
    """The page without its fenced code (math in code is not math)."""
    lines = markdown.split("\n")
    for fence in reversed(fences.fences(markdown)):
        end = fence.line + fence.body.count("\n") + 1
        del lines[fence.line - 1 : end + 1]
    return re.sub(r"`[^`\n]*`", "", "\n".join(lines))


def page_problems(site: Path, src: str, markdown: str, entry: dict | None) -> list[str]:
    """What is wrong with one page of the built site."""
    label = f"docs/{src}"
    found = [f"{label} {problem}" for problem in fences.problems(markdown, src)]
    blocks = fences.exec_blocks(markdown)
    html_file = site / (entry["html"] if entry else _html_path(src))
    if not html_file.is_file():
        return [*found, f"{label}: the page {html_file.relative_to(site)} is missing from the site"]
    html = html_file.read_text(encoding="utf-8")
    if blocks and entry is None:
        return [*found, f"{label}: not in the build manifest, yet it has {len(blocks)} exec block(s)"]
    records = {record["id"]: record for record in (entry or {}).get("blocks", [])}
    ran = [record["id"] for record in (entry or {}).get("blocks", [])]
    if ran != [fence.block_id for fence in blocks]:
        found.append(f"{label}: the manifest lists blocks {ran}, the source has {[f.block_id for f in blocks]}")
    outputs = manifest.outputs(html)
    for fence in blocks:
        where = f"{label}, block {fence.block_id!r}"
        record = records.get(fence.block_id)
        if record is None:
            found.append(f"{where}: never ran (not in the manifest)")
            continue
        if record["outcome"] != "ok":
            found.append(f"{where}: {record['outcome']} in the build")
            continue
        if fence.block_id not in outputs:
            found.append(f"{where}: its output is missing from {html_file.relative_to(site)}")
            continue
        output = outputs[fence.block_id]
        if manifest.digest(output) != record.get("digest"):
            found.append(f"{where}: its output in the page is not what the build wrote (edited or deleted)")
        checks = output.count('class="lb-checked"')
        if checks < len(record["checks"]):
            found.append(f"{where}: shows {checks} passed check(s), the build recorded {len(record['checks'])}")
        figures = len(re.findall(r'<svg\b[^>]*\bclass="lb-svg"', output))
        if figures < record["figures"] or (re.search(r"\bfigure\(", fence.body) and figures == 0):
            found.append(f"{where}: shows {figures} figure(s); its code draws {max(record['figures'], 1)}")
    if fences.has_reader_code(markdown):
        name = downloads.stem(_html_path(src))
        for wanted in (f"{name}.ipynb", f"{name}.py"):
            if not (html_file.parent / wanted).is_file() or f'href="{wanted}"' not in html:
                found.append(f"{label}: shows code but does not offer {wanted} (missing file or link)")
    if MATH.search(_prose(markdown)) and 'class="arithmatex"' not in html:
        found.append(f"{label}: has math in its source but none marked for KaTeX in the page")
    if 'class="arithmatex"' in html:
        missing = [asset for asset in KATEX if not (site / asset).is_file() or asset.rsplit("/", 1)[-1] not in html]
        if missing:
            found.append(f"{label}: renders math but the site does not serve or load {', '.join(missing)}")
    return found


def problems(site: Path, docs: Path) -> list[str]:
    """Every problem of the built ``site`` against the sources in ``docs`` (empty: the site may ship)."""
    if not (site / "index.html").is_file():
        return [f"{site} is not a built site: no index.html"]
    if not (site / manifest.NAME).is_file():
        return [
            f"{site} has no {manifest.NAME}: it was not built by the booksite plugin "
            "(plugins removed from mkdocs.yml, or an engine that does not run MkDocs plugins)"
        ]
    try:
        doc = manifest.read(site)
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        return [f"{site / manifest.NAME} is not readable JSON: {error}"]
    if doc.get("booksite") != manifest.VERSION:
        return [f"{manifest.NAME} has version {doc.get('booksite')!r}, expected {manifest.VERSION}"]
    entries = doc.get("pages", {})
    sources = {md.relative_to(docs).as_posix(): md for md in sorted(docs.rglob("*.md"))}
    if not sources:
        return [f"{docs} has no pages"]
    found = []
    for src, path in sources.items():
        found += page_problems(site, src, path.read_text(encoding="utf-8"), entries.get(src))
    found += [f"docs/{src}: in the manifest but not a source page" for src in entries if src not in sources]
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.strip().splitlines()[0])
    parser.add_argument("site", nargs="?", type=Path, default=Path("site"))
    parser.add_argument("--docs", type=Path, default=Path("docs"))
    args = parser.parse_args(argv)
    found = problems(args.site, args.docs)
    for problem in found:
        print(f"verify: {problem}", file=sys.stderr)
    if found:
        print(f"verify: {len(found)} problem(s): {args.site} must not ship", file=sys.stderr)
        return 1
    pages = len(manifest.read(args.site)["pages"])
    print(f"verify: {args.site} matches {args.docs}: {pages} pages, every exec block ran and shows its output")
    return 0


if __name__ == "__main__":
    sys.exit(main())
