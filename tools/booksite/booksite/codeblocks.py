"""The code blocks of a built page, as the theme's copy button gives them to a reader.

Material for MkDocs copies the ``innerText`` of a code block's ``<code>``
element while its annotation markers are hidden (``[data-md-copying]
.md-annotation {display: none}``), then trims the end of the text. Line
numbers are not part of it: with ``anchor_linenums`` each line starts with an
empty ``<a>``. This module reproduces that from the HTML, annotations
included (a comment's ``(1)`` marker, or the whole comment with ``(1)!``,
disappears when an ordered list of annotations follows the block).
``tests/book/test_browser.py`` checks the reproduction against the real button in
Chromium, on every page.
"""

from __future__ import annotations

import ast
import re
import sys
from dataclasses import dataclass, field
from html.parser import HTMLParser

# What a reader already has: NumPy, lossbook, and Python's standard library.
# A block importing anything else "needs another library" and must be one of
# snippets/frameworks/*.py (run by tests/book/test_framework_snippets.py).
ALLOWED_IMPORTS = frozenset({"numpy", "lossbook", "math", "fractions"}) | frozenset(sys.stdlib_module_names)

# Pygments token classes only the Python lexer emits in these blocks (names,
# import keywords, module and function names). Text output has no tokens;
# console sessions have prompts ("gp").
_PYTHON_TOKENS = {"n", "kn", "nn", "nf"}
_COMMENT_CLASSES = {"c", "c1", "cm"}
_MARKER = re.compile(r"(\(\d+\))(!)?")


@dataclass
class CodeBlock:
    classes: list[str]
    text: str = ""
    tokens: set[str] = field(default_factory=set)
    annotations: int | None = None  # items of the annotation list that follows the block, if one does
    chunks: list = field(default_factory=list, repr=False)  # (text, in a comment) inside <code>

    @property
    def language(self) -> str | None:
        """The language class pymdownx.highlight writes when ``pygments_lang_class`` is on."""
        for cls in self.classes:
            if cls.startswith("language-"):
                return cls.removeprefix("language-")
        return None

    @property
    def is_python(self) -> bool:
        """Python a reader can run: not a console session, program output or an API signature."""
        if "doc-signature" in self.classes:
            return False
        if self.language is not None:
            return self.language in ("python", "py")
        # Without language classes, tell the lexer by the tokens it produced.
        return bool(self.tokens & _PYTHON_TOKENS) and "gp" not in self.tokens


def _strip_markers(text: str, items: int) -> str:
    """A comment's text once Material has turned its annotation markers into (hidden) annotations."""
    out = ""
    while match := _MARKER.search(text):
        marker, force = match.groups()
        shown = "" if int(marker[1:-1]) <= items else marker
        if force is None:
            out += text[: match.start()] + shown
            text = text[match.end(1) :]
        else:  # "(1)!": the rest of the comment becomes the marker
            return out + shown
    return out + text


class _Parser(HTMLParser):
    VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.blocks: list[CodeBlock] = []
        self._block: CodeBlock | None = None
        self._div_depth = 0  # open <div>s inside the current .highlight block
        self._in_code = False
        self._spans: list[set[str]] = []  # classes of the open elements inside <code>
        self._chunks: list[tuple[str, bool]] = []  # (text, inside a comment token)
        self._after_block: CodeBlock | None = None  # the block whose next sibling we look for
        self._in_p = False
        self._list_depth = 0
        self._list_items = 0

    def handle_starttag(self, tag, attrs):
        classes = (dict(attrs).get("class") or "").split()
        if self._list_depth:
            self._list_depth += tag == "ol"
            self._list_items += tag == "li" and self._list_depth == 1
            return
        if self._after_block is not None:
            # Material's annotation list is the block's next element sibling if it is an
            # <ol>, looking past <p>s without child elements.
            if tag == "ol" and not self._in_p:
                self._list_depth, self._list_items = 1, 0
                return
            if tag == "p" and not self._in_p:
                self._in_p = True
            else:
                self._after_block = None
        if self._block is None:
            if tag == "div" and "highlight" in classes:
                self._block = CodeBlock(classes)
                self._div_depth = 1
            return
        if tag == "div":
            self._div_depth += 1
        elif tag == "code" and not self._in_code:
            self._in_code, self._chunks, self._spans = True, [], []
        elif self._in_code and tag not in self.VOID:
            self._spans.append(set(classes))
            self._block.tokens.update(classes)

    def handle_endtag(self, tag):
        if self._list_depth:
            self._list_depth -= tag == "ol"
            if self._list_depth == 0:
                self._after_block.annotations = self._list_items
                self._after_block = None
            return
        if self._after_block is not None:
            if tag == "p" and self._in_p:
                self._in_p = False
            else:
                self._after_block = None
        if self._block is None:
            return
        if self._in_code:
            if tag == "code":
                self._in_code = False
                self._block.chunks = self._chunks
            elif self._spans:
                self._spans.pop()
            return
        if tag == "div":
            self._div_depth -= 1
            if self._div_depth == 0:
                self.blocks.append(self._block)
                self._after_block, self._block, self._in_p = self._block, None, False

    def handle_data(self, data):
        if self._in_code:
            comment = any(classes & _COMMENT_CLASSES for classes in self._spans)
            self._chunks.append((data, comment))


def code_blocks(html: str) -> list[CodeBlock]:
    """Every ``.highlight`` code block of a page, with the text its copy button copies."""
    parser = _Parser()
    parser.feed(html)
    parser.close()
    for block in parser.blocks:
        chunks = block.chunks
        if block.annotations is not None:
            chunks = [
                (_strip_markers(text, block.annotations) if comment else text, comment) for text, comment in chunks
            ]
        block.text = "".join(text for text, _ in chunks).rstrip()
    return parser.blocks


def python_blocks(html: str) -> list[CodeBlock]:
    return [block for block in code_blocks(html) if block.is_python]


def foreign_imports(code: str) -> set[str]:
    """Top-level packages the code imports beyond numpy, lossbook and the standard library."""
    try:
        tree = ast.parse(code)
    except SyntaxError:
        return set()  # not importing anything we can see; running it will report the error
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            names.add("." if node.level else (node.module or "").split(".")[0])
    return {name for name in names if name not in ALLOWED_IMPORTS}


def block_html(code: str, number: int = 99) -> str:
    """Python code as pymdownx.highlight renders it (Pygments tokens, line anchors): for the guard tests."""
    from pygments import highlight
    from pygments.formatters import HtmlFormatter
    from pygments.lexers import PythonLexer

    body = highlight(code, PythonLexer(), HtmlFormatter(nowrap=True))
    anchor = f"__codelineno-{number}"
    lines = "".join(
        f'<a id="{anchor}-{n}" name="{anchor}-{n}" href="#{anchor}-{n}"></a>{line}\n'
        for n, line in enumerate(body.rstrip("\n").split("\n"), 1)
    )
    return f'<div class="highlight"><pre><span></span><code>{lines}</code></pre></div>\n'
