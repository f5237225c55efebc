"""Suites: named, versioned, content-hashed sets of probes."""

from redline.suites._load import FileSuite, builtin_names, load_suite, load_suite_file, open_suite
from redline.suites._model import (
    Answer,
    Probe,
    Provenance,
    Suite,
    SuiteHeader,
    SuiteSource,
    Turn,
    suite_digest,
)
from redline.suites.importers import (
    Importer,
    get_importer,
    import_suite,
    importer,
    list_importers,
    write_suite_yaml,
)

__all__ = [
    "Answer",
    "FileSuite",
    "Importer",
    "Probe",
    "Provenance",
    "Suite",
    "SuiteHeader",
    "SuiteSource",
    "Turn",
    "builtin_names",
    "get_importer",
    "import_suite",
    "importer",
    "list_importers",
    "load_suite",
    "load_suite_file",
    "open_suite",
    "suite_digest",
    "write_suite_yaml",
]
