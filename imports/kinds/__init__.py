"""The import kinds of SPEC §6, by the name used on the command line, the page and the API."""

from .cases import CasesImport
from .consumption import ConsumptionImport
from .mappings import MappingsImport
from .persons import PersonsImport
from .status import StatusImport

IMPORTERS = {
    importer.kind: importer
    for importer in (PersonsImport, CasesImport, StatusImport, MappingsImport, ConsumptionImport)
}
KINDS = tuple(IMPORTERS)

__all__ = ["IMPORTERS", "KINDS"]
