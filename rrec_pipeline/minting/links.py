"""What a mint says about its data: a commit-pinned URL and the file's SHA-256.

`additionalInfo` = `<url>#sha256=<hex>`. The URL pins a commit, so the file it
names can never change under the token; the hash lets anyone check the bytes
they fetched. A pinned URL holds the 40-hex commit followed by the file's path
in the repository (GitHub `blob/<commit>/<path>`, raw `<commit>/<path>`, and
the local form `<repo>/blob/<commit>/<path>` all parse the same way).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import quote, unquote

from rrec_pipeline.verification_csv.filenames import ParsedFileName, parse_file_name

DEFAULT_TEMPLATE = "{repo}/blob/{commit}/{path}"
_GITHUB = re.compile(
    r"^(?:https://github\.com/|git@github\.com:)(?P<org>[^/]+)/(?P<name>[^/]+?)(?:\.git)?/?$"
)
_PINNED = re.compile(r"/(?:blob/|raw/)?(?P<commit>[0-9a-f]{40})/(?P<path>[^#?]+)")
_SHA = re.compile(r"^[0-9a-f]{64}$")
_WINDOW_FOLDER = re.compile(r"^(?P<folder>.+/\d{4}-\d{2}-\d{2})/[^/]+$")


@dataclass(frozen=True)
class Link:
    url: str
    sha256: str | None

    @property
    def commit(self) -> str | None:
        match = _PINNED.search(self.url)
        return match["commit"] if match else None

    @property
    def path(self) -> str | None:
        match = _PINNED.search(self.url)
        return unquote(match["path"]) if match else None

    @property
    def window(self) -> str | None:
        """The window folder a pipeline lot's file is published in (`.../<first day>/`):
        every version of one window shares it, so they are one claim; None otherwise."""
        match = _WINDOW_FOLDER.match(self.path or "")
        return match["folder"] if match else None

    @property
    def file(self) -> ParsedFileName | None:
        """The verification file the URL names (project and period), if it has a standard name."""
        return parse_file_name(self.path or self.url)


def additional_info(url: str, sha256: str) -> str:
    return f"{url}#sha256={sha256}"


def parse_info(text: str | None) -> Link | None:
    """`<url>#sha256=<hex>` -> Link; a bare URL -> Link without hash; nothing -> None."""
    if not text or not text.strip():
        return None
    url, _, fragment = text.strip().partition("#")
    sha = fragment.removeprefix("sha256=").lower() if fragment.startswith("sha256=") else None
    return Link(url, sha if sha and _SHA.match(sha) else None)


def default_template(remote: str) -> str:
    """`https://github.com/<org>/<repo>/blob/{commit}/{path}` for a GitHub remote; otherwise
    the repository's own location followed by `/blob/{commit}/{path}`."""
    match = _GITHUB.match(remote)
    if match:
        return f"https://github.com/{match['org']}/{match['name']}/blob/{{commit}}/{{path}}"
    return DEFAULT_TEMPLATE


def pinned_url(template: str, *, repo: str, commit: str, path: str) -> str:
    return template.format(repo=repo, commit=commit, path=quote(path))
