"""Fetch the bytes a mint's link pins: from a git repository, or over HTTPS.

With a repository (a path, bare or not, or a remote URL) the file is read with
`git show <commit>:<path>`; a remote is cloned bare into a temporary folder
first. Without one, a local link (`file:///repo/blob/<commit>/<path>`) is read
from that repository, a GitHub blob link from raw.githubusercontent.com, and
anything else fetched as it is.
"""

from __future__ import annotations

import re
import tempfile
from pathlib import Path
from urllib.parse import unquote, urlparse

import git
import requests

from rrec_pipeline.basics.drop_files import MAX_FILE_BYTES
from rrec_pipeline.minting.links import Link

TIMEOUT_S = 30
_GITHUB_BLOB = re.compile(r"^https://github\.com/([^/]+)/([^/]+)/blob/([0-9a-f]{40})/(.+)$")


class FetchError(RuntimeError):
    """The pinned file could not be read."""


def fetch_pinned(link: Link, repository: str | None = None) -> bytes:
    if link.commit is None or link.path is None:
        raise FetchError(f"{link.url} pins no commit: cannot know which bytes were minted")
    if repository is None and link.url.startswith("file://"):
        repository = unquote(urlparse(link.url.split("/blob/")[0]).path)
    if repository is not None:
        return _from_git(repository, link.commit, link.path)
    return _over_https(link.url)


def _from_git(repository: str, commit: str, path: str) -> bytes:
    try:
        if Path(repository).exists():
            return _show(git.Repo(repository), commit, path)
        with tempfile.TemporaryDirectory(prefix="rrec-verify-") as folder:
            return _show(git.Repo.clone_from(repository, folder, bare=True), commit, path)
    except (git.GitError, OSError) as error:
        raise FetchError(
            f"cannot read {path} at {commit[:12]} from {repository}: {error}"
        ) from None


def _show(repo: git.Repo, commit: str, path: str) -> bytes:
    return repo.git.show(f"{commit}:{path}", stdout_as_string=False, strip_newline_in_stdout=False)


def _over_https(url: str) -> bytes:
    match = _GITHUB_BLOB.match(url)
    if match:
        org, name, commit, path = match.groups()
        url = f"https://raw.githubusercontent.com/{org}/{name}/{commit}/{path}"
    if not url.startswith("https://"):
        raise FetchError(f"{url}: only https links are fetched; give --repo for others")
    try:
        with requests.get(url, timeout=TIMEOUT_S, stream=True, allow_redirects=False) as response:
            response.raise_for_status()
            data = response.raw.read(MAX_FILE_BYTES + 1, decode_content=True)
    except requests.RequestException as error:
        raise FetchError(f"cannot fetch {url}: {error}") from None
    if len(data) > MAX_FILE_BYTES:
        raise FetchError(f"{url} is over the {MAX_FILE_BYTES:,}-byte limit for one file")
    return data


def repository_csvs(repository: str) -> list[tuple[str, bytes]]:
    """(path, bytes) of every `*.csv` at the head of a git repository (a path, bare or not,
    or a remote URL, cloned bare into a temporary folder first); over-large files left out."""
    try:
        if Path(repository).exists():
            return _head_csvs(git.Repo(repository))
        with tempfile.TemporaryDirectory(prefix="rrec-history-") as folder:
            return _head_csvs(git.Repo.clone_from(repository, folder, bare=True))
    except (git.GitError, OSError, ValueError) as error:
        reason = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        raise FetchError(f"cannot read the repository {repository}: {reason}") from None


def _head_csvs(repo: git.Repo) -> list[tuple[str, bytes]]:
    return [
        (blob.path, blob.data_stream.read())
        for blob in repo.head.commit.tree.traverse()
        if blob.type == "blob"
        and blob.path.lower().endswith(".csv")
        and blob.size <= MAX_FILE_BYTES
    ]
