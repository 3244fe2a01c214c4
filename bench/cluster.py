"""Throw-away PostgreSQL clusters under /tmp for the failover and load scripts: a primary and its streaming standby.

Made with the server's own tools (initdb, pg_ctl, pg_basebackup -R) from /usr/lib/postgresql/<major>/bin,
on free ports of 127.0.0.1 only; as root they run as the postgres user (PostgreSQL refuses root).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from pathlib import Path

import psycopg

ROLE = "fieldapp_cluster"
DATABASE = "fieldapp"


def server_bin() -> Path:
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/pg_basebackup"), reverse=True)
    if not found:
        raise SystemExit("needs PostgreSQL's server binaries (/usr/lib/postgresql/<major>/bin)")
    return found[0].parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _as_server_user(command: list[str]) -> list[str]:
    return ["runuser", "-u", "postgres", "--", *command] if os.geteuid() == 0 else command


def run(command: list[str]) -> None:
    done = subprocess.run(_as_server_user(command), capture_output=True, cwd="/", text=True)
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(command)}: {done.stderr.strip() or done.stdout.strip()}")


def _children(pid: int) -> list[int]:
    """The processes whose parent is pid (from /proc)."""
    found = []
    for status in Path("/proc").glob("[0-9]*/status"):
        try:
            fields = dict(line.split(":\t", 1) for line in status.read_text().splitlines() if ":\t" in line)
        except OSError:
            continue
        if fields.get("PPid", "").strip() == str(pid):
            found.append(int(status.parent.name))
    return found


class Cluster:
    """One PostgreSQL server: its folder, port and the libpq URL of its fieldapp database."""

    def __init__(self, folder: Path, port: int):
        self.folder, self.port, self.bin = folder, port, server_bin()

    def dsn(self, database: str = DATABASE) -> str:
        return f"postgresql://{ROLE}@127.0.0.1:{self.port}/{database}"

    def start(self) -> None:
        run([str(self.bin / "pg_ctl"), "-D", str(self.folder), "-l", f"{self.folder}.log", "-w", "start"])

    def stop(self) -> None:
        if self.pid() is not None:
            run([str(self.bin / "pg_ctl"), "-D", str(self.folder), "-m", "immediate", "stop"])

    def pid(self) -> int | None:
        try:
            return int((self.folder / "postmaster.pid").read_text().split()[0])
        except (OSError, ValueError, IndexError):
            return None

    def kill(self) -> None:
        """kill -9 the postmaster and every one of its processes at once, as a crashed machine would end them."""
        pid = self.pid()
        if pid is None:
            return
        children = _children(pid)
        os.kill(pid, signal.SIGKILL)
        for child in children:
            with contextlib.suppress(ProcessLookupError):
                os.kill(child, signal.SIGKILL)

    def promote(self) -> None:
        run([str(self.bin / "pg_ctl"), "-D", str(self.folder), "-w", "promote"])

    def sql(self, statement: str, database: str = DATABASE):
        with psycopg.connect(self.dsn(database), autocommit=True, connect_timeout=3) as conn:
            cursor = conn.execute(statement)
            return cursor.fetchall() if cursor.description else None

    def up(self) -> bool:
        try:
            self.sql("SELECT 1", "postgres")
            return True
        except psycopg.Error:
            return False


def migrate_fieldapp(url: str) -> None:
    """Bring a new database at this libpq URL to fieldapp's newest schema."""
    from fieldapp.config import Settings, sqlalchemy_url
    from fieldapp.db import Database
    from fieldapp.migrate import upgrade

    engine = Database(Settings(database_url=sqlalchemy_url(url), development=True)).engine
    upgrade(engine)
    engine.dispose()


class Pair:
    """A primary with a streaming standby, synchronous or not; removed with its folder by close()."""

    def __init__(self, synchronous: bool = True, prefix: str = "fieldapp-pair-"):
        self.root = Path(tempfile.mkdtemp(prefix=prefix))
        os.chmod(self.root, 0o777)  # the postgres user writes here when run as root
        self.primary = Cluster(self.root / "primary", free_port())
        self.standby = Cluster(self.root / "standby", free_port())
        self.synchronous = synchronous

    def create(self, migrate) -> None:
        """initdb the primary, create the fieldapp database (`migrate(url)` fills it), then base-backup the standby."""
        primary, standby = self.primary, self.standby
        run([str(primary.bin / "initdb"), "-D", str(primary.folder), "-A", "trust", "-U", ROLE, "--no-sync"])
        with (primary.folder / "postgresql.conf").open("a") as conf:
            conf.write(
                f"port = {primary.port}\nlisten_addresses = '127.0.0.1'\nunix_socket_directories = ''\n"
                "wal_level = replica\nmax_wal_senders = 4\nshared_buffers = 64MB\nmax_connections = 60\n"
                "jit = off\n"
            )
        primary.start()
        primary.sql(f"CREATE DATABASE {DATABASE}", "postgres")
        primary.sql("CREATE EXTENSION postgis")
        migrate(primary.dsn())
        run(
            [str(standby.bin / "pg_basebackup"), "-h", "127.0.0.1", "-p", str(primary.port), "-U", ROLE]
            + ["-D", str(standby.folder), "-R", "-X", "stream", "-c", "fast"]
        )
        conf = standby.folder / "postgresql.conf"
        conf.write_text(conf.read_text().replace(f"port = {primary.port}", f"port = {standby.port}"))
        standby.start()
        self.wait_streaming()
        if self.synchronous:
            # Set on the primary only, after the backup: a commit is acknowledged once the standby has
            # flushed its WAL, so a failover loses no acknowledged write; the promoted standby waits for nobody.
            primary.sql("ALTER SYSTEM SET synchronous_standby_names = '*'", "postgres")
            primary.sql("SELECT pg_reload_conf()", "postgres")

    def wait_streaming(self, timeout_s: float = 30) -> None:
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            rows = self.primary.sql("SELECT count(*) FROM pg_stat_replication WHERE state = 'streaming'", "postgres")
            if rows and rows[0][0] >= 1:
                return
            time.sleep(0.2)
        raise RuntimeError("the standby never started streaming")

    def url(self) -> str:
        """The app's multi-host URL: whichever of the two accepts writes."""
        hosts = "&".join(f"host=127.0.0.1:{c.port}" for c in (self.primary, self.standby))
        return f"postgresql+psycopg://{ROLE}@/{DATABASE}?{hosts}&target_session_attrs=read-write"

    def close(self) -> None:
        for cluster in (self.standby, self.primary):
            with contextlib.suppress(RuntimeError):
                cluster.stop()
        shutil.rmtree(self.root, ignore_errors=True)
