"""make serve keeps the promise: a rebuild runs the pages against the current lossbook.

The MSE chapter is served from a copy of the book (its sources, snippets and the lossbook
package, which the server imports from the copy); then ``lossbook.mse`` is made 1% off in
the copy. The rebuild that follows must name the MSE page and its failing worked example.
"""

from __future__ import annotations

import queue
import socket
import subprocess
import sys
import threading
import time

from booksite.sitebuild import MSE_ONE_PERCENT_OFF, book_copy

PAGE = "chapters/mse.md"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_a_rebuild_names_the_mse_example_once_lossbook_mse_is_one_percent_off(tmp_path):
    book_copy(tmp_path, PAGE)
    command = [sys.executable, "-m", "mkdocs", "serve", "--dev-addr", f"127.0.0.1:{free_port()}"]
    # python -m puts the working directory first on the import path: the pages import the copy's lossbook.
    server = subprocess.Popen(command, cwd=tmp_path, stderr=subprocess.STDOUT, stdout=subprocess.PIPE, text=True)
    lines: queue.Queue[str] = queue.Queue()
    threading.Thread(target=lambda: [lines.put(line) for line in server.stdout], daemon=True).start()

    def read_until(marker: str, seconds: float) -> list[str]:
        seen, deadline = [], time.monotonic() + seconds
        while time.monotonic() < deadline:
            try:
                line = lines.get(timeout=1)
            except queue.Empty:
                continue
            seen.append(line)
            if marker in line:
                return seen
        raise AssertionError(f"no {marker!r} within {seconds} s; the server said:\n{''.join(seen)}")

    try:
        first = read_until("Serving on", 180)
        assert not any("failed" in line for line in first), "".join(first)
        watching = "".join(first)
        assert "lossbook" in watching and "snippets" in watching and "booksite" in watching, watching
        regression = tmp_path / "lossbook" / "regression.py"
        regression.write_text(regression.read_text(encoding="utf-8") + MSE_ONE_PERCENT_OFF, encoding="utf-8")
        rebuild = read_until("Detected file changes", 60)
        rebuild += read_until("exec block(s) failed", 180)  # the end of that one rebuild
        log = "".join(rebuild)
        assert "docs/chapters/mse.md, block 'mse-" in log, log
        assert "disagrees with lossbook.regression.mse" in log, log
        assert log.count("Building documentation") == 1  # within one rebuild
    finally:
        server.terminate()
        server.wait(timeout=30)
