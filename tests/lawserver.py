"""A local stand-in for the law.go.kr Open API (DRF), for tests and benchmarks.

Serves ``/DRF/lawSearch.do`` and ``/DRF/lawService.do`` in the real XML formats
(roots, item tags, field names as in ``../shared/corpora/law/api`` and live
captures) for N synthetic items per target, with the real quirks: the caller's
``OC`` echoed inside every ``…상세링크``, auth failures as HTTP 200
``<Response><result>…`` bodies, missing bodies as ``<Law>일치하는 …</Law>``.

Faults to inject: every k-th request answered once with 503/429 (or a reset
connection or a hang), items that always fail, an HTML anti-bot page (from
the start or after some requests), a non-XML body, a per-response latency.
Items can be added or revised while the server runs, for incremental crawls.

    with LawServer(counts={"law": 250}, fail_every=7) as server:
        ...  # crawl server.base; server.expected_ids("law"); server.body_hits

Run alone: ``python tests/lawserver.py --law 250 --fail-every 7`` prints the
base URL and serves until interrupted.
"""

from __future__ import annotations

import argparse
import random
import socket
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit
from xml.sax.saxutils import escape

DEFAULT_OC = "s3cret-OC-4421"
TARGET_NAMES = ("law", "prec", "admrul", "ordin", "detc", "expc")
AUTH_FAILURE = ("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n    <Response>\n"
                "        <result>사용자 정보 검증에 실패하였습니다.</result>\n"
                "        <msg>OPEN API 호출 시 사용자 검증을 위하여 정확한 서버장비의 IP주소 및 "
                "도메인주소를 등록해 주세요.</msg>\n    </Response>\n")
MISSING_PARAM = ("<?xml version=\"1.0\" encoding=\"UTF-8\"?><Response><result>필수입력요소 검증에 "
                 "실패하였습니다.</result><msg>OC 값을 확인해 주세요.</msg></Response>")
ANTI_BOT = ("<!DOCTYPE html>\n<html lang=\"ko\"><head><meta charset=\"utf-8\">"
            "<title>접근이 차단되었습니다</title><script>var t='challenge';</script></head>"
            "<body><h1>비정상적인 접근이 감지되었습니다</h1><p>잠시 후 다시 시도해 주십시오.</p></body></html>")

WORDS = ("국가", "국민", "법률", "규정", "시행", "관하여", "필요한", "사항은", "대통령령으로", "정한다",
         "다만", "경우에는", "그러하지", "아니하다", "장관은", "지방자치단체의", "장에게", "요청할", "수",
         "있다", "위원회는", "심의", "의결한다", "신고하여야", "한다", "허가를", "받은", "자는", "제출",
         "서류를", "첨부하여", "기간", "이내에", "처분을", "취소할", "손해를", "배상할", "책임이")


def _rng(*seed: object) -> random.Random:
    return random.Random("|".join(map(str, seed)))


def _sentence(rng: random.Random, n: int = 9) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(n)) + "."


def _cdata(text: str) -> str:
    return "<![CDATA[" + text.replace("]]>", "]]]]><![CDATA[>") + "]]>"


def _date(index: int, revision: int) -> str:
    year = 1990 + index % 30 + revision
    return f"{year:04d}{1 + index % 12:02d}{1 + index % 28:02d}"


REVISED_SERIALS = ("law", "ordin", "admrul")  # a revision gets a new serial (MST)


@dataclass(frozen=True)
class Item:
    target: str
    index: int
    revision: int

    @property
    def serial(self) -> str:
        base = {"law": 100000, "ordin": 1800000, "admrul": 2100000, "prec": 200000,
                "detc": 50000, "expc": 300000}[self.target]
        if self.target in REVISED_SERIALS:
            return str(base + self.index * 10 + self.revision)
        return str(base + self.index)

    @property
    def stable(self) -> str:
        return {"law": f"{self.index + 1:06d}", "ordin": str(2000000 + self.index),
                "admrul": str(3000000 + self.index)}.get(self.target, self.serial)

    @property
    def date(self) -> str:
        return _date(self.index, self.revision)

    @property
    def title(self) -> str:
        names = {"law": "시험법", "ordin": "서울특별시 시험 조례", "admrul": "시험 업무 처리 규정",
                 "prec": "손해배상(기)", "detc": "시험법 제3조 위헌확인", "expc": "시험법 제2조 해석 질의"}
        return f"{names[self.target]} 제{self.index + 1}호"

    @property
    def record_id(self) -> str:
        return f"law/{self.target}/{self.serial}"


