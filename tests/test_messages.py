"""The message catalogue: every message in both languages with the same placeholders, and the
language a run speaks."""

from __future__ import annotations

import pytest

from evalrules.messages import LANGUAGES, MESSAGES, language, placeholders, say


@pytest.mark.parametrize("key", sorted(MESSAGES))
def test_every_message_is_written_in_both_languages_with_the_same_placeholders(key):
    zh, en = MESSAGES[key]
    assert zh.strip() and en.strip()
    assert placeholders(zh) == placeholders(en)


def test_say_fills_in_the_language_asked_for():
    assert say("read.no_file", "zh", path="a.csv") == "找不到数据文件：a.csv"
    assert say("read.no_file", "en", path="a.csv") == "no such data file: a.csv"


@pytest.mark.parametrize(("environ", "expected"), [
    ({}, "zh"),
    ({"LANG": "C.UTF-8"}, "zh"),
    ({"LANG": "zh_CN.UTF-8"}, "zh"),
    ({"LANG": "en_US.UTF-8"}, "en"),
    ({"LANG": "en_US.UTF-8", "LC_ALL": "zh_CN.UTF-8"}, "zh"),  # LC_ALL comes first, as in POSIX
    ({"LANG": "zh_CN.UTF-8", "EVALRULES_LANG": "en"}, "en"),
    ({"LC_ALL": "", "LANG": "en_GB"}, "en"),  # an empty variable is not set
])
def test_the_language_is_chinese_unless_the_locale_says_english(environ, expected):
    assert language(environ=environ) == expected


def test_an_explicit_language_wins_and_must_be_known():
    assert language("en", environ={"LANG": "zh_CN.UTF-8"}) == "en"
    assert set(LANGUAGES) == {"zh", "en"}
    with pytest.raises(ValueError, match="'fr'"):
        language("fr")
