"""Token stores: the in-memory store, and the file store's atomic, owner-only, locked writes."""

from __future__ import annotations

import multiprocessing
import os
import stat
import threading
from collections.abc import Callable
from pathlib import Path

import pytest
from filelock import Timeout

from zoho_tools.auth.store import FileTokenStore, MemoryTokenStore, TokenStore, TokenStoreError
from zoho_tools.auth.tokens import TokenSet


def token(access: str = "1000.access-SECRET", refresh: str = "1000.refresh-SECRET") -> TokenSet:
    return TokenSet(
        access_token=access,
        refresh_token=refresh,
        expires_at=1_700_003_600.0,
        api_domain="https://www.zohoapis.com",
        accounts_server="https://accounts.zoho.com",
        scopes=("ZohoCRM.modules.ALL",),
    )


@pytest.mark.parametrize("make", [MemoryTokenStore, lambda: FileTokenStore("unused")])
def test_stores_satisfy_the_protocol(make: Callable[[], object]) -> None:
    assert isinstance(make(), TokenStore)


@pytest.mark.parametrize("kind", ["memory", "file"])
def test_save_load_clear(kind: str, tmp_path: Path) -> None:
    store: TokenStore = MemoryTokenStore() if kind == "memory" else FileTokenStore(tmp_path / "t")
    assert store.load() is None
    store.save(token())
    assert store.load() == token()
    store.save(token(access="1000.other"))
    assert store.load() == token(access="1000.other")
    store.clear()
    assert store.load() is None
    store.clear()  # nothing stored: still fine


def test_file_is_owner_only_and_created_directory_is_0700(tmp_path: Path) -> None:
    path = tmp_path / "config" / "zoho-tools" / "tokens.json"
    store = FileTokenStore(path)
    store.save(token())
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    with store.locked():
        pass
    assert stat.S_IMODE(Path(f"{path}.lock").stat().st_mode) & 0o077 == 0


def test_write_replaces_the_file_whole_and_leaves_no_temporary_files(tmp_path: Path) -> None:
    path = tmp_path / "tokens.json"
    store = FileTokenStore(path)
    store.save(token())
    first_inode = path.stat().st_ino
    store.save(token(access="1000.second"))
    # A new file took the old one's place (os.replace), rather than the old one being rewritten.
    assert path.stat().st_ino != first_inode
    assert sorted(p.name for p in tmp_path.iterdir()) == ["tokens.json"]


def test_a_failed_write_keeps_nothing_half_written(tmp_path: Path) -> None:
    path = tmp_path / "tokens.json"
    path.mkdir()  # os.replace onto a directory fails after the temporary file is written
    with pytest.raises(OSError):
        FileTokenStore(path).save(token())
    assert sorted(p.name for p in tmp_path.iterdir()) == ["tokens.json"]


def test_readers_never_see_a_partial_file(tmp_path: Path) -> None:
    store = FileTokenStore(tmp_path / "tokens.json")
    store.save(token())
    failures: list[Exception] = []
    stop = threading.Event()

    def read() -> None:
        reader = FileTokenStore(tmp_path / "tokens.json")
        while not stop.is_set():
            try:
                assert reader.load() is not None
            except Exception as exc:  # pragma: no cover - only on a broken store
                failures.append(exc)
                return

    thread = threading.Thread(target=read)
    thread.start()
    for i in range(300):
        store.save(token(access=f"1000.{i}" * 50))
    stop.set()
    thread.join()
    assert failures == []


def test_corrupt_file_gives_a_clear_error_without_its_content(tmp_path: Path) -> None:
    path = tmp_path / "tokens.json"
    path.write_text('{"format": "zoho-tools/tokens", "token": {"access_token": "1000.SECRET"')
    with pytest.raises(TokenStoreError, match="zoho-tools connect") as info:
        FileTokenStore(path).load()
    assert "SECRET" not in str(info.value)
    path.write_text('{"something": "else"}')
    with pytest.raises(TokenStoreError):
        FileTokenStore(path).load()


def test_lock_excludes_a_second_store_object_on_the_same_file(tmp_path: Path) -> None:
    path = tmp_path / "tokens.json"
    first = FileTokenStore(path)
    second = FileTokenStore(path, lock_timeout=0.05)
    with first.locked(), pytest.raises(Timeout), second.locked():
        pass  # pragma: no cover
    with second.locked():  # released: now it is free
        pass


def test_lock_may_be_released_by_another_thread(tmp_path: Path) -> None:
    # ZohoAuth's async flow acquires in a worker thread and releases in the event loop's.
    store = FileTokenStore(tmp_path / "tokens.json", lock_timeout=0.05)
    held = store.locked()
    worker = threading.Thread(target=held.__enter__)
    worker.start()
    worker.join()
    held.__exit__(None, None, None)
    with FileTokenStore(tmp_path / "tokens.json", lock_timeout=0.05).locked():
        pass


def _increment(path: str, times: int) -> None:
    """In a child process: read-modify-write the store ``times`` times under its lock."""
    store = FileTokenStore(path)
    for _ in range(times):
        with store.locked():
            current = store.load()
            assert current is not None
            store.save(current.replace(access_token=str(int(current.access_token) + 1)))


def test_two_processes_never_lose_an_update(tmp_path: Path) -> None:
    path = tmp_path / "tokens.json"
    FileTokenStore(path).save(token(access="0"))
    ctx = multiprocessing.get_context("spawn")
    workers = [ctx.Process(target=_increment, args=(str(path), 40)) for _ in range(2)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    assert [w.exitcode for w in workers] == [0, 0]
    final = FileTokenStore(path).load()
    assert final is not None
    assert final.access_token == "80"
    assert final.refresh_token == "1000.refresh-SECRET"


def test_reprs_show_no_secret(tmp_path: Path) -> None:
    memory = MemoryTokenStore(token())
    assert "SECRET" not in repr(memory)
    file = FileTokenStore(tmp_path / "tokens.json")
    file.save(token())
    assert "SECRET" not in repr(file)
    assert os.fspath(tmp_path) in repr(file)