# ---------------------------------------------------------------- list entries

def _link(item: Item, oc: str) -> str:
    param = "MST" if item.target in ("law", "ordin") else "ID"
    extra = f"&amp;mobileYn=&amp;efYd={item.date}" if item.target == "law" else ""
    return f"/DRF/lawService.do?OC={escape(oc)}&amp;target={item.target}&amp;{param}={item.serial}&amp;type=HTML{extra}"


def list_entry(item: Item, position: int, oc: str) -> str:
    t, link = item.target, _link(item, oc)
    if t == "law":
        return (f'<law id="{position}"><법령일련번호>{item.serial}</법령일련번호><현행연혁코드>현행</현행연혁코드>'
                f"<법령명한글>{_cdata(item.title)}</법령명한글><법령약칭명>{_cdata('')}</법령약칭명>"
                f"<법령ID>{item.stable}</법령ID><공포일자>{item.date}</공포일자><공포번호>{item.index + 1:05d}</공포번호>"
                f"<제개정구분명>일부개정</제개정구분명><소관부처코드>1270000</소관부처코드><소관부처명>법무부</소관부처명>"
                f"<법령구분명>법률</법령구분명><공동부령정보></공동부령정보><시행일자>{item.date}</시행일자>"
                f"<자법타법여부></자법타법여부><법령상세링크>{link}</법령상세링크></law>")
    if t == "ordin":
        return (f'<law id="{position}"><자치법규일련번호>{item.serial}</자치법규일련번호>'
                f"<자치법규명>{_cdata(item.title)}</자치법규명><자치법규ID>{item.stable}</자치법규ID>"
                f"<공포일자>{item.date}</공포일자><공포번호>{item.index + 1}</공포번호><제개정구분명>일부개정</제개정구분명>"
                f"<지자체기관명>서울특별시</지자체기관명><자치법규종류>조례</자치법규종류><시행일자>{item.date}</시행일자>"
                f"<자치법규상세링크>{link}</자치법규상세링크><자치법규분야명>일반행정</자치법규분야명></law>")
    if t == "admrul":
        return (f'<admrul id="{position}"><행정규칙일련번호>{item.serial}</행정규칙일련번호>'
                f"<행정규칙명>{_cdata(item.title)}</행정규칙명><행정규칙종류>훈령</행정규칙종류>"
                f"<발령일자>{item.date}</발령일자><발령번호>{item.index + 1}</발령번호><소관부처명>행정안전부</소관부처명>"
                f"<현행연혁구분>현행</현행연혁구분><제개정구분명>일부개정</제개정구분명><행정규칙ID>{item.stable}</행정규칙ID>"
                f"<행정규칙상세링크>{link}</행정규칙상세링크><시행일자>{item.date}</시행일자></admrul>")
    if t == "prec":
        return (f'<prec id="{position}"><판례일련번호>{item.serial}</판례일련번호><사건명>{_cdata(item.title)}</사건명>'
                f"<사건번호>{2000 + item.index % 20}다{item.index + 1}</사건번호><선고일자>{item.date}</선고일자>"
                f"<법원명>대법원</법원명><법원종류코드>400201</법원종류코드><사건종류명>민사</사건종류명>"
                f"<사건종류코드>400101</사건종류코드><판결유형>판결</판결유형><선고>선고</선고>"
                f"<데이터출처명>대법원</데이터출처명><판례상세링크>{link}</판례상세링크></prec>")
    if t == "detc":
        return (f'<Detc id="{position}"><헌재결정례일련번호>{item.serial}</헌재결정례일련번호>'
                f"<종국일자>{item.date}</종국일자><사건번호>{2000 + item.index % 20}헌바{item.index + 1}</사건번호>"
                f"<사건명>{_cdata(item.title)}</사건명><헌재결정례상세링크>{link}</헌재결정례상세링크></Detc>")
    return (f'<expc id="{position}"><법령해석례일련번호>{item.serial}</법령해석례일련번호><안건명>{_cdata(item.title)}</안건명>'
            f"<안건번호>{10 + item.index % 20}-{item.index + 1:04d}</안건번호><질의기관코드>1270000</질의기관코드>"
            f"<질의기관명>법무부</질의기관명><회신기관코드>1170000</회신기관코드><회신기관명>법제처</회신기관명>"
            f"<회신일자>{item.date}</회신일자><법령해석례상세링크>{link}</법령해석례상세링크></expc>")


