"""Publication: lots' files committed to the verification-data repository, then pushed.

`repository` is a path or a remote URL. A path to a repository with a work tree
(or to nothing yet: one is created) is committed to directly; anything else (a
URL, a bare repository) is cloned into `checkout`, committed there and pushed.
A rejected push is retried after fetching and rebasing onto the remote, never
forced, so the remote's history is always kept. Writing the same bytes again
makes no commit, and a file's URL pins the last commit that changed it, so the
same content always gets the same link.

Settings are checked before anything is written (`problem`): a link template
must pin `{commit}`; an ssh or scp-style remote that is not GitHub needs a
template giving an https link; a path ending in `.git` that does not exist is
an error, never a new repository. Links and messages never carry the remote's
user information (a password or token): `links.public_url`, `links.redact`.
Git's own failures (an unreachable remote, a rejected push) become one-line
`PublishError`s.
"""

from __future__ import annotations

import base64
import os
from pathlib import Path
from urllib.parse import unquote, urlsplit

import dagster as dg
import git

from rrec_pipeline.basics.errors import OperatorError
from rrec_pipeline.minting.links import (
    default_template,
    is_ssh_remote,
    pinned_url,
    public_url,
    redact,
    template_problem,
)
from rrec_pipeline.minting.ports import Published
from rrec_pipeline.resources.storage.atomic import write_atomic
from rrec_pipeline.resources.storage.duck import held

AUTHOR = git.Actor("rrec-pipeline", "rrec-pipeline@localhost")
IDENTITY = {
    "GIT_AUTHOR_NAME": AUTHOR.name,
    "GIT_AUTHOR_EMAIL": AUTHOR.email,
    "GIT_COMMITTER_NAME": AUTHOR.name,
    "GIT_COMMITTER_EMAIL": AUTHOR.email,
    "GIT_TERMINAL_PROMPT": "0",
}


class PublishError(OperatorError):
    """The repository refused the publication (after retries); nothing was minted for it."""


class GitPublisher(dg.ConfigurableResource):
    repository: str
    checkout: str
    branch: str = "main"
    url_template: str | None = None
    push_attempts: int = 3

    @property
    def is_remote(self) -> bool:
        path = Path(self.repository)
        if "://" in self.repository or is_ssh_remote(self.repository):
            return True
        return path.exists() and not (path / ".git").exists() and (path / "HEAD").exists()

    @property
    def template(self) -> str | None:
        return self.url_template or default_template(self.repository)

    def problem(self) -> str | None:
        """Why this publisher cannot publish, before anything is written; None when it can."""
        where = redact(self.repository)
        if self.template is None:
            return (
                f"{where} is an ssh remote: set RREC_PUBLISH_URL_TEMPLATE to the https link "
                "of a file, e.g. https://host/org/repo/blob/{commit}/{path}"
            )
        problem = template_problem(self.template)
        if problem:
            return problem
        path = Path(self.repository)
        if not self.is_remote and self.repository.endswith(".git") and not path.exists():
            return f"no repository at {where}: create the bare remote first (git init --bare)"
        return None

    def publish(
        self, files: dict[str, bytes], message: str, replace_in: set[str] | None = None
    ) -> dict[str, Published]:
        """Commit `files` (repository path -> bytes), push, and pin each path's URL. In each
        folder of `replace_in`, files not among `files` are removed in the same commit.

        One publisher at a time per work tree (a lock file beside it)."""
        problem = self.problem()
        if problem:
            raise PublishError(problem)
        with held(self._work_tree().with_name(f".{self._work_tree().name}.publish.lock")):
            try:
                return self._publish(files, message, replace_in or set())
            except git.GitCommandError as error:
                raise PublishError(_git_failure(error)) from None

    def _work_tree(self) -> Path:
        return Path(self.checkout if self.is_remote else self.repository).absolute()

    def _publish(
        self, files: dict[str, bytes], message: str, replace_in: set[str]
    ) -> dict[str, Published]:
        repo = self._open()
        with repo.git.custom_environment(**IDENTITY):
            _remove_others(repo, replace_in, set(files))
            changed = self._write(repo, files)
            if changed:
                repo.index.commit(message, author=AUTHOR, committer=AUTHOR)
            if self.is_remote and (changed or self._ahead(repo)):
                self._push(repo)
            return {path: self._pin(repo, path) for path in files}

    def _open(self) -> git.Repo:
        if not self.is_remote:
            return _recovered(_local(Path(self.repository), self.branch))
        target, url, env = (
            Path(self.checkout),
            redact(self.repository),
            _credentials(self.repository),
        )
        if not (target / ".git").exists():
            target.parent.mkdir(parents=True, exist_ok=True)
            repo = git.Repo.clone_from(url, target, env={**IDENTITY, **env})
            repo.git.update_environment(**IDENTITY, **env)
        else:
            repo = _recovered(git.Repo(target))
            repo.git.update_environment(**IDENTITY, **env)
            if repo.remotes.origin.url != url:  # a new remote URL (or one that held a secret)
                repo.remotes.origin.set_url(url)
            repo.remotes.origin.fetch()
        _on_branch(repo, self.branch)
        return repo

    def _write(self, repo: git.Repo, files: dict[str, bytes]) -> bool:
        root = Path(repo.working_tree_dir)
        for path, data in files.items():
            target = (root / path).resolve()
            if root.resolve() not in target.parents:
                raise PublishError(f"refusing to write outside the repository: {path!r}")
            write_atomic(target, data)
        repo.index.add(list(files))
        return not repo.head.is_valid() or bool(repo.index.diff("HEAD"))

    def _ahead(self, repo: git.Repo) -> bool:
        remote = f"origin/{self.branch}"
        if remote not in [ref.name for ref in repo.remotes.origin.refs]:
            return repo.head.is_valid()
        return bool(list(repo.iter_commits(f"{remote}..HEAD")))

    def _push(self, repo: git.Repo) -> None:
        problem = ""
        for _attempt in range(self.push_attempts):
            infos = repo.remotes.origin.push(f"HEAD:refs/heads/{self.branch}")
            failed = [i for i in infos if i.flags & (i.ERROR | i.REJECTED | i.REMOTE_REJECTED)]
            if infos and not failed:
                return
            problem = "; ".join(i.summary.strip() for i in failed) or "no push result"
            if not repo.remotes.origin.refs:
                break  # an empty remote refused us: nothing to rebase onto
            repo.remotes.origin.fetch()
            try:
                repo.git.rebase(f"origin/{self.branch}")
            except git.GitCommandError as error:
                repo.git.rebase("--abort")
                raise PublishError(
                    f"cannot rebase onto the remote: {_git_failure(error)}"
                ) from None
        raise PublishError(redact(f"push to {self.repository} rejected: {problem}"))

    def _pin(self, repo: git.Repo, path: str) -> Published:
        commit = repo.git.log("-1", "--format=%H", "--", path)
        url = pinned_url(self.template, repo=self._repo_url(), commit=commit, path=path)
        return Published(path, commit, url)

    def _repo_url(self) -> str:
        if self.is_remote and "://" in self.repository:
            return public_url(self.repository)
        return Path(os.path.abspath(self.repository)).as_uri()


