"""The law crawler's parts without a crawl: response checks, masking, text
assembly (synthetic bodies in the real format and, where present, real ones),
and the crawl state read back from shards."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from conftest import CORPORA, needs_shared
from lawserver import ANTI_BOT, AUTH_FAILURE, TARGET_NAMES, Item, LawServer, body_xml, list_page

from korpus.core.errors import KorpusError
from korpus.core.parquet import write_records
from korpus.core.schema import CORPUS_SCHEMA
from korpus.crawlers.law.assemble import assemble, html_fragment_to_text
from korpus.crawlers.law.errors import ItemNotFound, ResponseRejected
from korpus.crawlers.law.items import LawDocumentItem, item_to_record
from korpus.crawlers.law.responses import check_response, parse_xml
from korpus.crawlers.law.secret import MaskSecretFilter, install_log_mask, mask_bytes, mask_text
from korpus.crawlers.law.spiders.law_api import public_url
from korpus.crawlers.law.state import CrawlState
from korpus.crawlers.law.targets import TARGETS, parse_targets

XML = "application/xml;charset=UTF-8"


# ---------------------------------------------------------------- responses

def test_auth_failure_body_is_an_api_error_with_the_servers_words():
    with pytest.raises(ResponseRejected) as caught:
        check_response(AUTH_FAILURE.encode(), XML, "LawSearch", "lawSearch.do target=law page 1")
    assert caught.value.kind == "api-error"
    assert "사용자 정보 검증에 실패하였습니다" in str(caught.value)
    assert "lawSearch.do target=law page 1" in str(caught.value)


def test_auth_failure_as_json_is_an_api_error():
    body = '{"result":"사용자 정보 검증에 실패하였습니다.","msg":"IP주소를 등록해 주세요."}'.encode()
    with pytest.raises(ResponseRejected) as caught:
        check_response(body, "application/json", "법령", "x")
    assert caught.value.kind == "api-error" and "IP주소" in str(caught.value)


@pytest.mark.parametrize("ctype", ["text/html;charset=UTF-8", XML, ""])
def test_anti_bot_html_is_rejected_whatever_the_content_type(ctype):
    with pytest.raises(ResponseRejected) as caught:
        check_response(ANTI_BOT.encode(), ctype, "PrecService", "x")
    assert caught.value.kind == "anti-bot"
    assert "접근이 차단되었습니다" in str(caught.value)  # the page title is shown


def test_non_xml_body_is_rejected_with_a_preview():
    with pytest.raises(ResponseRejected) as caught:
        check_response(b"Service temporarily unavailable: ERR-0x2f", "text/plain", "법령", "x")
    assert caught.value.kind == "not-xml" and "ERR-0x2f" in str(caught.value)


def test_wrong_root_is_rejected_but_a_missing_body_is_not_found():
    with pytest.raises(ResponseRejected) as caught:
        check_response(b"<PrecSearch><totalCnt>1</totalCnt></PrecSearch>", XML, "PrecService", "x")
    assert caught.value.kind == "unexpected-xml"
    with pytest.raises(ItemNotFound):
        check_response("<Law>일치하는 판례가 없습니다.  판례명을 확인하여 주십시오.</Law>".encode(), XML,
                       "PrecService", "x")


def test_entity_declarations_and_external_entities_are_refused():
    bomb = (b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
            b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]><LawSearch>&lol2;</LawSearch>')
    external = (b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "http://127.0.0.1:9/x">]>'
                b"<LawSearch>&e;</LawSearch>")
    for body in (bomb, external):
        with pytest.raises(ResponseRejected) as caught:
            check_response(body, XML, "LawSearch", "x")
        assert caught.value.kind == "not-xml" and "DOCTYPE" in str(caught.value)


def test_real_list_response_parses(tmp_path):
    path = CORPORA / "law" / "api" / "eflaw_search_income_tax_act.xml"
    if not path.exists():
        pytest.skip("shared corpora absent")
    root = check_response(path.read_bytes(), XML, "LawSearch", "x")
    assert root.findtext("totalCnt") == "4" and len(root.findall("law")) == 4


# ---------------------------------------------------------------- masking

def test_masking_hides_the_key_in_links_and_everywhere_else():
    oc = "kim.law+x"
    body = f"<법령상세링크>/DRF/lawService.do?OC={oc}&amp;target=law</법령상세링크><x>{oc} kim.law%2Bx</x>"
    masked = mask_bytes(body.encode(), oc).decode()
    assert oc not in masked and "kim.law%2Bx" not in masked and "OC=***&amp;target=law" in masked
    assert mask_text("https://h/DRF/lawSearch.do?oc=abc&page=2", None) == "https://h/DRF/lawSearch.do?oc=***&page=2"


def test_log_filter_masks_messages_arguments_and_tracebacks():
    oc = "s3cret"
    record = logging.LogRecord("scrapy", logging.ERROR, __file__, 1, "Gave up <GET %s>", ("http://h/?OC=s3cret&x=1",),
                               None)
    try:
        raise RuntimeError("while fetching OC=s3cret")
    except RuntimeError:
        import sys
        record.exc_info = sys.exc_info()
    MaskSecretFilter(oc).filter(record)
    text = logging.Formatter().format(record)
    assert "s3cret" not in text and "OC=***" in text


def test_log_mask_covers_records_of_any_logger_and_handler(caplog):
    previous = logging.getLogRecordFactory()
    try:
        install_log_mask("s3cret")
        with caplog.at_level(logging.DEBUG):
            logging.getLogger("scrapy.core.engine").debug("Crawled (200) <GET %s>", "http://h/x?OC=s3cret")
            logging.getLogger("other").warning("key is s3cret")
            try:
                raise OSError("GET http://h/?OC=s3cret failed")
            except OSError:
                logging.getLogger("scrapy.core.scraper").exception("Spider error")
        formatted = "\n".join(logging.Formatter().format(r) for r in caplog.records)
    finally:
        logging.setLogRecordFactory(previous)
    assert "s3cret" not in caplog.text and "s3cret" not in formatted
    assert "OC=***" in formatted and "key is ***" in formatted


def test_public_url_drops_the_key_and_is_absolute():
    url = public_url("/DRF/lawService.do?OC=***&target=prec&ID=5&type=HTML", "http://127.0.0.1:80/DRF")
    assert url == "http://127.0.0.1:80/DRF/lawService.do?target=prec&ID=5&type=HTML"


def test_targets_parse_and_reject_unknown_names():
    assert parse_targets(["prec", "law,prec"]) == ["prec", "law"]
    with pytest.raises(ValueError, match="unknown target 'eflaw'"):
        parse_targets(["eflaw"])


# ---------------------------------------------------------------- assembly

def _body(target: str, index: int = 3):
    item = Item(target, index, 0)
    return item, check_response(body_xml(item).encode(), XML, TARGETS[target].body_root, "x")


def test_statute_text_keeps_document_order_and_every_level():
    _, root = _body("law", 3)
    doc = assemble(root, "law")
    lines = doc.text.split("\n")
    assert lines[0] == doc.title == "시험법 제4호"
    assert lines[1] == "제1장 총칙"
    order = [next(i for i, line in enumerate(lines) if line.startswith(p))
             for p in ("제1조", "제2조", "① ", "② ", "가. ", "제3조", "부칙")]
    assert order == sorted(order)
    assert "<개정 2020. 1. 1.>" in doc.text  # annotations are text, not markup
    assert "\t" not in doc.text and "" not in lines
    assert "신 고 서" not in doc.text  # 별표 only when asked
    assert "신 고 서" in assemble(root, "law", include_annex=True).text
    assert doc.meta["법령ID"] == "000004" and doc.meta["소관부처"] == "법무부"
    assert doc.meta["법령구분명"] == "법률" and doc.meta["공포일자"] == "19930404"


def test_article_title_is_not_repeated_when_the_body_holds_it():
    root = parse_xml("<법령><기본정보><법령명_한글>가법</법령명_한글></기본정보><조문>"
                     "<조문단위><조문여부>조문</조문여부><조문제목>목적</조문제목>"
                     "<조문내용>제1조(목적) 이 법은 목적이 있다.</조문내용></조문단위>"
                     "<조문단위><조문여부>조문</조문여부><조문제목>정의</조문제목>"
                     "<조문내용>제2조 용어의 뜻은 다음과 같다.</조문내용></조문단위></조문></법령>".encode())
    assert assemble(root, "law").text == "가법\n제1조(목적) 이 법은 목적이 있다.\n정의\n제2조 용어의 뜻은 다음과 같다."


@pytest.mark.parametrize("target", ["prec", "detc", "expc"])
def test_decisions_turn_br_into_lines_and_drop_markup(target):
    _, root = _body(target, 5)
    doc = assemble(root, target)
    assert doc.text.startswith(doc.title + "\n")
    assert "<br" not in doc.text and "<b>" not in doc.text
    assert len(doc.text.split("\n")) >= 4


def test_precedent_sections_in_order():
    _, root = _body("prec", 2)
    lines = assemble(root, "prec").text.split("\n")
    assert lines[1].startswith("[1] ") and lines[2].startswith("[2] ")
    assert lines.index("【주    문】") < lines.index("상고를 기각한다.")
    assert "민법 제750조" not in lines  # 참조조문 is not part of the text


@pytest.mark.parametrize("target", ["ordin", "admrul"])
def test_ordinances_and_rules_have_articles_and_supplement(target):
    _, root = _body(target, 2)
    doc = assemble(root, target)
    lines = doc.text.split("\n")
    assert lines[0] == doc.title and lines[1].startswith("제1조(목적)") and lines[-1].startswith("이 법은")


def test_html_fragment_cleaning():
    assert html_fragment_to_text("가<br/>나<BR>다<p>라</p>마&lt;바&gt;") == "가\n나\n다\n라\n마<바>"
    assert html_fragment_to_text("【이    유】  본문 <개정 2020.1.1>") == "【이    유】  본문 <개정 2020.1.1>"


@needs_shared()
@pytest.mark.shared
def test_real_statute_body_assembles_in_order():
    body = (CORPORA / "law" / "api" / "lawService_law_reconstructed.xml").read_bytes()
    doc = assemble(check_response(body, XML, "법령", "x"), "law")
    lines = doc.text.split("\n")
    assert lines[0] == doc.title == "국세물납재산취급규칙"
    assert [line[:4] for line in lines if line.startswith("제") and "조 " in line[:5]][:3] == ["제1조 ", "제2조 ", "제3조 "]
    assert "1. 부동산" in lines and "부칙  <제358호,1950.5.22>" in lines
    assert lines.index("1. 부동산") < lines.index("제4조 물납재산의 수납은 물납에 충당할 재산의 인도, 소유권이전의 "
                                                 "등기 또는 등록기타법령에 의하여 제삼자에 대항할 수 있는 요건이 "
                                                 "구비된 때에 납부가 완료한 것으로 한다.")
    assert doc.meta["소관부처"] == "기획재정부" and doc.meta["법령구분명"] == "대통령령"


@needs_shared()
@pytest.mark.shared
def test_real_precedent_body_assembles():
    from xml.sax.saxutils import escape
    data = json.loads((CORPORA / "law" / "api" / "precService_1947_xmltodict.json").read_text(encoding="utf-8"))[0]
    xml = "<PrecService>" + "".join(f"<{k}>{escape(v)}</{k}>" for k, v in data.items() if v) + "</PrecService>"
    doc = assemble(check_response(xml.encode(), XML, "PrecService", "x"), "prec")
    lines = doc.text.split("\n")
    assert lines[0] == "토지건물매매무효확인"
    assert lines[1].startswith("회사소유 부동산을") and lines[2].startswith("회사소유의 부동산을")
    assert "【원고, 상고인】   중앙재목주식회사  우대표자 취체역 김박일" in lines
    assert "<br" not in doc.text and lines[-1] == "민사소송법 제407조 제1항에 의하여 주문과 여히 판결함."
    assert doc.meta["사건번호"] == "4280민상278"


def test_fake_server_list_pages_are_valid_for_every_target():
    server = LawServer(counts=dict.fromkeys(TARGET_NAMES, 7))
    for target in TARGET_NAMES:
        spec = TARGETS[target]
        body = list_page(target, server.items(target)[5:], 7, 2, "oc", 5)
        root = check_response(body.encode(), XML, spec.search_root, "x")
        entries = root.findall(spec.list_item)
        assert [e.findtext(spec.serial_field) for e in entries] == [it.serial for it in server.items(target)[5:]]


# ---------------------------------------------------------------- state

def _item(target: str, serial: str, key: str, version: str) -> LawDocumentItem:
    return LawDocumentItem(id=f"law/{target}/{serial}", target=target, serial=serial, key=key, version=version,
                           title="t", url=None, date=None, text=f"text {serial}", meta={})


def _write(state: CrawlState, items: list[LawDocumentItem]) -> Path:
    shard = state.next_shard()
    write_records((item_to_record(i) for i in items), shard)
    state.commit(shard, [(i["target"], i["key"], i["version"], i["id"]) for i in items])
    return shard


def test_state_reads_back_what_shards_hold_and_decides(tmp_path):
    state = CrawlState.open(tmp_path)
    _write(state, [_item("law", "101", "000001", "101@20200101"), _item("prec", "7", "7", "7@19990101")])
    state.close()
    again = CrawlState.open(tmp_path)
    assert again.decide("law", "000001", "101@20200101") == "unchanged"
    assert again.decide("law", "000001", "102@20210101") == "changed"
    assert again.decide("law", "000002", "103@20200101") == "new"
    assert again.decide("prec", "7", "7@19990101") == "unchanged"
    assert pq.read_schema(next(tmp_path.glob("part-*.parquet"))).equals(CORPUS_SCHEMA, check_metadata=False)
    again.close()


def test_a_new_version_replaces_the_old_one_across_shards(tmp_path):
    state = CrawlState.open(tmp_path)
    first = _write(state, [_item("law", "101", "000001", "101@1"), _item("law", "201", "000002", "201@1")])
    _write(state, [_item("law", "102", "000001", "102@2")])
    ids = sorted(i for p in tmp_path.glob("part-*.parquet") for i in pq.read_table(p)["id"].to_pylist())
    assert ids == ["law/law/102", "law/law/201"]
    assert pq.read_table(first)["id"].to_pylist() == ["law/law/201"]
    state.close()


def test_open_repairs_a_replacement_cut_short_by_a_kill(tmp_path):
    state = CrawlState.open(tmp_path)
    _write(state, [_item("prec", "7", "7", "7@1")])
    # a later shard with the new version, written before the kill removed the old row
    write_records([item_to_record(_item("prec", "7", "7", "7@2"))], state.next_shard())
    state.close()
    again = CrawlState.open(tmp_path)
    assert again.repaired == 1 and again.decide("prec", "7", "7@2") == "unchanged"
    rows = [r for p in tmp_path.glob("part-*.parquet") for r in pq.read_table(p).to_pylist()]
    assert len(rows) == 1 and json.loads(rows[0]["meta"])["version"] == "7@2"
    again.close()


def test_skipped_items_are_remembered_and_torn_lines_ignored(tmp_path):
    state = CrawlState.open(tmp_path)
    state.note_skipped("prec", "9", "9@1", "not-found")
    state.close()
    with open(tmp_path / "_state" / "skipped.tsv", "a", encoding="utf-8") as fh:
        fh.write("prec\t10\t10@")  # a kill in mid-write
    again = CrawlState.open(tmp_path)
    assert again.decide("prec", "9", "9@1") == "unchanged" and again.decide("prec", "10", "10@1") == "new"
    again.close()


def test_one_crawl_per_folder_and_stale_temp_files_removed(tmp_path):
    (tmp_path / ".tmp-part-r00001-00001.parquet.abc").write_bytes(b"half")
    state = CrawlState.open(tmp_path)
    assert not list(tmp_path.glob(".tmp-*"))
    with pytest.raises(KorpusError, match="another crawl"):
        CrawlState.open(tmp_path)
    state.close()
    CrawlState.open(tmp_path).close()


# ---------------------------------------------------------------- retry middleware

def _drive(coro):
    """Run a coroutine that never awaits (no back-off sleep) without a reactor."""
    try:
        coro.send(None)
    except StopIteration as done:
        return done.value
    raise AssertionError("the middleware waited")


def _retry_middleware(**settings):
    from types import SimpleNamespace

    from scrapy import Spider
    from scrapy.core.downloader import Slot
    from scrapy.utils.test import get_crawler

    from korpus.crawlers.law.middlewares import BackoffRetryMiddleware

    crawler = get_crawler(Spider, {"RETRY_TIMES": 2, "RETRY_HTTP_CODES": [404, 429, 503],
                                   "KORPUS_RETRY_BACKOFF_BASE": 0, "KORPUS_RETRY_BACKOFF_MAX": 30,
                                   **settings})
    crawler.spider = Spider.from_crawler(crawler, "t")
    slot = Slot(concurrency=2, delay=0.0, jitter=0)
    crawler.engine = SimpleNamespace(downloader=SimpleNamespace(slots={"h": slot}))
    return BackoffRetryMiddleware.from_crawler(crawler), slot


def test_retry_middleware_retries_slows_the_domain_and_gives_up():
    from scrapy import Request
    from scrapy.http import Response

    mw, slot = _retry_middleware()
    request = Request("http://h/DRF/lawService.do?ID=1", meta={"download_slot": "h"})
    ok = Response(request.url, status=200, request=request)
    assert _drive(mw.process_response(request, ok)) is ok
    busy = Response(request.url, status=429, request=request)
    retry = _drive(mw.process_response(request, busy))
    assert isinstance(retry, Request) and retry.meta["retry_times"] == 1
    retry = _drive(mw.process_response(retry, busy))
    assert retry.meta["retry_times"] == 2
    assert _drive(mw.process_response(retry, busy)) is busy  # RETRY_TIMES=2: given up
    assert mw._wait(retry, 7.0) == 7.0 and mw._wait(retry, 999.0) == 30.0  # Retry-After, capped
    mw._slow_down(request, 4.0)
    assert slot.delay == 4.0


def test_retry_after_header_forms():
    from korpus.crawlers.law.middlewares import retry_after_seconds

    assert retry_after_seconds(b"12") == 12.0
    assert retry_after_seconds(b"Wed, 21 Oct 2015 07:28:00 GMT") == 0.0  # in the past
    assert retry_after_seconds(None) is None


# ---------------------------------------------------------------- spider bookkeeping

def test_callback_and_pipeline_errors_make_the_run_incomplete(tmp_path):
    from scrapy import signals
    from scrapy.http import Response
    from scrapy.utils.test import get_crawler
    from twisted.python.failure import Failure

    from korpus.crawlers.law.errors import IncompleteCrawl
    from korpus.crawlers.law.runner import LawCrawlReport
    from korpus.crawlers.law.spiders.law_api import LawApiSpider

    previous = logging.getLogRecordFactory()
    try:
        crawler = get_crawler(LawApiSpider)
        spider = LawApiSpider.from_crawler(crawler, out=str(tmp_path), oc="abcd1234", targets="law")
        response = Response("http://h/DRF/lawService.do?OC=***&target=law&MST=1")
        crawler.signals.send_catch_log(signals.spider_error, failure=Failure(ValueError("odd body")),
                                       response=response, spider=spider)
        crawler.signals.send_catch_log(signals.item_error, item={"id": "law/law/1"}, response=response,
                                       spider=spider, failure=Failure(RuntimeError("disk")))
        spider.closed("finished")
    finally:
        logging.setLogRecordFactory(previous)
    assert spider.failure_count == 2 and "odd body" in spider.failures[0]
    report = LawCrawlReport(out=tmp_path, counts={}, failures=spider.failures,
                            failure_count=spider.failure_count, finish_reason="finished")
    with pytest.raises(IncompleteCrawl, match="2 request"):
        report.raise_for_problems()
    assert LawCrawlReport(out=tmp_path, counts={}, finish_reason="finished").raise_for_problems() is None
