"""TruthfulQA (``TruthfulQA.csv``, or the ``generation`` config on the hub)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

from redline.suites._model import Answer, Probe
from redline.suites.importers._base import Column, HubDefault, Importer, SourceRow, importer


@importer("truthfulqa")
class TruthfulQA(Importer):
    """Questions that invite a popular misconception.

    Each probe expects ``{answer: Best Answer, aliases: Correct Answers}``;
    the incorrect answers go into ``meta.incorrect_answers``. In the CSV the
    answer lists are ``;``-separated; on the hub they are lists.
    """

    source = "TruthfulQA"
    license = "Apache-2.0"
    homepage = "https://github.com/sylinrl/TruthfulQA"
    description = ("TruthfulQA (Lin et al., 2022): questions that some people would answer "
                   "falsely because of a misconception, across health, law, finance, politics "
                   "and more. Each probe carries the best answer, the other correct answers "
                   "as aliases and the incorrect answers in meta. Judged by `exact`, which "
                   "only credits replies that state an expected answer; open-ended replies "
                   "need a model judge for a fair score.")
    judge = "exact"
    columns = (
        Column("Type", required=False),
        Column("Category", required=False),
        Column("Question"),
        Column("Best Answer"),
        Column("Correct Answers", required=False),
        Column("Incorrect Answers", required=False),
        Column("Source", required=False),
    )
    hub: ClassVar[Mapping[str, HubDefault]] = {
        "truthfulqa/truthful_qa": HubDefault(config="generation", split="validation")}

    def probe(self, row: SourceRow) -> Probe:
        best = row.text("Best Answer")
        aliases = [a for a in dict.fromkeys(row.items("Correct Answers")) if a != best]
        meta: dict[str, Any] = {"incorrect_answers": row.items("Incorrect Answers")}
        for key in ("Type", "Source"):
            if row.get(key):
                meta[key.lower()] = row.get(key)
        return Probe(id=self.probe_id(row.key), prompt=row.text("Question"),
                     category=row.get("Category") or "uncategorised",
                     expect=Answer(answer=best, aliases=aliases),
                     provenance=self.provenance(row.ref), meta=meta)