SEARCH_ROOTS = {"law": "LawSearch", "prec": "PrecSearch", "admrul": "AdmRulSearch",
                "ordin": "OrdinSearch", "detc": "DetcSearch", "expc": "Expc"}


def list_page(target: str, items: list[Item], total: int, page: int, oc: str, first: int) -> str:
    root = SEARCH_ROOTS[target]
    entries = "".join(list_entry(it, first + n + 1, oc) for n, it in enumerate(items))
    return (f'<?xml version="1.0" encoding="UTF-8"?><{root}><target>{target}</target><키워드>*</키워드>'
            f"<section>lawNm</section><totalCnt>{total}</totalCnt><page>{page}</page>"
            f"<numOfRows>{len(items)}</numOfRows><resultCode>00</resultCode><resultMsg>success</resultMsg>"
            f"{entries}</{root}>")


# ---------------------------------------------------------------- bodies

def _statute_articles(item: Item, rng: random.Random) -> str:
    units = [f'<조문단위 조문키="0001000"><조문번호>1</조문번호><조문여부>전문</조문여부>'
             f"<조문내용>{_cdata('제1장 총칙')}</조문내용></조문단위>"]
    for n in range(1, 2 + item.index % 4):
        title = rng.choice(("목적", "정의", "적용 범위", "신고"))
        head = f"제{n}조({title}) " + ("" if n % 2 == 0 else _sentence(rng)) + " <개정 2020. 1. 1.>"
        unit = (f'<조문단위 조문키="{n:04d}001"><조문번호>{n}</조문번호><조문여부>조문</조문여부>'
                f"<조문제목>{_cdata(title)}</조문제목><조문시행일자>{item.date}</조문시행일자>"
                f"<조문내용>{_cdata(head)}</조문내용>")
        if n % 2 == 0:
            unit += (f"<항><항번호>①</항번호><항내용>{_cdata('① ' + _sentence(rng))}</항내용></항>"
                     f"<항><항번호>②</항번호><항내용>{_cdata('② ' + _sentence(rng))}</항내용>"
                     f"<호><호번호>1.</호번호><호내용>{_cdata('1. ' + _sentence(rng, 5))}</호내용>"
                     f"<목><목번호>가.</목번호><목내용>{_cdata(chr(10) + chr(9) * 5 + '가. ' + _sentence(rng, 4) + chr(10) + chr(9) * 5)}</목내용></목>"
                     f"</호></항>")
        else:
            unit += (f"<항><호><호번호>1.</호번호><호내용>{_cdata('1. ' + _sentence(rng, 5) + chr(10) + chr(9) * 5 + chr(10) + chr(9) * 5 + '  ' + _sentence(rng, 6))}</호내용></호></항>")
        units.append(unit + "</조문단위>")
    return "<조문>" + "".join(units) + "</조문>"


def _supplement(item: Item) -> str:
    text = f"부칙 <제{item.index + 1}호,{item.date[:4]}.1.1.>\n\n\n이 법은 공포한 날부터 시행한다."
    return (f'<부칙><부칙단위 부칙키="{item.date}00001"><부칙공포일자>{item.date}</부칙공포일자>'
            f"<부칙공포번호>{item.index + 1:05d}</부칙공포번호><부칙내용>{_cdata(text)}</부칙내용></부칙단위></부칙>")


def _annex() -> str:
    return ('<별표><별표단위 별표키="000100F"><별표번호>0001</별표번호><별표구분>서식</별표구분>'
            f"<별표제목>{_cdata('신고서')}</별표제목><별표내용>{_cdata('[별지 제1호서식]' + chr(10) * 2 + '신 고 서')}</별표내용>"
            "</별표단위></별표>")


