"""Shared fixtures: every test gets its own platformdirs locations (config, state, cache, data)."""

from __future__ import annotations

import gc
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import settings

# CI runs the properties on the same examples every time (a red CI must be reproducible and
# must not depend on luck); a developer's runs keep exploring new ones.
settings.register_profile("ci", derandomize=True, database=None)
if os.environ.get("CI"):
    settings.load_profile("ci")

XDG_NAMES = ("CONFIG", "STATE", "CACHE", "DATA")


def _point_xdg(target: pytest.MonkeyPatch, home: Path) -> None:
    for name in XDG_NAMES:
        target.setenv(f"XDG_{name}_HOME", str(home / name.lower()))


@pytest.fixture(scope="session", autouse=True)
def session_dirs(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """Point XDG_* at a private folder for the whole run, before any fixture runs.

    The function-scoped :func:`isolated_dirs` comes too late for module- and session-scoped
    fixtures (an index built once per module writes its cache): without this they would write
    into the user's real ``~/.cache/newsreader``.
    """
    home = tmp_path_factory.mktemp("xdg-session")
    with pytest.MonkeyPatch.context() as patch:
        _point_xdg(patch, home)
        yield home


@pytest.fixture(autouse=True)
def isolated_dirs(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> Path:
    """Point XDG_* at a private temp folder so tests never touch the user's files."""
    home = tmp_path_factory.mktemp("xdg")
    _point_xdg(monkeypatch, home)
    return home


@pytest.fixture(autouse=True)
def default_site() -> Iterator[None]:
    """Each test starts with Jekyll's default site config (an index sets its folder's)."""
    from newsreader.site import rules as site

    site.use_config(None)
    yield
    site.use_config(None)


@pytest.fixture(autouse=True)
def unfrozen_heap() -> Iterator[None]:
    """Give the objects a test's index froze back to the collector (see newsreader.reading.heap)."""
    yield
    gc.unfreeze()


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """The four-article fixture folder of the app tests (a module may define its own)."""
    from tests.apphelpers import write_small_folder

    return write_small_folder(tmp_path / "news")
