"""Suites: named, versioned, content-hashed sets of probes."""

from redline.suites._load import builtin_names, load_suite, load_suite_file
from redline.suites._model import Answer, Probe, Provenance, Suite, Turn

__all__ = [
    "Answer",
    "Probe",
    "Provenance",
    "Suite",
    "Turn",
    "builtin_names",
    "load_suite",
    "load_suite_file",
]
