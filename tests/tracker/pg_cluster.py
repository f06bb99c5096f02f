"""A throw-away PostgreSQL cluster for the tests, and one fresh schema per test on it.

`$TRACKRIGHT_TEST_PG` (a URL) names a running server to use (CI starts one); otherwise the
session starts its own from Debian's binaries (`initdb` + `pg_ctl`, as the `postgres` user when
run as root, since a server refuses to run as root) on a free loopback port, and stops it at the
end. When no server can be had, the PostgreSQL tests are skipped on a developer's machine and
fail when `$CI` or `$TRACKRIGHT_REQUIRE_PG` is set: CI never passes by silently skipping them.
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
import uuid
from pathlib import Path
from urllib.parse import quote

REQUIRE = ("CI", "TRACKRIGHT_REQUIRE_PG")


def required() -> bool:
    return any(os.environ.get(name) for name in REQUIRE)


def _bin(name: str) -> str | None:
    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    return found[-1] if found else shutil.which(name)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Cluster:
    """A server the tests may use: its base URL, and (if we started it) how to stop it."""

    def __init__(
        self, url: str, data: Path | None = None, user: str | None = None, opts: str = ""
    ) -> None:
        self.url = url
        self.data = data
        self.user = user
        self.opts = opts

    def _as_server_user(self, *cmd: str) -> list[str]:
        return ["runuser", "-u", self.user, "--", *cmd] if self.user else list(cmd)

    @classmethod
    def start(cls) -> Cluster:
        """Start a cluster in a temp folder; RuntimeError saying why when it cannot."""
        initdb, pg_ctl = _bin("initdb"), _bin("pg_ctl")
        if not (initdb and pg_ctl):
            raise RuntimeError("PostgreSQL binaries (initdb, pg_ctl) not found")
        user = "postgres" if os.geteuid() == 0 else None
        root = Path(tempfile.mkdtemp(prefix="trackright-pg-"))
        if user:
            shutil.chown(root, user)
        port = _free_port()
        opts = f"-c listen_addresses=127.0.0.1 -p {port} -k {root} -c fsync=off"
        me = cls(f"postgresql://postgres@127.0.0.1:{port}/postgres", root / "data", user, opts)
        for cmd in (
            [initdb, "-D", str(me.data), "-A", "trust", "-U", "postgres"],
            [pg_ctl, "-D", str(me.data), "-o", opts, "-l", str(root / "log"), "-w", "start"],
        ):
            done = subprocess.run(me._as_server_user(*cmd), capture_output=True, text=True)
            if done.returncode:
                raise RuntimeError(f"{' '.join(cmd[:1])} failed: {done.stderr.strip()[-400:]}")
        return me

    def restart(self) -> None:
        """Stop the server (fast: open connections are cut) and start it again."""
        self.pg_ctl("stop", "-m", "fast")
        self.start_again()

    def start_again(self) -> None:
        self.pg_ctl("-o", self.opts, "-l", str(self.data.parent / "log"), "start")

    def pg_ctl(self, *args: str) -> None:
        assert self.data is not None, "only a cluster the tests started can be restarted"
        cmd = [_bin("pg_ctl") or "pg_ctl", "-D", str(self.data), "-w", *args]
        subprocess.run(self._as_server_user(*cmd), check=True, capture_output=True)

    def stop(self) -> None:
        if self.data is not None:
            self.pg_ctl("stop", "-m", "immediate")
            shutil.rmtree(self.data.parent, ignore_errors=True)

    def fresh_schema(self) -> str:
        """A new, empty schema and the store URL that uses it."""
        import psycopg

        name = "t_" + uuid.uuid4().hex[:12]
        with psycopg.connect(self.url, autocommit=True) as conn:
            conn.execute(f"CREATE SCHEMA {name}")
        sep = "&" if "?" in self.url else "?"
        return f"{self.url}{sep}options={quote(f'-csearch_path={name}')}"


def obtain() -> Cluster:
    """The server named by $TRACKRIGHT_TEST_PG, else one started for this session."""
    url = os.environ.get("TRACKRIGHT_TEST_PG", "").strip()
    return Cluster(url) if url else Cluster.start()
