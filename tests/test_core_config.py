import pytest

from korpus.build.config import config_from_mapping, load_config, parse_source_flag
from korpus.core.errors import ConfigError


def test_toml_sources_and_sections(tmp_path):
    path = tmp_path / "korpus.toml"
    path.write_text(
        'out = "c.parquet"\nworkers = 1\n'
        '[[source]]\nkind = "jsonl"\npath = "a.jsonl"\ntext_field = "body"\n'
        '[split]\nsplitter = "fast"\n[dedup]\nexact = false\n',
        encoding="utf-8",
    )
    cfg = load_config(path)
    assert cfg.out == "c.parquet" and cfg.workers == 1 and cfg.format is None
    assert cfg.sources[0].kind == "jsonl" and cfg.sources[0].options == {"text_field": "body"}
    assert cfg.dedup.exact is False


@pytest.mark.parametrize("text, key", [
    ('ouut = "x"\n', "'ouut'"),
    ('[split]\nspliter = "fast"\n', "'spliter'"),
    ('[dedupe]\nexact = true\n', "'dedupe'"),
])
def test_misspelt_key_is_an_error_naming_it_and_the_file(tmp_path, text, key):
    path = tmp_path / "bad.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as err:
        load_config(path)
    assert key in str(err.value) and "bad.toml" in str(err.value)


def test_source_flag_parsing():
    spec = parse_source_flag("comments=data/c.txt")
    assert (spec.kind, spec.path) == ("comments", "data/c.txt")
    with pytest.raises(ConfigError, match="KIND=PATH"):
        parse_source_flag("comments")
    with pytest.raises(ConfigError, match="unknown source kind 'blog'"):
        parse_source_flag("blog=x")


def test_unknown_reader_option_is_an_error(tmp_path):
    (tmp_path / "a.jsonl").write_text('{"text": "가"}\n', encoding="utf-8")
    with pytest.raises(ConfigError, match=r"config \[\[source\]\] #1: .*'txt_field'"):  # found as the config loads
        config_from_mapping({"source": [{"kind": "jsonl", "path": str(tmp_path), "txt_field": "x"}]})


def test_toml_format_key_picks_the_writer(tmp_path):
    path = tmp_path / "korpus.toml"
    path.write_text('out = "corpus/"\nformat = "jsonl.gz"\n', encoding="utf-8")
    assert load_config(path).format == "jsonl.gz"
    with pytest.raises(ConfigError, match="'formats'"):
        config_from_mapping({"formats": "jsonl"})
    path.write_text('out = "corpus/"\nformat = "csv"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match=r"korpus\.toml: format 'csv': unknown format \(known: parquet, jsonl"):
        load_config(path)