def _credentials(remote: str) -> dict[str, str]:
    """The remote's user information as an HTTP header for that origin only, passed to git
    in its environment (`GIT_CONFIG_*`), so it is never written to the checkout's config, a
    link or a message."""
    parts = urlsplit(remote)
    if parts.scheme not in ("http", "https") or not parts.username:
        return {}
    user = unquote(parts.username)
    secret = unquote(parts.password or "")
    token = base64.b64encode(f"{user}:{secret}".encode()).decode()
    origin = f"{parts.scheme}://{parts.hostname}" + (f":{parts.port}" if parts.port else "") + "/"
    return {
        "GIT_CONFIG_COUNT": "1",
        "GIT_CONFIG_KEY_0": f"http.{origin}.extraHeader",
        "GIT_CONFIG_VALUE_0": f"Authorization: Basic {token}",
    }


def _git_failure(error: git.GitCommandError) -> str:
    """Git's complaint in one line, naming the command, without any secret."""
    lines = [line.strip() for line in str(error.stderr or "").splitlines() if line.strip()]
    reason = next((line for line in lines if "fatal" in line or "error" in line), None)
    reason = (reason or (lines[-1] if lines else f"exit status {error.status}")).strip("' ")
    command = error.command[1] if isinstance(error.command, list | tuple) else "command"
    return redact(f"git {command} failed: {reason}")[:300]


def _recovered(repo: git.Repo) -> git.Repo:
    """What a publisher killed mid-way leaves (an index lock, a rebase in progress) undone.

    Only called while holding the publish lock: no other publisher of ours is at work,
    so a lock git left is stale."""
    git_dir = Path(repo.git_dir)
    (git_dir / "index.lock").unlink(missing_ok=True)
    if (git_dir / "rebase-merge").exists() or (git_dir / "rebase-apply").exists():
        repo.git.rebase("--abort")
    return repo


def _remove_others(repo: git.Repo, folders: set[str], kept: set[str]) -> None:
    """Files tracked in `folders` that are not being written: an earlier version's, removed."""
    if not folders or not repo.head.is_valid():
        return
    tracked = repo.git.ls_files("--", *sorted(folders)).splitlines()
    stale = [path for path in tracked if path not in kept]
    if stale:
        repo.index.remove(stale, working_tree=True)


def _local(path: Path, branch: str) -> git.Repo:
    if (path / ".git").exists():
        return git.Repo(path)
    path.mkdir(parents=True, exist_ok=True)
    return git.Repo.init(path, initial_branch=branch)


def _on_branch(repo: git.Repo, branch: str) -> None:
    """Check out `branch` at the remote's tip, keeping commits not yet pushed (a crash
    between commit and push); uncommitted leftovers are dropped (this run rewrites them)."""
    on_remote = branch in {ref.remote_head for ref in repo.remotes.origin.refs}
    if not repo.head.is_valid():
        repo.git.checkout(
            *(["-B", branch, f"origin/{branch}"] if on_remote else ["--orphan", branch])
        )
        return
    repo.git.reset("--hard")
    if repo.active_branch.name != branch:
        repo.git.checkout(*(["-B", branch, f"origin/{branch}"] if on_remote else ["-b", branch]))
    elif on_remote and not list(repo.iter_commits(f"origin/{branch}..{branch}")):
        repo.git.merge("--ff-only", f"origin/{branch}")


def commits_in(repository: str | Path, checkout: str | Path | None = None) -> int:
    """Commits on the branch of a local repository (a work tree or a bare one); for a remote
    URL, in its checkout. 0 when there is none yet."""
    path = Path(repository)
    if not ((path / ".git").exists() or (path / "HEAD").exists()):
        path = Path(checkout) if checkout else path
        if not (path / ".git").exists():
            return 0
    repo = git.Repo(path)
    return sum(1 for _ in repo.iter_commits()) if repo.head.is_valid() else 0
