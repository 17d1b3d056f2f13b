"""An import reads its file as a stream and holds one batch of rows at a time (README "Import",
"Memory"); the benchmark with the figures is test_bench_memory.py."""

import io

import pytest

from imports import base
from imports.kinds.status import StatusImport
from imports.reading import read_rows
from imports.services import import_file
from samverkan.services import AccessContext

from .conftest import csv_file
from .test_queries import register, status_file

pytestmark = pytest.mark.django_db


class Watched(io.BytesIO):
    """A file that refuses to be read whole, and remembers the furthest byte read."""

    def __init__(self, data: bytes):
        super().__init__(data)
        self.furthest = 0

    def _note(self):
        self.furthest = max(self.furthest, self.tell())

    def read(self, size=-1):
        assert size is not None and size >= 0, "the whole file was asked for"
        found = super().read(size)
        self._note()
        return found

    def read1(self, size=-1):
        assert size is not None and size >= 0, "the whole file was asked for"
        found = super().read1(size)
        self._note()
        return found

    def readinto(self, buffer):
        found = super().readinto(buffer)
        self._note()
        return found


def test_the_first_row_comes_before_the_file_is_read_whole():
    data = csv_file("status", *(f"19800115122{i % 10};2021-03-01;other" for i in range(100_000)))
    source = Watched(data)

    rows = read_rows("status", source, StatusImport.columns)
    first = next(rows)

    assert first.line == 2
    assert source.furthest < len(data) // 4
    rows.close()


def test_an_import_holds_one_batch_of_rows_at_a_time(area, coordinator, monkeypatch):
    # given batches of 50 rows and a file of 500
    monkeypatch.setattr(base, "BATCH_ROWS", 50)
    people = register(area, 100)
    read = []
    original = base.Importer.run

    def counting(self, rows, **kwargs):
        def counted():
            for row in rows:
                read.append(row.line)
                yield row

        return original(self, counted(), **kwargs)

    monkeypatch.setattr(base.Importer, "run", counting)
    ahead = []
    write = StatusImport.write

    def watching(self, new):
        ahead.append(len(read))
        return write(self, new)

    monkeypatch.setattr(StatusImport, "write", watching)

    # when it is imported
    result = import_file(
        kind="status",
        source=Watched(status_file(people, 5)),
        context=AccessContext.for_user(coordinator),
    )

    # then each batch was written when only its own rows had been read
    assert result.created == 500
    assert ahead == [50 * n for n in range(1, 11)]
