"""What a mint says about its data: a commit-pinned URL and the file's SHA-256.

`additionalInfo` = `<url>#sha256=<hex>`. The URL pins a commit, so the file it
names can never change under the token; the hash lets anyone check the bytes
they fetched. A pinned URL holds the 40-hex commit followed by the file's path
in the repository (GitHub `blob/<commit>/<path>`, raw `<commit>/<path>`, and
the local form `<repo>/blob/<commit>/<path>` all parse the same way).

A lot's identity on the chain is its *claim*: the window folder its file is
published in (`verification_data/<project>/<reservation>/<first day>`), or the
file's repository path for a producer's own file. It survives what the link
does not: a lost ledger, a moved home, a new repository URL, changed bytes.

Nothing secret goes into a link: user information (`alice:s3cr3t@`, a token)
is stripped from every URL before it becomes a link, a table value or a line
of output (`public_url`, `redact`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import quote, unquote

from rrec_pipeline.verification_csv.filenames import ParsedFileName, parse_file_name

DEFAULT_TEMPLATE = "{repo}/blob/{commit}/{path}"
_GITHUB = re.compile(
    r"^(?:(?:https?|ssh|git)://(?:[^/@]+@)?github\.com(?::\d+)?/|(?:[^/@:]+@)?github\.com:)"
    r"(?P<org>[^/]+)/(?P<name>[^/]+?)(?:\.git)?/?$"
)
_USERINFO = re.compile(r"(?P<scheme>[A-Za-z][A-Za-z0-9+.-]*://)[^/@\s]*@")
_SCP = re.compile(r"^(?:[^/@:\s]+@)?[^/:\s]+:(?!//)")
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
    def claim(self) -> str | None:
        """What the mint claims: its window folder, else its file's repository path."""
        return claim_of(self.path)

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


def claim_of(path: str | None) -> str | None:
    """The claim of a file published at `path` (see `Link.claim`)."""
    match = _WINDOW_FOLDER.match(path or "")
    return match["folder"] if match else path


def redact(text: str) -> str:
    """`https://alice:s3cr3t@host/x` -> `https://host/x`, wherever URLs occur in `text`."""
    return _USERINFO.sub(r"\g<scheme>", text)


def public_url(remote: str) -> str:
    """A remote URL without user information and without a trailing `.git`."""
    return redact(remote).removesuffix("/").removesuffix(".git")


def is_ssh_remote(remote: str) -> bool:
    """`ssh://...` or scp-style `git@host:org/repo.git`: no web link can be derived."""
    return remote.startswith("ssh://") or (
        "://" not in remote and bool(_SCP.match(remote)) and not remote.startswith("/")
    )


def default_template(remote: str) -> str | None:
    """`https://github.com/<org>/<repo>/blob/{commit}/{path}` for a GitHub remote (https,
    ssh or scp-style, with or without a token); the repository's own location followed by
    `/blob/{commit}/{path}` for another https or local one; None for a non-GitHub ssh
    remote, which needs a template."""
    match = _GITHUB.match(remote)
    if match:
        return f"https://github.com/{match['org']}/{match['name']}/blob/{{commit}}/{{path}}"
    return None if is_ssh_remote(remote) else DEFAULT_TEMPLATE


def template_problem(template: str) -> str | None:
    """Why a link template cannot be used: every link must pin a commit and name the path,
    carry no secret and be fetchable over https (or file:// for a local repository)."""
    for field in ("{commit}", "{path}"):
        if field not in template:
            return f"the link template {redact(template)!r} has no {field}: links must pin it"
    if redact(template) != template:
        return "the link template carries user information (a secret): remove it"
    if not template.startswith(("https://", "http://", "file://", "{repo}")):
        return f"the link template {template!r} does not give an https link"
    return None


def pinned_url(template: str, *, repo: str, commit: str, path: str) -> str:
    return template.format(repo=repo, commit=commit, path=quote(path))
