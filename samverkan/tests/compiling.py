"""For tests of SQL kept per process: which queries the ORM compiles while a block runs."""

from __future__ import annotations

from unittest import mock

from django.db.models.sql.compiler import SQLCompiler


class Compiling:
    """The models of the SQL the ORM compiles while it is entered (`compiled`)."""

    def __enter__(self):
        self.compiled = []
        original = SQLCompiler.as_sql

        def counting(compiler, *args, **kwargs):
            self.compiled.append(compiler.query.model)
            return original(compiler, *args, **kwargs)

        self.patch = mock.patch.object(SQLCompiler, "as_sql", counting)
        self.patch.start()
        return self

    def __exit__(self, *exc):
        self.patch.stop()
