"""Drawing the pages' figures in a second process while the pages' code goes on running.

Drawing a figure (matplotlib's SVG backend: ticks, text layout, paths) is most of what a
figure block costs, and none of the blocks after it needs the drawing. So during a build
:func:`booksite.page.figure` checks the figure's data and alt text at once, in the block,
then hands the figure (pickled) to :class:`FigureProcess` and prints a placeholder; the
plugin swaps each placeholder for its SVG before the page is written. The SVG is the one
:func:`booksite.page.svg_of` would have drawn in place, byte for byte; a drawing that fails
or warns fails the build, naming the page and the block.

The process is started per build (so it draws with the current booksite code) and ended
with it. A figure that cannot be pickled is drawn in place.
"""

from __future__ import annotations

import multiprocessing
import pickle
import re
import warnings
from dataclasses import dataclass
from multiprocessing.pool import AsyncResult

from markupsafe import escape

from booksite.guard import tripwire

PLACEHOLDER = re.compile(r"<!--booksite:figure (\d+)-->")


def svg_from_pickle(data: bytes, alt: str) -> str:
    """In the drawing process: :func:`booksite.page.svg_of` of a pickled figure, under the block's rules.

    A warning is an error, and so is any output (matplotlib logs some problems, such as too
    many ticks, to stderr), as they would be in the block.
    """
    from booksite.page import svg_of

    with tripwire() as stray, warnings.catch_warnings():
        warnings.simplefilter("error")
        svg = svg_of(pickle.loads(data), alt)  # noqa: S301 (a figure this build pickled a moment ago)
    if stray:
        written = " ".join(stray.values()).strip()
        raise RuntimeError(f"wrote to the {' and '.join(stray)} while drawing: {written[:300]}")
    return svg


@dataclass
class Pending:
    """A figure being drawn: where it was made, and the drawing to come."""

    where: str  # the page file and block, as the build names them
    record: dict  # the block's manifest record, failed if the drawing fails
    result: AsyncResult


class FigureProcess:
    """One worker process that draws figures; placeholders in, SVG out."""

    def __init__(self, timeout: float):
        self.timeout = timeout
        self.pool = multiprocessing.get_context("spawn").Pool(1)
        self.pending: dict[str, Pending] = {}

    def submit(self, fig, alt: str, where: str, record: dict) -> str | None:
        """Start drawing ``fig``; return its placeholder, or None when it cannot be pickled (draw it in place)."""
        try:
            data = pickle.dumps(fig)
        except Exception:  # noqa: BLE001 (a lambda formatter, say: the block draws it itself)
            return None
        if b"_booksite_" in data or b"__main__" in data:
            return None  # refers to a class or function of a block, which the other process cannot import
        key = str(len(self.pending))
        self.pending[key] = Pending(where, record, self.pool.apply_async(svg_from_pickle, (data, alt)))
        return f"<!--booksite:figure {key}-->"

    def fill(self, html: str, failures: list[str]) -> str:
        """``html`` with each placeholder replaced by its SVG; a failed drawing is appended to ``failures``."""

        def svg(match: re.Match) -> str:
            pending = self.pending.pop(match[1])
            try:
                return pending.result.get(self.timeout)
            except multiprocessing.TimeoutError:
                reason = f"drawing a figure took longer than the time limit of {self.timeout:g} s"
            except Exception as error:  # noqa: BLE001 (anything the drawing raised fails the block)
                reason = f"drawing a figure raised {type(error).__name__}: {error}"
            pending.record["outcome"] = "failed"
            failures.append(f"{pending.where}: {reason}")
            return f'<p class="admonition failure">Figure failed: {escape(reason)}</p>'

        return PLACEHOLDER.sub(svg, html)

    def close(self) -> None:
        """End the process; figures still pending are dropped (the build failed before writing them)."""
        self.pool.terminate()
        self.pool.join()
