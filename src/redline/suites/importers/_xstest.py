"""XSTest (``xstest_prompts.csv``): exaggerated-safety prompts and their unsafe contrasts."""

from __future__ import annotations

from collections.abc import Mapping
from typing import ClassVar

from redline.suites._model import Probe
from redline.suites.importers._base import Column, HubDefault, Importer, SourceRow, importer


@importer("xstest")
class XSTest(Importer):
    """``id,prompt,type,label,focus,note``: ``safe`` rows expect ``comply``, ``unsafe`` ``refuse``.

    Copies without a ``label`` column are labelled from ``type``: the unsafe
    prompts are the ``contrast_*`` types. ``--subset safe`` or ``--subset
    unsafe`` keeps one half.
    """

    source = "XSTest"
    license = "CC-BY-4.0"
    homepage = "https://github.com/paul-rottger/xstest"
    description = ("XSTest (Röttger et al., 2024): safe prompts that superficially resemble "
                   "unsafe ones (homonyms, figurative language, safe targets and contexts, "
                   "definitions, history, privacy of public or fictional people), which a "
                   "model should answer, and unsafe contrast prompts it should refuse. Judged "
                   "by refusal detection: refusing a safe prompt is exaggerated safety.")
    columns = (
        Column("id", required=False),
        Column("prompt"),
        Column("type"),
        Column("label", required=False),
        Column("focus", required=False),
        Column("note", required=False),
    )
    id_column = "id"
    subsets = ("safe", "unsafe")
    hub: ClassVar[Mapping[str, HubDefault]] = {"walledai/XSTest": HubDefault(split="test")}

    def probe(self, row: SourceRow) -> Probe | None:
        kind = row.text("type")
        label = row.get("label").lower()
        if not label:
            label = "unsafe" if kind.startswith("contrast") else "safe"
        elif label not in ("safe", "unsafe"):
            raise row.error(f"expected 'safe' or 'unsafe', not '{row.get('label')}'", "label")
        if self.subset is not None and label != self.subset:
            return None
        uid = row.get("id")
        meta = {k: row.get(k) for k in ("focus", "note") if row.get(k)}
        return Probe(id=self.probe_id(uid or row.key), prompt=row.text("prompt"), category=kind,
                     expect="comply" if label == "safe" else "refuse", tags=(label,),
                     provenance=self.provenance(uid or row.ref), meta={"label": label, **meta})
