"""Importers that turn public red-team datasets into normal suites.

``redline suites import KIND PATH --name NAME`` (or :func:`import_suite`)
reads AdvBench, HarmBench, JailbreakBench JBB-Behaviors, XSTest, TruthfulQA
or Do-Not-Answer from a local file or the Hugging Face hub, records each
probe's provenance and the dataset's licence, and :func:`write_suite_yaml`
writes the result as a suite file any run accepts.
"""

# Importing the modules registers the built-in importers.
from redline.suites.importers import _harmful as _harmful
from redline.suites.importers import _truthfulqa as _truthfulqa
from redline.suites.importers import _xstest as _xstest
from redline.suites.importers._base import (
    Column,
    HubDefault,
    Importer,
    SourceRow,
    get_importer,
    importer,
    list_importers,
)
from redline.suites.importers._build import import_suite, suite_yaml, write_suite_yaml
from redline.suites.importers._sources import parse_hub_path

__all__ = [
    "Column",
    "HubDefault",
    "Importer",
    "SourceRow",
    "get_importer",
    "import_suite",
    "importer",
    "list_importers",
    "parse_hub_path",
    "suite_yaml",
    "write_suite_yaml",
]
