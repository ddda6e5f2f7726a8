"""A throwaway PostgreSQL cluster from initdb/pg_ctl, on 127.0.0.1 only, tuned for tests.

initdb and postgres refuse to run as root: as root, the server programs run as the `postgres`
system user (Debian's package creates it), else as `nobody`. Admin commands go through psql.
"""

from __future__ import annotations

import os
import pwd
import re
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path

from localinfra.lifecycle import Server
from localinfra.ports import free_port

# Durability off: a crashed test cluster is thrown away anyway.
SETTINGS = {
    "fsync": "off",
    "synchronous_commit": "off",
    "full_page_writes": "off",
    "max_connections": "300",
}
DATABASE_NAME = re.compile(r"[A-Za-z0-9_]+")


def server_bindir() -> Path:
    """Where initdb and pg_ctl live: pg_config's bindir, the newest Debian install, or PATH."""
    candidates = [*_pg_config_bindir(), *_debian_bindirs()]
    if initdb := shutil.which("initdb"):
        candidates.append(Path(initdb).resolve().parent)
    for bindir in candidates:
        if (bindir / "initdb").exists() and (bindir / "pg_ctl").exists():
            return bindir
    raise RuntimeError(
        "PostgreSQL's server programs (initdb, pg_ctl) were not found: install Debian's "
        "`postgresql` package (sudo apt-get install postgresql, or run infra/ensure-postgres.sh)."
    )


def _pg_config_bindir() -> list[Path]:
    pg_config = shutil.which("pg_config")
    if pg_config is None:
        return []
    result = subprocess.run([pg_config, "--bindir"], capture_output=True, text=True)
    return [Path(result.stdout.strip())] if result.returncode == 0 else []


def _debian_bindirs() -> list[Path]:
    def version(bindir: Path) -> tuple[int, ...]:
        return tuple(int(part) for part in bindir.parent.name.split(".") if part.isdigit())

    return sorted(Path("/usr/lib/postgresql").glob("*/bin"), key=version, reverse=True)


def server_user() -> pwd.struct_passwd | None:
    """The unprivileged user the server programs run as when we are root; None otherwise."""
    if os.geteuid() != 0:
        return None
    try:
        return pwd.getpwnam("postgres")
    except KeyError:
        return pwd.getpwnam("nobody")


class LocalPostgres(Server):
    def __init__(self, port: int | None = None, data_dir: Path | None = None) -> None:
        """`data_dir` keeps the cluster (reused by the next start); without it a temp dir is
        created on start and removed on stop."""
        self.port = port or free_port()
        self._keep = data_dir is not None
        self._root = data_dir.resolve() if data_dir else None
        self._bindir = server_bindir()
        self._user = server_user()
        self._running = False

    @property
    def root(self) -> Path:
        """The cluster's directory: data/, the server log and the unix socket."""
        if self._root is None:
            raise RuntimeError("the cluster has not been started")
        return self._root

    @property
    def pgdata(self) -> Path:
        return self.root / "data"

    @property
    def log_path(self) -> Path:
        return self.root / "postgres.log"

    def start(self, timeout: float = 60) -> None:
        if self.running:
            return
        if self._root is None:
            self._root = Path(tempfile.mkdtemp(prefix="localpg-"))
        self.root.mkdir(parents=True, exist_ok=True)
        if self._user is not None:
            os.chown(self.root, self._user.pw_uid, self._user.pw_gid)
            self._check_reachable(self._user)
        if not (self.pgdata / "PG_VERSION").exists():
            self._initdb()
        self._running = True  # before pg_ctl: stop() also ends a start that was interrupted
        self._server(
            "pg_ctl", "start", "-w", "-t", str(int(timeout)), "-D", str(self.pgdata),
            "-l", str(self.log_path), "-o", f"-p {self.port}",
        )  # fmt: skip

    @property
    def running(self) -> bool:
        # postgres removes its pid file on any orderly shutdown, also one nobody asked for.
        return self._running and (self.pgdata / "postmaster.pid").exists()

    def stop(self) -> None:
        try:
            if self.running:
                self._server("pg_ctl", "stop", "-w", "-m", "fast", "-D", str(self.pgdata))
            self._running = False
        finally:
            if self._root is not None and not self._keep:
                shutil.rmtree(self._root, ignore_errors=True)
                self._root = None

    def url(self, name: str) -> str:
        """The SQLAlchemy async URL of database `name`."""
        return f"postgresql+asyncpg://postgres@127.0.0.1:{self.port}/{name}"

    def create_database(self, name: str, template: str | None = None) -> str:
        """A new database, empty or a copy of database `template` (which nobody may be using)."""
        copy = f" TEMPLATE {_identifier(template)}" if template else ""
        self.psql(f"CREATE DATABASE {_identifier(name)}{copy}")
        return self.url(name)

    def drop_database(self, name: str) -> None:
        # FORCE: connections a test left open must not keep the database alive.
        self.psql(f"DROP DATABASE IF EXISTS {_identifier(name)} WITH (FORCE)")

    def psql(self, sql: str, database: str = "postgres") -> str:
        """Runs `sql` as the superuser and returns psql's unaligned output."""
        command = ["psql", "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1"]
        command += ["-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", "-d", database]
        result = subprocess.run([*command, "-c", sql], capture_output=True, text=True)
        if result.returncode != 0:
            raise RuntimeError(f"psql failed ({sql}): {result.stderr.strip()}")
        return result.stdout

    def _check_reachable(self, user: pwd.struct_passwd) -> None:
        # A data_dir under a directory only root may enter (e.g. pytest's tmp_path) fails here.
        probe = ["test", "-w", str(self.root)]
        if subprocess.run(probe, user=user.pw_uid, group=user.pw_gid, extra_groups=[]).returncode:
            raise RuntimeError(
                f"the server runs as {user.pw_name} (we are root), who cannot reach {self.root}: "
                "choose a data_dir outside directories only root may enter"
            )

    def _initdb(self) -> None:
        self._server(
            "initdb", "-D", str(self.pgdata), "-U", "postgres", "--auth=trust",
            "--encoding=UTF8", "--locale=C.UTF-8", "--no-sync",
        )  # fmt: skip
        settings = {
            **SETTINGS,
            "listen_addresses": "'127.0.0.1'",
            "unix_socket_directories": f"'{self.root}'",  # not /var/run/postgresql
        }
        with (self.pgdata / "postgresql.conf").open("a") as conf:
            conf.writelines(f"{key} = {value}\n" for key, value in settings.items())

    def _server(self, program: str, *args: str) -> None:
        """Runs a server program, as the unprivileged user when we are root."""
        user = self._user
        process = subprocess.Popen(
            [str(self._bindir / program), *args],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            cwd=self.root,  # the user may not be allowed into our working directory
            start_new_session=True,  # a process group of its own, for the killpg below
            user=user.pw_uid if user else None,
            group=user.pw_gid if user else None,
            extra_groups=[] if user else None,
        )
        try:
            output, _ = process.communicate()
        except BaseException:
            # Interrupted (Ctrl-C): initdb's single-user postgres must not outlive it.
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
            raise
        if process.returncode != 0:
            log = self.log_path.read_text(errors="replace") if self.log_path.exists() else ""
            raise RuntimeError(f"{program} failed:\n{output}{log[-3000:]}")


def _identifier(name: str) -> str:
    # Quoted, so the name is used exactly as given (and as it appears in the URL).
    if not DATABASE_NAME.fullmatch(name):
        raise ValueError(f"database names here are letters, digits and _: {name!r}")
    return f'"{name}"'
