"""The organisation from files (SPEC §2, §7 "the organisation can be loaded from files";
docs/ORGANISATION.md): a units file (areas, office units, teams, preparation groups) and a staff
file, imported with the import machinery of SPEC §6 (imports.base: read as a stream, checked
row by row, all or nothing, idempotent) but by an administrator, not a coordinator, and without
jobs: the files are small (the whole country is about 70 areas), so the admin page imports in
the request and the command in the foreground (`manage.py import_organisation`)."""
