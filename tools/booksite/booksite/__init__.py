"""The lossbook site's machinery, one installed package.

- :mod:`booksite.plugin`: the MkDocs plugin (``plugins: - booksite`` in mkdocs.yml) that
  checks every exec fence, runs every exec block under guards, offers each page's code
  as downloads, ships KaTeX, rewrites the search index and writes the build manifest.
- :mod:`booksite.fences`: the one parser of fences, snippet includes and reader code.
- :mod:`booksite.guard`: running one block so that nothing unexpected passes.
- :mod:`booksite.page` and :mod:`booksite.emulate`: what the pages import.
- :mod:`booksite.downloads`, :mod:`booksite.search`: what the plugin writes.
- :mod:`booksite.verify`: the engine-independent check of a built site.
- :mod:`booksite.sitebuild`, :mod:`booksite.browser`, :mod:`booksite.codeblocks`,
  :mod:`booksite.weight`, :mod:`booksite.widgets`: what the tests and the command-line tools share.
- :mod:`booksite.pdf`: the whole book as one PDF (``make pdf``).
"""

from pathlib import Path

# The repository this (editable) package is installed from: tools/booksite/booksite/ -> repo.
ROOT = Path(__file__).resolve().parents[3]