def body_xml(item: Item) -> str:
    rng = _rng(item.target, item.index, item.revision)
    t = item.target
    head = '<?xml version="1.0" encoding="UTF-8"?>'
    if t == "law":
        info = (f"<기본정보><법령ID>{item.stable}</법령ID><공포일자>{item.date}</공포일자>"
                f"<공포번호>{item.index + 1:05d}</공포번호><언어>한글</언어>"
                f'<법종구분 법종구분코드="A0002">법률</법종구분><법령명_한글>{_cdata(item.title)}</법령명_한글>'
                f'<법령명약칭></법령명약칭><소관부처 소관부처코드="1270000">법무부</소관부처>'
                f"<시행일자>{item.date}</시행일자><제개정구분>일부개정</제개정구분></기본정보>")
        return (f'{head}<법령 법령키="{item.stable}{item.date}{item.index + 1:05d}">{info}'
                f"{_statute_articles(item, rng)}{_supplement(item)}{_annex()}</법령>")
    if t == "ordin":
        jo = "".join(
            f'<조 조문번호="{n:04d}00"><조문번호>{n:04d}00</조문번호><조문여부>Y</조문여부>'
            f"<조제목>{_cdata(title)}</조제목><조내용>{_cdata(f'제{n}조({title}) ' + _sentence(rng))}</조내용></조>"
            for n, title in enumerate(("목적", "정의", "책무")[: 1 + item.index % 3], start=1))
        info = (f"<자치법규기본정보><자치법규ID>{item.stable}</자치법규ID><공포일자>{item.date}</공포일자>"
                f"<공포번호>{item.index + 1}</공포번호><자치법규명>{_cdata(item.title)}</자치법규명>"
                f"<시행일자>{item.date}</시행일자><자치법규종류>C0001</자치법규종류>"
                f"<지자체기관명>서울특별시</지자체기관명></자치법규기본정보>")
        return f"{head}<LawService>{info}<조문>{jo}</조문>{_supplement(item)}</LawService>"
    if t == "admrul":
        info = (f"<행정규칙기본정보><행정규칙일련번호>{item.serial}</행정규칙일련번호><행정규칙명>{_cdata(item.title)}</행정규칙명>"
                f"<행정규칙종류>훈령</행정규칙종류><발령일자>{item.date}</발령일자><발령번호>{item.index + 1}</발령번호>"
                f"<소관부처명>행정안전부</소관부처명><행정규칙ID>{item.stable}</행정규칙ID><시행일자>{item.date}</시행일자>"
                "</행정규칙기본정보>")
        articles = "".join(f"<조문내용>{_cdata(f'제{n}조(목적) ' + _sentence(rng))}</조문내용>" for n in (1, 2))
        return f"{head}<AdmRulService>{info}{articles}{_supplement(item)}</AdmRulService>"
    if t == "prec":
        return (f"{head}<PrecService><판례정보일련번호>{item.serial}</판례정보일련번호><사건명>{_cdata(item.title)}</사건명>"
                f"<사건번호>{2000 + item.index % 20}다{item.index + 1}</사건번호><선고일자>{item.date}</선고일자>"
                f"<선고>선고</선고><법원명>대법원</법원명><사건종류명>민사</사건종류명><판결유형>판결</판결유형>"
                f"<판시사항>{_cdata('[1] ' + _sentence(rng) + '<br/>[2] ' + _sentence(rng) + '<br/>')}</판시사항>"
                f"<판결요지>{_cdata('<b>' + _sentence(rng) + '</b><br/>')}</판결요지>"
                f"<참조조문>{_cdata('민법 제750조')}</참조조문>"
                f"<판례내용>{_cdata('【원고, 상고인】 甲<br/>【주    문】<br/>  상고를 기각한다.<br/><br/>【이    유】  ' + _sentence(rng, 20) + '<br/>')}</판례내용>"
                "</PrecService>")
    if t == "detc":
        return (f"{head}<DetcService><헌재결정례일련번호>{item.serial}</헌재결정례일련번호><종국일자>{item.date}</종국일자>"
                f"<사건번호>{2000 + item.index % 20}헌바{item.index + 1}</사건번호><사건명>{_cdata(item.title)}</사건명>"
                f"<사건종류명>헌법소원</사건종류명><판시사항>{_cdata(_sentence(rng) + '<br/>')}</판시사항>"
                f"<결정요지>{_cdata(_sentence(rng))}</결정요지><전문>{_cdata('【당 사 자】<br/>청 구 인 乙<br/>' + _sentence(rng, 15))}</전문>"
                "</DetcService>")
    return (f"{head}<ExpcService><법령해석례일련번호>{item.serial}</법령해석례일련번호><안건명>{_cdata(item.title)}</안건명>"
            f"<안건번호>{10 + item.index % 20}-{item.index + 1:04d}</안건번호><해석일자>{item.date}</해석일자>"
            f"<해석기관명>법제처</해석기관명><질의기관명>법무부</질의기관명>"
            f"<질의요지>{_cdata(_sentence(rng))}</질의요지><회답>{_cdata(_sentence(rng))}</회답>"
            f"<이유>{_cdata(_sentence(rng, 14) + '<br/>' + _sentence(rng))}</이유></ExpcService>")


