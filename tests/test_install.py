"""Install hints name a command that works where this copy of evalrules came from."""

from pathlib import Path

import pytest

from evalrules.install import install_command

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize(("origin", "expected"), [
    (None, 'python -m pip install "evalrules[cli]"'),
    ({"url": "file:///home/me/evalrules", "dir_info": {"editable": True}},
     'python -m pip install -e "/home/me/evalrules[cli]"'),
    ({"url": "file:///home/me/evalrules", "dir_info": {}},
     'python -m pip install "/home/me/evalrules[cli]"'),
    ({"url": "file:///home/me/my%20work/evalrules", "dir_info": {"editable": True}},
     'python -m pip install -e "/home/me/my work/evalrules[cli]"'),
    ({"url": "https://example.org/evalrules.git",
      "vcs_info": {"vcs": "git", "commit_id": "abc123"}},
     'python -m pip install "evalrules[cli] @ git+https://example.org/evalrules.git@abc123"'),
    ({"url": "https://example.org/evalrules-0.1.0-py3-none-any.whl", "archive_info": {}},
     'python -m pip install "evalrules[cli] @ '
     'https://example.org/evalrules-0.1.0-py3-none-any.whl"'),
])
def test_each_origin_pip_records_gets_its_own_command(origin, expected):
    assert install_command("cli", origin=origin, installed=True) == expected


def test_a_source_tree_run_without_installing_is_installed_from_that_tree(tmp_path):
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'evalrules'\n")
    assert install_command("batch", installed=False, tree=tmp_path) == \
        f'python -m pip install -e "{tmp_path}[batch]"'
    # no source tree around (a copy on the path, outside any checkout): the index
    assert install_command("batch", installed=False, tree=tmp_path / "elsewhere") == \
        'python -m pip install "evalrules[batch]"'


def test_the_command_for_this_environment_installs_this_checkout():
    # The tests run from a checkout: whether it is installed editable (a developer), installed
    # from its directory (CI: pip install ".[test,cli]") or only on the path, the hint must
    # install from this checkout, never fetch "evalrules" from an index.
    assert f"{ROOT}[cli]" in install_command("cli")
