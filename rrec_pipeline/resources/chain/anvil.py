"""The embedded chain: a local anvil node whose state lives in a folder between runs.

When no `RREC_CHAIN_RPC_URL` is set, the pipeline mints on its own node so that
a fresh clone can run end to end and a second run can prove it sends nothing.
The node keeps its whole chain (blocks, logs, balances) in `<folder>/state.json`,
written when it stops and every few seconds while it runs. One node per folder:
a lock file is held while it runs, and a node left behind by a killed run is
stopped (which saves its state) before a new one starts. The node also dies
with the process that started it (Linux parent-death signal), saving its state.
"""

from __future__ import annotations

import contextlib
import ctypes
import fcntl
import os
import shutil
import signal
import socket
import subprocess
import time
from pathlib import Path

import requests

from rrec_pipeline.basics.errors import OperatorError
from rrec_pipeline.basics.home import project_root

PR_SET_PDEATHSIG = 1
START_TIMEOUT_S = 30.0
STOP_TIMEOUT_S = 30.0
SAVE_EVERY_S = 2


class NodeError(OperatorError):
    """The embedded node could not be found, started or stopped."""


def anvil_binary() -> str:
    """`RREC_ANVIL_BIN`, else the native binary `npm install --prefix contracts` put in
    `@foundry-rs/anvil-<platform>`, else the PATH's.

    Never npm's `.bin/anvil`: it is a Node wrapper that spawns the binary, so the
    process we would record, signal and outlive is the wrapper, and a killed
    wrapper leaves the real node running, saving stale state over the chain.
    """
    configured = os.environ.get("RREC_ANVIL_BIN")
    modules = project_root() / "contracts" / "node_modules" / "@foundry-rs"
    native = sorted(modules.glob("anvil-*/bin/anvil")) if modules.is_dir() else []
    found = configured or (str(native[0]) if native else shutil.which("anvil"))
    if not found:
        raise NodeError(
            "anvil not found: run scripts/setup (it installs contracts/node_modules) "
            "or set RREC_ANVIL_BIN or RREC_CHAIN_RPC_URL"
        )
    return found


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _die_with_parent() -> None:  # pragma: no cover - runs in the child before exec
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)


class AnvilNode:
    """One anvil process on 127.0.0.1 with its state in `folder` (a context manager)."""

    def __init__(self, folder: Path, *, chain_id: int = 31337, port: int | None = None) -> None:
        self.folder = Path(folder)
        self.chain_id = chain_id
        self.port = port
        self.process: subprocess.Popen | None = None
        self._lock = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> AnvilNode:
        self.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop()

    def start(self) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        self._lock = (self.folder / "node.lock").open("a+")
        fcntl.flock(self._lock, fcntl.LOCK_EX)
        self._stop_leftover()
        self.port = self.port or free_port()
        command = [
            anvil_binary(),
            *("--host", "127.0.0.1", "--port", str(self.port)),
            *("--chain-id", str(self.chain_id)),
            *("--state", str(self.folder / "state.json"), "--state-interval", str(SAVE_EVERY_S)),
            "--preserve-historical-states",
        ]
        log = (self.folder / "node.log").open("ab")
        # Its own process group: a signal to the pipeline's group (a terminal's Ctrl-C, a
        # supervisor's kill) never hits the node mid-save; the node is stopped by us, and
        # dies with us (parent-death signal) if we are killed.
        self.process = subprocess.Popen(
            command,
            stdout=log,
            stderr=log,
            stdin=subprocess.DEVNULL,
            preexec_fn=_die_with_parent,
            start_new_session=True,
        )
        log.close()
        (self.folder / "node.pid").write_text(f"{self.process.pid} {self.port}\n")
        self._wait_until_ready()

    def stop(self) -> None:
        """SIGTERM (the node saves its state), wait; then release the folder."""
        if self.process is not None:
            _terminate(self.process.pid, self.process)
            self.process = None
            (self.folder / "node.pid").unlink(missing_ok=True)
        if self._lock is not None:
            fcntl.flock(self._lock, fcntl.LOCK_UN)
            self._lock.close()
            self._lock = None

    def kill(self) -> None:
        """Kill without saving (tests: a node that crashes)."""
        if self.process is not None:
            self.process.kill()
            self.process.wait()
            self.process = None

    def _stop_leftover(self) -> None:
        pid_file = self.folder / "node.pid"
        if not pid_file.exists():
            return
        with contextlib.suppress(ValueError, IndexError):
            pid = int(pid_file.read_text().split()[0])
            if _is_anvil(pid):
                _terminate(pid, None)
        pid_file.unlink(missing_ok=True)

    def _wait_until_ready(self) -> None:
        deadline = time.monotonic() + START_TIMEOUT_S
        body = {"jsonrpc": "2.0", "id": 1, "method": "eth_chainId", "params": []}
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise NodeError(f"anvil exited with {self.process.returncode}: see {self.folder}")
            with contextlib.suppress(requests.RequestException):
                if requests.post(self.url, json=body, timeout=1).ok:
                    return
            time.sleep(0.05)
        self.stop()
        raise NodeError(f"anvil did not answer on {self.url} within {START_TIMEOUT_S:.0f} s")


def _is_anvil(pid: int) -> bool:
    try:
        return "anvil" in Path(f"/proc/{pid}/cmdline").read_bytes().decode(errors="replace")
    except OSError:
        return False


def _terminate(pid: int, process: subprocess.Popen | None) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + STOP_TIMEOUT_S
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            return
        if process is None and not _is_anvil(pid):
            return
        time.sleep(0.05)
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGKILL)
    if process is not None:
        process.wait()