NOT_FOUND = {"law": "법령", "ordin": "자치법규", "admrul": "행정규칙", "prec": "판례", "detc": "헌재결정례",
             "expc": "법령해석례"}


# ---------------------------------------------------------------- server

@dataclass
class LawServer:
    """The fake API; ``start()``/``stop()`` or use it as a context manager."""

    counts: dict[str, int] = field(default_factory=lambda: {"law": 10})
    oc: str = DEFAULT_OC
    fail_every: int = 0
    fail_kinds: tuple = (503, 429)  # ints are statuses; "reset" cuts the connection; "hang" stalls
    hang_seconds: float = 3.0
    retry_after: str | None = None
    latency: float = 0.0
    mode: str = "ok"  # ok | auth-error | auth-error-json | anti-bot | garbage
    anti_bot_after: int | None = None
    always_fail: set = field(default_factory=set)  # {(target, serial)} answered 503 every time
    missing_bodies: set = field(default_factory=set)  # {(target, serial)} listed, but "일치하는 … 없습니다"
    robots: str = "User-agent: *\nAllow: /\n"
    robots_status: int = 200
    default_display: int = 20

    def __post_init__(self):
        self.revisions: dict[tuple[str, int], int] = {}
        self.gone: set[tuple[str, int]] = set()
        self.lock = threading.Lock()
        self.requests = 0
        self.failed_once: set[str] = set()
        self.injected = Counter()
        self.body_hits: Counter = Counter()  # (target, serial) -> bodies served with 200
        self.list_hits: Counter = Counter()
        self.robots_hits = 0
        self.httpd: ThreadingHTTPServer | None = None

    # data

    def items(self, target: str) -> list[Item]:
        return [Item(target, i, self.revisions.get((target, i), 0))
                for i in range(self.counts.get(target, 0)) if (target, i) not in self.gone]

    def find(self, target: str, serial: str) -> Item | None:
        """The current item with this serial (a superseded revision is gone)."""
        if not serial.isdigit():
            return None
        offset = int(serial) - int(Item(target, 0, 0).serial)
        index = offset // 10 if target in REVISED_SERIALS else offset
        if not 0 <= index < self.counts.get(target, 0) or (target, index) in self.gone:
            return None
        item = Item(target, index, self.revisions.get((target, index), 0))
        return item if item.serial == serial else None

    def expected_ids(self, target: str | None = None) -> set[str]:
        targets = [target] if target else list(self.counts)
        return {it.record_id for t in targets for it in self.items(t)}

    def revise(self, target: str, indices) -> None:
        with self.lock:
            for i in indices:
                self.revisions[(target, i)] = self.revisions.get((target, i), 0) + 1

    def add(self, target: str, n: int) -> None:
        with self.lock:
            self.counts[target] = self.counts.get(target, 0) + n

    # lifecycle

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}/DRF"

    def start(self) -> LawServer:
        handler = type("Handler", (_Handler,), {"api": self})
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.httpd.daemon_threads = True
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self.httpd is not None:
            self.httpd.shutdown()
            self.httpd.server_close()

    def __enter__(self) -> LawServer:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    # answers

    def fault_for(self, url: str):
        """The injected fault for this request, if any (each URL fails once)."""
        with self.lock:
            self.requests += 1
            n = self.requests
            if self.fail_every and n % self.fail_every == 0 and url not in self.failed_once:
                self.failed_once.add(url)
                kind = self.fail_kinds[(n // self.fail_every) % len(self.fail_kinds)]
                self.injected[kind] += 1
                return kind
            if self.anti_bot_after is not None and n > self.anti_bot_after:
                return "anti-bot"
        return None

    def answer(self, path: str, query: dict[str, str]) -> tuple[int, str, str]:
        """``(status, content type, body)`` for an API request."""
        xml = "application/xml;charset=UTF-8"
        if self.mode == "anti-bot":
            return 200, "text/html;charset=UTF-8", ANTI_BOT
        if self.mode == "garbage":
            return 200, "text/plain;charset=UTF-8", "Service temporarily unavailable: ERR-0x2f\n"
        oc = query.get("OC", "")
        if not oc:
            return 200, xml, MISSING_PARAM
        if oc != self.oc or self.mode.startswith("auth-error"):
            if self.mode == "auth-error-json":
                return 200, "application/json;charset=UTF-8", (
                    '{"result":"사용자 정보 검증에 실패하였습니다.","msg":"IP주소 및 도메인주소를 등록해 주세요."}')
            return 200, xml, AUTH_FAILURE
        target = query.get("target", "")
        if target not in TARGET_NAMES:
            return 200, xml, f'<?xml version="1.0" encoding="UTF-8"?><Law>{escape(target)} 은(는) 지원하지 않는 target 입니다.</Law>'
        if path.endswith("/lawSearch.do"):
            return 200, xml, self._list(target, query, oc)
        if path.endswith("/lawService.do"):
            serial = query.get("MST") or query.get("ID") or ""
            item = self.find(target, serial)
            if item is None or (target, serial) in self.missing_bodies:
                return 200, xml, (f'<?xml version="1.0" encoding="UTF-8"?><Law>일치하는 {NOT_FOUND[target]}이 없습니다.  '
                                  f"{NOT_FOUND[target]}명을 확인하여 주십시오.</Law>")
            if (target, serial) in self.always_fail:
                return 503, "text/html", "<html><body>503 Service Unavailable</body></html>"
            with self.lock:
                self.body_hits[(target, serial)] += 1
            return 200, xml, body_xml(item)
        return 404, "text/html", "<html><body>404 Not Found</body></html>"

    def _list(self, target: str, query: dict[str, str], oc: str) -> str:
        display = min(100, max(1, int(query.get("display") or self.default_display)))
        page = max(1, int(query.get("page") or 1))
        items = self.items(target)
        start = (page - 1) * display
        with self.lock:
            self.list_hits[(target, page)] += 1
        return list_page(target, items[start:start + display], len(items), page, oc, start)


class _Handler(BaseHTTPRequestHandler):
    api: LawServer
    protocol_version = "HTTP/1.1"

    def log_message(self, *args) -> None:  # keep test output clean
        pass

    def do_GET(self) -> None:  # noqa: N802 - http.server's name
        api = self.api
        parts = urlsplit(self.path)
        if parts.path == "/robots.txt":
            api.robots_hits += 1
            self._send(api.robots_status, "text/plain", api.robots if api.robots_status == 200 else "not found")
            return
        if api.latency:
            time.sleep(api.latency)
        fault = api.fault_for(self.path)
        if fault == "reset":
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
            self.close_connection = True
            self.connection.close()
            return
        if fault == "hang":
            time.sleep(api.hang_seconds)
            fault = None
        if fault == "anti-bot":
            self._send(200, "text/html;charset=UTF-8", ANTI_BOT)
            return
        if isinstance(fault, int):
            headers = {"Retry-After": api.retry_after} if api.retry_after and fault in (429, 503) else {}
            self._send(fault, "text/html", f"<html><body><h1>{fault}</h1></body></html>", headers)
            return
        query = {k: v[0] for k, v in parse_qs(parts.query, keep_blank_values=True).items()}
        status, ctype, body = api.answer(parts.path, query)
        self._send(status, ctype, body)

    def _send(self, status: int, ctype: str, body: str, headers: dict | None = None) -> None:
        data = body.encode("utf-8")
        try:
            self.send_response(status)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(data)))
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):
            pass


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    for name in TARGET_NAMES:
        parser.add_argument(f"--{name}", type=int, default=0, help=f"number of {name} items")
    parser.add_argument("--fail-every", type=int, default=0)
    parser.add_argument("--latency", type=float, default=0.0)
    parser.add_argument("--oc", default=DEFAULT_OC)
    parser.add_argument("--mode", default="ok")
    args = parser.parse_args()
    counts = {n: getattr(args, n) for n in TARGET_NAMES if getattr(args, n)} or {"law": 10}
    server = LawServer(counts=counts, fail_every=args.fail_every, latency=args.latency,
                       oc=args.oc, mode=args.mode).start()
    print(server.base, flush=True)
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        server.stop()


if __name__ == "__main__":
    main()
