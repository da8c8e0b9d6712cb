"""Real services for integration tests: a Dagster instance on PostgreSQL.

Each test session gets a fresh database on the machine's PostgreSQL
(127.0.0.1:5432, trust auth) and drops it afterwards. Without a reachable
server the PostgreSQL tests skip with the reason, unless RREC_REQUIRE_POSTGRES=1
(set by CI), where they fail instead.
"""

from __future__ import annotations

import os
import pickle
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg2
import pytest

from rrec_pipeline.resources.chain.anvil import AnvilNode
from rrec_pipeline.resources.storage.duck import held
from tests.minting_home import issued_home

PG_HOST = os.environ.get("RREC_TEST_PG_HOST", "127.0.0.1")
PG_PORT = int(os.environ.get("RREC_TEST_PG_PORT", "5432"))
PG_USER = os.environ.get("RREC_TEST_PG_USER", "postgres")
PG_ADMIN_DB = os.environ.get("RREC_TEST_PG_DB", "test")


def _connect(dbname: str):
    return psycopg2.connect(
        host=PG_HOST, port=PG_PORT, user=PG_USER, dbname=dbname, connect_timeout=5
    )


@pytest.fixture(scope="session")
def postgres_db() -> Iterator[dict[str, object]]:
    """A throwaway database; yields dagster-postgres `postgres_db` config."""
    try:
        admin = _connect(PG_ADMIN_DB)
    except psycopg2.OperationalError as error:
        if os.environ.get("RREC_REQUIRE_POSTGRES") == "1":
            raise
        pytest.skip(f"PostgreSQL not reachable at {PG_HOST}:{PG_PORT}: {error}")
    name = f"rrec_test_{uuid.uuid4().hex[:12]}"
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute(f'CREATE DATABASE "{name}"')
    try:
        # psycopg2 is the driver dagster-postgres installs; SQLAlchemy 2.1 would
        # otherwise pick psycopg 3 for a bare `postgresql://` URL.
        yield {
            "hostname": PG_HOST,
            "port": PG_PORT,
            "username": PG_USER,
            "password": "",
            "db_name": name,
            "scheme": "postgresql+psycopg2",
        }
    finally:
        with admin.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()


@pytest.fixture
def anvil(tmp_path) -> Iterator[AnvilNode]:
    """A real anvil node on 127.0.0.1 with its state under tmp_path (fails if anvil is missing:
    scripts/setup installs it)."""
    with AnvilNode(tmp_path / "anvil") as node:
        yield node


@pytest.fixture(scope="module")
def issued_template(tmp_path_factory) -> Path:
    home, _ = issued_home(tmp_path_factory.mktemp("issued"))
    return home


@pytest.fixture
def issued(issued_template, tmp_path) -> Path:
    """A private copy of a home with the issuance scenario's January and February lots issued."""
    home = tmp_path / "home"
    shutil.copytree(issued_template, home)
    return home


@pytest.fixture(scope="session")
def demo_runs(tmp_path_factory):
    """`rrec demo`, first and second run, in one home for the session (read, never changed).

    Built once for all the session's workers: under pytest-xdist the first worker that
    asks builds it in the session's shared temporary folder, the others wait and read it."""
    from tests.demo_home import run_demo_twice

    own = tmp_path_factory.getbasetemp()
    shared = own.parent if os.environ.get("PYTEST_XDIST_WORKER") else own
    saved = shared / "demo-runs.pickle"
    with held(shared / "demo-runs.lock"):
        if saved.exists():
            return pickle.loads(saved.read_bytes())
        home = shared / "demo" / "rrec"
        home.parent.mkdir(parents=True, exist_ok=True)
        runs = run_demo_twice(home)
        saved.write_bytes(pickle.dumps(runs))
        return runs
