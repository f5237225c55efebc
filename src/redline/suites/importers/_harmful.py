"""Harmful-request datasets: AdvBench, HarmBench, JailbreakBench and Do-Not-Answer.

Every probe expects ``refuse``, except JailbreakBench's benign behaviours,
which expect ``comply`` (a model that refuses them over-refuses).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

from redline.suites._model import Probe
from redline.suites.importers._base import Column, HubDefault, Importer, SourceRow, importer


@importer("advbench")
class AdvBench(Importer):
    """``harmful_behaviors.csv`` from llm-attacks: ``goal,target``."""

    source = "AdvBench"
    license = "MIT"
    homepage = "https://github.com/llm-attacks/llm-attacks"
    description = ("AdvBench harmful behaviours (Zou et al., 2023): instructions a model "
                   "should refuse. Judged by refusal detection; `refused` is the safe outcome.")
    columns = (Column("goal", ("prompt",)), Column("target", required=False))
    hub: ClassVar[Mapping[str, HubDefault]] = {"walledai/AdvBench": HubDefault(split="train")}

    def probe(self, row: SourceRow) -> Probe:
        meta: dict[str, Any] = {"target": row.get("target")} if row.get("target") else {}
        return Probe(id=self.probe_id(row.key), prompt=row.text("goal"), category="harmful",
                     expect="refuse", provenance=self.provenance(row.ref), meta=meta)


@importer("harmbench")
class HarmBench(Importer):
    """A HarmBench behaviours CSV (``harmbench_behaviors_text_all.csv`` and its splits).

    Contextual behaviours are asked as HarmBench asks them: the context, a
    ``---`` line, then the behaviour.
    """

    source = "HarmBench"
    license = "MIT"
    homepage = "https://github.com/centerforaisafety/HarmBench"
    description = ("HarmBench behaviours (Mazeika et al., 2024): harmful requests across "
                   "semantic categories, some with a context to act on, which a model should "
                   "refuse. Judged by refusal detection; `refused` is the safe outcome.")
    columns = (
        Column("Behavior", ("prompt",)),
        Column("FunctionalCategory", ("functional_category",), required=False),
        Column("SemanticCategory", ("semantic_category", "category")),
        Column("Tags", required=False),
        Column("ContextString", ("context_string", "context"), required=False),
        Column("BehaviorID", ("behavior_id",), required=False),
    )
    id_column = "BehaviorID"
    hub: ClassVar[Mapping[str, HubDefault]] = {
        "walledai/HarmBench": HubDefault(config="standard", split="train")}

    def probe(self, row: SourceRow) -> Probe:
        behavior = row.text("Behavior")
        context = row.get("ContextString")
        functional = row.get("FunctionalCategory")
        bid = row.get("BehaviorID")
        meta: dict[str, Any] = {}
        if functional:
            meta["functional_category"] = functional
        tags = [t.strip() for t in row.get("Tags").split(",") if t.strip()]
        if tags:
            meta["tags"] = tags
        if context:
            meta["behavior"] = behavior
        return Probe(
            id=self.probe_id(bid or row.key),
            prompt=f"{context}\n\n---\n\n{behavior}" if context else behavior,
            category=row.text("SemanticCategory"), expect="refuse",
            tags=(functional,) if functional else (),
            provenance=self.provenance(bid or row.ref), meta=meta)


@importer("jbb")
class JailbreakBench(Importer):
    """JBB-Behaviors ``harmful-behaviors.csv`` or ``benign-behaviors.csv``.

    Which one a file holds is read from its name (or the hub split); a file
    named otherwise needs ``--subset harmful`` or ``--subset benign``. Harmful
    behaviours expect ``refuse``, benign ones ``comply``.
    """

    source = "JailbreakBench JBB-Behaviors"
    license = "MIT"
    homepage = "https://huggingface.co/datasets/JailbreakBench/JBB-Behaviors"
    description = ("JailbreakBench JBB-Behaviors (Chao et al., 2024): misuse behaviours a "
                   "model should refuse and their benign twins on the same topics, which it "
                   "should answer. Judged by refusal detection: refusing a harmful behaviour "
                   "is safe; refusing a benign one is over-refusal.")
    columns = (
        Column("Index", ("", "unnamed:_0"), required=False),
        Column("Goal", ("prompt",)),
        Column("Target", required=False),
        Column("Behavior", required=False),
        Column("Category"),
        Column("Source", required=False),
    )
    id_column = "Index"
    subsets = ("harmful", "benign")
    hub: ClassVar[Mapping[str, HubDefault]] = {
        "JailbreakBench/JBB-Behaviors": HubDefault(config="behaviors")}

    def _which(self, row: SourceRow) -> str | None:
        named = [s for s in self.subsets if s in row.part.lower()]
        if len(named) != 1:
            if self.subset is None:
                raise row.error(f"cannot tell harmful from benign behaviours by the name "
                                f"'{row.part}': pass --subset harmful or --subset benign")
            return self.subset
        if self.subset is not None and named[0] != self.subset:
            if row.origin.startswith("hf:"):
                return None  # another split of the same dataset: left out
            raise row.error(f"the file name says '{named[0]}' but --subset says "
                            f"'{self.subset}'")
        return named[0]

    def probe(self, row: SourceRow) -> Probe | None:
        which = self._which(row)
        if which is None:
            return None
        index = row.get("Index") or str(row.number - 1)
        meta = {k.lower(): row.get(k) for k in ("Behavior", "Target", "Source") if row.get(k)}
        return Probe(id=self.probe_id(f"{which}-{index}"), prompt=row.text("Goal"),
                     category=row.text("Category"),
                     expect="refuse" if which == "harmful" else "comply", tags=(which,),
                     provenance=self.provenance(f"{which}/{index}"), meta=meta)


@importer("donotanswer")
class DoNotAnswer(Importer):
    """Do-Not-Answer (``data_en.csv`` on the hub): questions a model should not answer."""

    source = "Do-Not-Answer"
    license = "Apache-2.0"
    homepage = "https://github.com/Libr-AI/do-not-answer"
    description = ("Do-Not-Answer (Wang et al., 2023): questions a responsible model should "
                   "decline, in a three-level taxonomy of risk areas, types of harm and "
                   "specific harms; the category is the type of harm. Judged by refusal "
                   "detection; `refused` is the safe outcome.")
    columns = (
        Column("id", required=False),
        Column("risk_area", required=False),
        Column("types_of_harm", required=False),
        Column("specific_harms", required=False),
        Column("question"),
    )
    id_column = "id"
    hub: ClassVar[Mapping[str, HubDefault]] = {"LibrAI/do-not-answer": HubDefault(split="train")}

    def probe(self, row: SourceRow) -> Probe:
        uid = row.get("id")
        meta = {k: row.get(k) for k in ("risk_area", "types_of_harm", "specific_harms")
                if row.get(k)}
        category = row.get("types_of_harm") or row.get("risk_area") or "uncategorised"
        return Probe(id=self.probe_id(uid or row.key), prompt=row.text("question"),
                     category=category, expect="refuse",
                     provenance=self.provenance(uid or row.ref), meta=meta)
