"""``--help`` speaks the run's language: every command's description and every argument's help
come from the message catalogue in Chinese and English, and argparse's own words follow."""

from __future__ import annotations

import re

import pytest

from evalrules.cli import COMMANDS, build_parser, main
from evalrules.messages import MESSAGES, say


def _help(argv: list[str], capsys) -> str:
    with pytest.raises(SystemExit) as e:
        main(argv)
    assert e.value.code == 0
    return capsys.readouterr().out


@pytest.mark.parametrize("command", COMMANDS)
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_argument_of_every_command_has_its_help_in_the_language(command, lang, capsys):
    out = _help([command, "--help", "--lang", lang], capsys)
    assert say(f"help.{command}", lang).split("\n", 1)[0] in out
    keys = [k for k in MESSAGES if k.startswith(f"help.{command}.")]
    if command in ("eval", "explain", "report", "diff"):
        keys += ["help.sheet", "help.encoding"]
    assert keys, f"no argument of {command} has help"
    for key in keys:
        # argparse wraps long help: compare the first words
        assert " ".join(say(key, lang).split())[:20] in " ".join(out.split())
    chinese = re.search(r"[\u4e00-\u9fff]", out.split("\n", 1)[0])  # the usage line's prefix
    assert bool(chinese) == (lang == "zh")
    if lang == "zh":
        assert "show this help" not in out and "options:" not in out
    else:
        assert "显示本帮助" not in out and "选项" not in out


def test_the_catalogue_has_no_help_for_an_argument_no_command_has():
    parser, _ = build_parser("en")
    subcommands = next(a for a in parser._actions if a.dest == "command").choices
    known = {f"help.{name}.{action.dest}" for name, sub in subcommands.items()
             for action in sub._actions}
    shared = {f"help.{action.dest}" for sub in subcommands.values() for action in sub._actions}
    stale = [k for k in MESSAGES if k.count(".") == 2 and k.startswith("help.")
             and k not in known]
    assert "help.sheet" in shared and "help.encoding" in shared
    assert stale == []


def test_the_language_comes_from_the_locale_when_not_asked(capsys, monkeypatch):
    monkeypatch.setenv("EVALRULES_LANG", "en")
    assert "show this help message" in _help(["check", "--help"], capsys)
    monkeypatch.setenv("EVALRULES_LANG", "zh_CN.UTF-8")
    assert "显示本帮助并退出" in _help(["check", "--help"], capsys)
    assert "show this help message" in _help(["check", "--lang=en", "--help"], capsys)


def test_a_percent_in_an_arguments_help_is_printed_as_written(capsys, monkeypatch):
    # argparse %-formats an argument's help: catalogue text with 30% must come out as 30%.
    monkeypatch.setitem(MESSAGES, "help.check.format", ("线为 30%", "a line at 30%"))
    out = _help(["check", "--help", "--lang", "en"], capsys)
    assert "a line at 30%\n" in out
