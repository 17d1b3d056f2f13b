"""Reading a table back from a page's HTML, as a reader sees it: each body row as (the heading of
its section, its row heading, the texts of its cells). A section row (a heading over the rows
that follow, `<th scope="rowgroup">`) only sets the section."""

from __future__ import annotations

from html.parser import HTMLParser


class _Tables(HTMLParser):
    def __init__(self, testid: str):
        super().__init__()
        self.testid = testid
        self.depth = 0  # > 0 inside the wanted table
        self.in_body = False
        self.rows: list[tuple[str, str, list[str]]] = []
        self.section = ""
        self.cells: list[str] | None = None
        self.text: list[str] | None = None
        self.rowgroup = False
        self.in_head = False
        self.head_rows: list[list[tuple[str, int]]] = []
        self.span = 1

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "table" and (self.depth or attrs.get("data-testid") == self.testid):
            self.depth += 1
        if not self.depth:
            return
        if tag == "tbody":
            self.in_body = True
        elif tag == "thead":
            self.in_head = True
        elif tag == "tr" and self.in_head:
            self.head_rows.append([])
        elif tag == "tr" and self.in_body:
            self.cells = []
        elif tag == "th" and self.in_head:
            self.text = []
            self.span = int(attrs.get("colspan") or 1)
        elif tag in ("th", "td") and self.cells is not None:
            self.text = []
            self.rowgroup = attrs.get("scope") == "rowgroup"

    def handle_endtag(self, tag):
        if not self.depth:
            return
        if tag == "th" and self.in_head and self.text is not None:
            self.head_rows[-1].append((" ".join("".join(self.text).split()), self.span))
            self.text = None
        elif tag == "thead":
            self.in_head = False
        elif tag in ("th", "td") and self.text is not None and self.cells is not None:
            text = " ".join("".join(self.text).split())
            if self.rowgroup:
                self.section = text
            else:
                self.cells.append(text)
            self.text = None
        elif tag == "tr" and self.cells is not None:
            if self.cells:
                self.rows.append((self.section, self.cells[0], self.cells[1:]))
            self.cells = None
        elif tag == "tbody":
            self.in_body = False
        elif tag == "table":
            self.depth -= 1

    def handle_data(self, data):
        if self.text is not None:
            self.text.append(data)


def read_table(html: str, testid: str) -> list[tuple[str, str, list[str]]]:
    parser = _Tables(testid)
    parser.feed(html)
    assert parser.rows, f"no table {testid!r} on the page"
    return parser.rows


def column_groups(html: str, testid: str) -> list[str]:
    """The group heading over each column after the row headings' ("" for none): the upper
    heading row's spans spread over the columns."""
    parser = _Tables(testid)
    parser.feed(html)
    upper = parser.head_rows[0]
    groups = [label for label, span in upper[1:] for _ in range(span)]
    return groups if len(parser.head_rows) > 1 else ["" for _ in groups]


def table_by_row(html: str, testid: str) -> dict[tuple[str, str], list[str]]:
    """{(section, row heading): cells}; the section of the rows before any section is ""."""
    rows = read_table(html, testid)
    found = {(section, header): cells for section, header, cells in rows}
    assert len(found) == len(rows), "two rows with the same heading in one section"
    return found
