"""What differs between the API's targets: XML roots, id fields, dates.

Roots and field names follow live responses (``OrdinSearch`` items are
``<law>``, ``DetcSearch`` items are ``<Detc>``, ordinance bodies are
``<LawService>``). ``stable_field`` names the id that survives amendments
(a statute gets a new MST with every revision; its 법령ID stays), so a revised
item replaces its older version instead of sitting beside it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

DEFAULT_API_BASE = "https://www.law.go.kr/DRF"


@dataclass(frozen=True, slots=True)
class TargetSpec:
    name: str
    label: str
    search_root: str
    list_item: str
    serial_field: str
    service_param: str
    body_root: str
    stable_field: str
    date_field: str
    title_field: str
    link_field: str
    list_params: dict[str, str] = field(default_factory=dict)


TARGETS: dict[str, TargetSpec] = {
    spec.name: spec
    for spec in (
        TargetSpec("law", "현행법령", "LawSearch", "law", "법령일련번호", "MST", "법령",
                   "법령ID", "공포일자", "법령명한글", "법령상세링크"),
        TargetSpec("prec", "판례", "PrecSearch", "prec", "판례일련번호", "ID", "PrecService",
                   "판례일련번호", "선고일자", "사건명", "판례상세링크"),
        TargetSpec("admrul", "행정규칙", "AdmRulSearch", "admrul", "행정규칙일련번호", "ID",
                   "AdmRulService", "행정규칙ID", "발령일자", "행정규칙명", "행정규칙상세링크",
                   {"nw": "1"}),  # nw=1: rules in force (2 would be history)
        TargetSpec("ordin", "자치법규", "OrdinSearch", "law", "자치법규일련번호", "MST",
                   "LawService", "자치법규ID", "공포일자", "자치법규명", "자치법규상세링크"),
        TargetSpec("detc", "헌재결정례", "DetcSearch", "Detc", "헌재결정례일련번호", "ID",
                   "DetcService", "헌재결정례일련번호", "종국일자", "사건명", "헌재결정례상세링크"),
        TargetSpec("expc", "법령해석례", "Expc", "expc", "법령해석례일련번호", "ID", "ExpcService",
                   "법령해석례일련번호", "회신일자", "안건명", "법령해석례상세링크"),
    )
}

ALL_TARGETS: tuple[str, ...] = tuple(TARGETS)


def parse_targets(values: list[str] | tuple[str, ...] | str | None) -> list[str]:
    """Targets from repeated or comma-separated options; empty means all.

    >>> parse_targets(["law,prec", "law"])
    ['law', 'prec']
    >>> parse_targets(None) == list(ALL_TARGETS)
    True
    """
    if isinstance(values, str):
        values = [values]
    chosen: list[str] = []
    for value in values or ():
        for name in value.split(","):
            name = name.strip()
            if not name:
                continue
            if name not in TARGETS:
                raise ValueError(f"unknown target {name!r}; choose from {', '.join(ALL_TARGETS)}")
            if name not in chosen:
                chosen.append(name)
    return chosen or list(ALL_TARGETS)


def version_of(serial: str, date: str) -> str:
    """What must match for a stored item to count as unchanged.

    >>> version_of("131405", "20091231")
    '131405@20091231'
    """
    return f"{serial}@{date}"
