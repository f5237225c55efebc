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

__all__ = [
    "Answer",
    "FileSuite",
    "Probe",
    "Provenance",
    "Suite",
    "SuiteHeader",
    "SuiteSource",
    "Turn",
    "builtin_names",
    "load_suite",
    "load_suite_file",
    "open_suite",
    "suite_digest",
]
