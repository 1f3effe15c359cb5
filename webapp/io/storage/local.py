"""Local directory storage, only under QUORUM_LOCAL_FILES_ROOT, so that no one can read
(or write) the server's other files. Unset root: local storage is off."""
from __future__ import annotations

from collections.abc import Iterator, Mapping
from pathlib import Path

from webapp.io.storage.base import ObjectInfo, StorageError, required_text


def _root(config: Mapping) -> Path:
    root = config.get("QUORUM_LOCAL_FILES_ROOT")
    if not root:
        raise StorageError("path", "Local storage is off: the server has no QUORUM_LOCAL_FILES_ROOT.")
    return Path(root).resolve()


def _inside(root: Path, path: Path) -> bool:
    return path == root or root in path.parents


def clean_params(params: dict, config: Mapping, secret: str = "") -> dict:
    root = _root(config)
    raw = required_text(params, "path", "The directory path")
    path = (root / raw).resolve()  # a relative path is taken under the root
    if not _inside(root, path):
        raise StorageError("path", f"The path must be inside {root}.")
    if not path.is_dir():
        raise StorageError("path", f"{path} is not a directory.")
    return {"path": str(path)}


class LocalAdapter:
    def __init__(self, root: Path, directory: Path) -> None:
        self.root = root
        self.directory = directory

    def _path(self, key: str) -> Path:
        # Checked again at use: a symlink or a key with ".." must not leave the root.
        path = (self.directory / key).resolve()
        if not _inside(self.root, path):
            raise StorageError("path", f"{key} resolves outside the files root.")
        return path

    def list(self) -> Iterator[ObjectInfo]:
        for path in sorted(self.directory.rglob("*")):
            if path.is_file() and _inside(self.root, path.resolve()):
                stat = path.stat()
                yield ObjectInfo(path.relative_to(self.directory).as_posix(), f"{stat.st_mtime_ns}-{stat.st_size}")

    def read(self, key: str) -> bytes:
        return self._path(key).read_bytes()

    def write(self, key: str, data: bytes) -> None:
        path = self._path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)

    def delete(self, key: str) -> None:
        self._path(key).unlink(missing_ok=True)


def open_adapter(params: dict, secret: str, config: Mapping, storage_id: int | None = None) -> LocalAdapter:
    root = _root(config)
    directory = Path(params["path"]).resolve()
    if not _inside(root, directory):
        raise StorageError("path", f"The path must be inside {root}.")
    return LocalAdapter(root, directory)
