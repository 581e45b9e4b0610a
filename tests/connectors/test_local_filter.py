"""`match` and `require_terms` mean the same thing on every source: one local filter, one language."""
from __future__ import annotations

import pytest

from connectors import CONNECTORS
from monitor.config import ConfigError, load_settings


@pytest.mark.parametrize("kind", sorted(CONNECTORS))
def test_every_kind_accepts_the_shared_filter_options(kind):
    fields = CONNECTORS[kind].Options.model_fields
    assert "match" in fields and "require_terms" in fields


def _configured(tmp_path, source_yaml: str):
    path = tmp_path / "settings.yaml"
    path.write_text(f"""\
brands:
  - name: acme
    terms: ["acme", "آکمه"]
sources:
{source_yaml}""", encoding="utf-8")
    return load_settings(path, check_examples=False)


def _connector(configured, brand_terms=("acme", "آکمه")):
    entry = configured.sources[0]
    return CONNECTORS[entry.common.kind](entry.common.name, entry.options, brand_terms=list(brand_terms))


def test_match_filters_a_telegram_group_in_the_query_language(tmp_path):
    config = _configured(tmp_path, """\
  - name: group
    kind: telegram_bot
    token: "123:abc"
    match: 'آکمه (تاخیر* OR خراب) -استخدام'
""")
    bot = _connector(config)
    assert bot.keeps("سفارشم از آکمه تاخیر داره")                 # a complaint naming the brand
    assert bot.keeps("سفارش آكمه خراب رسید")                       # Arabic kaf folds to Persian
    assert not bot.keeps("آکمه استخدام می‌کند، تاخیر نکنید")       # excluded term
    assert not bot.keeps("سفارشم تاخیر داره")                      # brand not named


def test_require_terms_keeps_only_items_naming_the_brand(tmp_path):
    config = _configured(tmp_path, """\
  - name: forum
    kind: rss
    url: http://127.0.0.1:1/feed
    require_terms: true
""")
    feed = _connector(config)
    assert feed.keeps("ACME lost my parcel") and feed.keeps("آکمه جواب نمیده")
    assert not feed.keeps("my parcel is lost")


def test_without_a_filter_a_pre_filtered_source_keeps_everything(tmp_path):
    config = _configured(tmp_path, """\
  - name: alerts
    kind: rss
    url: http://127.0.0.1:1/feed
""")
    assert _connector(config).keeps("anything the Google Alert found")


def test_hacker_news_rechecks_fuzzy_hits_against_its_query_when_no_brand_terms():
    options = CONNECTORS["hackernews"].Options(query="java")
    hn = CONNECTORS["hackernews"]("hn", options, brand_terms=[])
    assert hn.keeps("Java 25 is out") and not hn.keeps("a japanese checkbox")


def test_a_broken_match_is_a_configuration_error_naming_its_place(tmp_path):
    with pytest.raises(ConfigError) as info:
        _configured(tmp_path, """\
  - name: live
    kind: bluesky_jetstream
    match: 'acme AND ("late'
""")
    found = [str(i) for i in info.value.issues]
    assert any("sources[0].match" in i and "not a valid query" in i and ":7:" in i for i in found), found
