"""Publication to a real bare remote: commits, pinned URLs, no-op republish, rejected pushes."""

from __future__ import annotations

import git
import pytest

from rrec_pipeline.minting.links import parse_info
from rrec_pipeline.resources.publishing.publisher import GitPublisher

pytestmark = pytest.mark.integration


@pytest.fixture
def remote(tmp_path):
    path = tmp_path / "remote.git"
    git.Repo.init(path, bare=True, initial_branch="main")
    return path


def publisher(tmp_path, remote, name="checkout", **kw) -> GitPublisher:
    return GitPublisher(repository=str(remote), checkout=str(tmp_path / name), **kw)


def test_publish_pushes_pins_and_republishing_the_same_bytes_makes_no_commit(tmp_path, remote):
    files = {"verification_data/P-GA/A.csv": b"a,1\n", "verification_data/P-GA/B.csv": b"b,2\n"}
    first = publisher(tmp_path, remote).publish(files, "Publish two lots")
    bare = git.Repo(remote)
    head = bare.commit("main").hexsha
    assert {p.commit for p in first.values()} == {head}
    assert bare.git.show(f"{head}:verification_data/P-GA/A.csv") == "a,1"
    url = first["verification_data/P-GA/A.csv"].url
    link = parse_info(url + "#sha256=" + "0" * 64)
    assert link.commit == head and link.path == "verification_data/P-GA/A.csv"

    again = publisher(tmp_path, remote).publish(files, "Publish again")
    assert again == first and bare.commit("main").hexsha == head, "no new commit, same URLs"

    third = publisher(tmp_path, remote).publish(
        {"verification_data/P-KE/C.csv": b"c\n"}, "One more"
    )
    assert bare.commit("main").hexsha == third["verification_data/P-KE/C.csv"].commit != head
    assert (
        publisher(tmp_path, remote).publish(files, "Again")["verification_data/P-GA/A.csv"].url
        == url
    )


def test_a_rejected_push_is_rebased_and_retried_never_forced(tmp_path, remote):
    mine = publisher(tmp_path, remote, "mine")
    mine.publish({"a.csv": b"a\n"}, "first")
    # Another publisher pushes in between: our next push is rejected, then rebased.
    publisher(tmp_path, remote, "theirs").publish({"theirs.csv": b"t\n"}, "theirs")
    repo = git.Repo(tmp_path / "mine")
    (tmp_path / "mine" / "b.csv").write_bytes(b"b\n")
    repo.index.add(["b.csv"])
    repo.index.commit("unpushed work from a crashed run")
    result = mine.publish({"c.csv": b"c\n"}, "third")
    history = [c.message.strip() for c in git.Repo(remote).iter_commits("main")]
    assert history[:4] == ["third", "unpushed work from a crashed run", "theirs", "first"]
    assert result["c.csv"].commit == git.Repo(remote).commit("main").hexsha


def test_a_local_repository_is_committed_to_directly_and_never_written_outside(tmp_path):
    target = tmp_path / "published"
    local = GitPublisher(repository=str(target), checkout=str(tmp_path / "unused"))
    result = local.publish({"x/y.csv": b"y\n"}, "local")
    assert git.Repo(target).head.commit.hexsha == result["x/y.csv"].commit
    assert result["x/y.csv"].url.startswith(target.as_uri() + "/blob/")
    with pytest.raises(Exception, match="outside the repository"):
        local.publish({"../escape.csv": b"no"}, "escape")
    assert not (tmp_path / "escape.csv").exists()
