"""Shared fixtures: every test gets its own platformdirs locations (config, state, cache, data)."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from pathlib import Path

import pytest


@pytest.fixture(autouse=True)
def isolated_dirs(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> Path:
    """Point XDG_* at a private temp folder so tests never touch the user's files."""
    home = tmp_path_factory.mktemp("xdg")
    for name in ("CONFIG", "STATE", "CACHE", "DATA"):
        monkeypatch.setenv(f"XDG_{name}_HOME", str(home / name.lower()))
    return home


@pytest.fixture(autouse=True)
def default_site() -> Iterator[None]:
    """Each test starts with Jekyll's default site config (an index sets its folder's)."""
    from newsreader import site

    site.use_config(None)
    yield
    site.use_config(None)


@pytest.fixture(autouse=True)
def unfrozen_heap() -> Iterator[None]:
    """Give the objects a test's index froze back to the collector (see newsreader.heap)."""
    yield
    gc.unfreeze()
