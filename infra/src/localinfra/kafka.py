"""A single-node KRaft Kafka broker (combined broker + controller) from the Apache Kafka jars.

The jars come from Maven Central through `infra/kafka/pom.xml` into a cache outside the repo,
once. The broker listens on 127.0.0.1 only and keeps its data, configuration, pid and log in
`data_dir`, so stopping and starting it again on the same directory keeps the topics.

By default it speaks PLAINTEXT to anyone. Secured (`users=[...]`), it is production's shape
(docs/decisions/kafka-security.md): one SASL_SSL listener, SCRAM-SHA-512 users made when the
storage is formatted, a certificate from a CA made at first start (`openssl`), and
StandardAuthorizer denying whatever no ACL allows. `admin` is its super user.
"""

from __future__ import annotations

import asyncio
import base64
import fcntl
import json
import logging
import os
import re
import secrets
import signal
import socket
import subprocess
import tempfile
import time
import uuid
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from aiokafka.admin import AIOKafkaAdminClient

from localinfra.lifecycle import Server
from localinfra.ports import free_port
from shared.kafka_security import PLAINTEXT, KafkaConnection, KafkaSecurity, Mechanism

KAFKA_VERSION = "3.9.1"
ADMIN = "admin"  # a secured broker's super user
SCRAM: Mechanism = "SCRAM-SHA-512"
POM = Path(__file__).resolve().parents[2] / "kafka" / "pom.xml"
FETCHED_MARKER = "fetch-complete"
log = logging.getLogger(__name__)
# log4j ERROR/FATAL lines, and the exception lines of stack traces.
_ERROR_LINE = re.compile(r"\[[^]]+\] (ERROR|FATAL) |Caused by: |[\w.$]+(Exception|Error): ")


def jar_dir() -> Path:
    """`$KOMPETANSE_CACHE` (default ~/.cache/kompetanseloftet)/kafka-<version>/libs."""
    cache = os.environ.get("KOMPETANSE_CACHE") or Path.home() / ".cache" / "kompetanseloftet"
    return Path(cache) / f"kafka-{KAFKA_VERSION}" / "libs"


def fetch_jars() -> Path:
    """The broker's runtime jars, fetched through Maven unless a complete fetch is cached."""
    libs = jar_dir()
    libs.mkdir(parents=True, exist_ok=True)
    # Concurrent test sessions on one machine wait for each other instead of mixing downloads.
    with (libs.parent / "fetch.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (libs / FETCHED_MARKER).exists():
            _maven_copy_dependencies(libs)
    return libs


def _maven_copy_dependencies(libs: Path) -> None:
    for stale in libs.glob("*.jar"):  # a half-finished earlier fetch
        stale.unlink()
    class_archive().unlink(missing_ok=True)  # it names the jars it was made from
    command = ["mvn", "-q", "-B", "-Dstyle.color=never", "-f", str(POM)]
    command += ["dependency:copy-dependencies", f"-DoutputDirectory={libs.resolve()}"]
    log.info("fetching the Kafka %s jars into %s", KAFKA_VERSION, libs)
    result = subprocess.run(command, capture_output=True, text=True)
    if result.returncode != 0:
        raise RuntimeError(f"fetching the Kafka jars failed:\n{result.stdout}{result.stderr}")
    (libs / FETCHED_MARKER).write_text(f"kafka {KAFKA_VERSION}\n")


def class_archive() -> Path:
    """The JVM class-data-sharing archive beside the jars: start-up ~5.5 s → ~2 s on 2 cores."""
    return jar_dir().parent / "broker.jsa"


def random_cluster_id() -> str:
    """Like `kafka-storage random-uuid`: URL-safe base64 of 16 random bytes, no leading '-'."""
    while True:
        cluster_id = base64.urlsafe_b64encode(uuid.uuid4().bytes).decode().rstrip("=")
        if not cluster_id.startswith("-"):  # Kafka's tools would read it as an option
            return cluster_id


class LocalKafka(Server):
    def __init__(
        self,
        port: int = 9092,
        data_dir: Path | None = None,
        controller_port: int | None = None,
        users: Sequence[str] | None = None,
    ) -> None:
        """`users`: secured, with these SCRAM users beside `admin`; None: PLAINTEXT."""
        self.port = port
        self.users = None if users is None else (ADMIN, *users)
        self.controller_port = controller_port or free_port()
        self.data_dir = (data_dir or Path(tempfile.mkdtemp(prefix="kafka-"))).resolve()
        self.started_in_seconds: float | None = None
        self._process: subprocess.Popen[bytes] | None = None
        self._archive_dump: Path | None = None
        self._log_offset = 0  # where this start's part of the broker log begins

    @property
    def bootstrap_servers(self) -> str:
        return f"127.0.0.1:{self.port}"

    def security(self, user: str = ADMIN, password: str | None = None) -> KafkaSecurity:
        """How `user` talks to this broker (with its own password unless one is given)."""
        if self.users is None:
            return PLAINTEXT
        return KafkaSecurity(
            protocol="SASL_SSL",
            mechanism=SCRAM,
            username=user,
            password=password or self._passwords()[user],
            cafile=self.ca_path,
        )

    def connection(self, user: str = ADMIN) -> KafkaConnection:
        return KafkaConnection(self.bootstrap_servers, self.security(user))

    @property
    def ca_path(self) -> Path:
        return self.data_dir / "tls" / "ca.pem"

    @property
    def log_path(self) -> Path:
        return self.data_dir / "broker.log"

    @property
    def pid_path(self) -> Path:
        return self.data_dir / "broker.pid"

    def start(self, timeout: float = 60) -> float:
        """Starts the broker and returns the seconds until it answered a metadata request."""
        if self.running:
            raise RuntimeError(f"Kafka already runs on {self.bootstrap_servers}")
        began = time.monotonic()
        libs = fetch_jars()
        self.data_dir.mkdir(parents=True, exist_ok=True)
        if self.users is not None:
            _make_tls(self.data_dir / "tls", self._passwords()[ADMIN])
        self._write_config()
        java = self._java(libs)
        self._format_storage(java)
        log_file = self.log_path.open("ab")  # JVM errors before log4j is up land here too
        self._log_offset = log_file.tell()
        self._process = subprocess.Popen(
            [*java, *self._record_classes(java), "kafka.Kafka", str(self.config_path)],
            stdout=log_file,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # Ctrl-C reaches only us; we stop the broker cleanly
        )
        log_file.close()
        self.pid_path.write_text(f"{self._process.pid}\n")
        self._wait_ready(began + timeout)
        self.started_in_seconds = time.monotonic() - began
        log.info("Kafka on %s ready in %.1f s", self.bootstrap_servers, self.started_in_seconds)
        return self.started_in_seconds

    def stop(self, timeout: float = 30) -> None:
        """SIGTERM for a controlled shutdown (data intact), SIGKILL if it takes too long."""
        if self._process is not None:
            exited = _terminate(self._process, timeout)
            self._process = None
            self._keep_class_archive(exited)
        self.pid_path.unlink(missing_ok=True)

    @property
    def running(self) -> bool:
        return self._process is not None and self._process.poll() is None

    def log_excerpt(self, tail: int = 15) -> str:
        """This start's errors (the cause is rarely in the tail of a shutdown) and last lines."""
        with self.log_path.open("rb") as log_file:
            log_file.seek(self._log_offset)
            lines = log_file.read().decode(errors="replace").splitlines()
        errors = dict.fromkeys(line for line in lines if _ERROR_LINE.match(line))  # ordered set
        return "\n".join([*list(errors)[:20], "...", *lines[-tail:]])

    @property
    def config_path(self) -> Path:
        return self.data_dir / "server.properties"

    def _java(self, libs: Path) -> list[str]:
        log4j = self.data_dir / "log4j.properties"
        archive = class_archive()
        return [
            "java",
            "-cp",
            f"{libs}/*",  # the JVM expands the wildcard itself
            "-Xmx512m",
            "-Xms256m",
            # Start-up time over peak throughput for a local broker: C1 compiler only, serial GC.
            "-XX:TieredStopAtLevel=1",
            "-XX:+UseSerialGC",
            *([f"-XX:SharedArchiveFile={archive}"] if archive.exists() else []),
            f"-Dlog4j.configuration={log4j.as_uri()}",
        ]

    def _record_classes(self, java: list[str]) -> list[str]:
        """Without a class archive yet, this broker writes one when it exits (JDK 13+ AppCDS)."""
        if any(flag.startswith("-XX:SharedArchiveFile=") for flag in java):
            return []
        self._archive_dump = class_archive().with_suffix(f".{uuid.uuid4().hex}.tmp")
        return [f"-XX:ArchiveClassesAtExit={self._archive_dump}"]

    def _keep_class_archive(self, exited: bool) -> None:
        # Only an archive from a JVM that exited by itself is complete; a killed one is dropped.
        dump, self._archive_dump = self._archive_dump, None
        if dump is not None and dump.exists():
            if exited:
                dump.replace(class_archive())
            else:
                dump.unlink()

    def _passwords(self) -> dict[str, str]:
        """Made once per data directory: a restart finds the users it formatted."""
        path = self.data_dir / "scram-passwords.json"
        if not path.exists():
            path.write_text(json.dumps({user: secrets.token_hex(16) for user in self.users or ()}))
        passwords: dict[str, str] = json.loads(path.read_text())
        return passwords

    def _write_config(self) -> None:
        properties = _SERVER_PROPERTIES.format(
            port=self.port, controller_port=self.controller_port, data=self.data_dir / "data"
        )
        if self.users is not None:
            properties += _SECURED_PROPERTIES.format(
                port=self.port,
                controller_port=self.controller_port,
                admin_password=self._passwords()[ADMIN],
                keystore=self.data_dir / "tls" / "broker.p12",
                ca=self.ca_path,
            )
        self.config_path.write_text(properties)
        (self.data_dir / "log4j.properties").write_text(_LOG4J.format(log=self.log_path))

    def _format_storage(self, java: list[str]) -> None:
        if (self.data_dir / "data" / "meta.properties").exists():
            return  # formatted before: keep the cluster id and the data
        command = [*java, "kafka.tools.StorageTool", "format"]
        command += ["-t", random_cluster_id(), "-c", str(self.config_path)]
        if self.users is not None:
            for user, password in self._passwords().items():
                command += ["--add-scram", f"{SCRAM}=[name={user},password={password}]"]
        result = subprocess.run(command, capture_output=True, text=True)
        if result.returncode != 0:
            raise RuntimeError(f"formatting Kafka storage failed:\n{result.stdout}{result.stderr}")

    def _wait_ready(self, deadline: float) -> None:
        while time.monotonic() < deadline:
            if self._process is not None and self._process.poll() is not None:
                self.stop()
                raise RuntimeError(f"Kafka exited while starting:\n{self.log_excerpt()}")
            if _accepts_connections(self.port) and _answers_metadata(self.connection()):
                return
            time.sleep(0.2)
        self.stop()
        excerpt = self.log_excerpt()
        raise TimeoutError(f"Kafka did not answer on {self.bootstrap_servers}:\n{excerpt}")


def stop_broker(data_dir: Path, timeout: float = 30) -> bool:
    """Stops a broker another process started on `data_dir` (its pid file); False if none ran."""
    pid_path = data_dir / "broker.pid"
    if not pid_path.exists():
        return False
    pid = int(pid_path.read_text())
    running = _is_broker(pid)  # the pid file may be stale, the pid reused since
    if running:
        os.kill(pid, signal.SIGTERM)
        deadline = time.monotonic() + timeout
        while _is_broker(pid) and time.monotonic() < deadline:
            time.sleep(0.2)
        if _is_broker(pid):
            os.kill(pid, signal.SIGKILL)
    pid_path.unlink(missing_ok=True)
    return running


def _is_broker(pid: int) -> bool:
    # A broker that exited but was not reaped yet has an empty command line.
    try:
        return b"kafka.Kafka" in Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return False


def _terminate(process: subprocess.Popen[bytes], timeout: float) -> bool:
    """SIGTERM, then SIGKILL after `timeout`; True if the process exited by itself."""
    if process.poll() is not None:
        return True
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout)
        return True
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
        return False


def _accepts_connections(port: int) -> bool:
    # A plain connect first: aiokafka logs an error for every refused bootstrap attempt.
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1):
            return True
    except OSError:
        return False


def _answers_metadata(kafka: KafkaConnection) -> bool:
    # In a thread of its own, so start() also works when called from inside a running event loop.
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, _brokers_in_metadata(kafka)).result()


async def _brokers_in_metadata(kafka: KafkaConnection) -> bool:
    admin = AIOKafkaAdminClient(**kafka.options(), request_timeout_ms=5000)
    try:
        async with asyncio.timeout(10):
            await admin.start()
            return bool((await admin.describe_cluster())["brokers"])
    except Exception:  # any failure means "not ready yet"; the caller retries until its deadline
        return False
    finally:
        await admin.close()


_SERVER_PROPERTIES = """\
# Written by localinfra.kafka on every start.
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:{controller_port}
listeners=PLAINTEXT://127.0.0.1:{port},CONTROLLER://127.0.0.1:{controller_port}
advertised.listeners=PLAINTEXT://127.0.0.1:{port}
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT
log.dirs={data}
num.partitions=3
auto.create.topics.enable=true
offsets.topic.replication.factor=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
group.initial.rebalance.delay.ms=0
"""

_LOG4J = """\
log4j.rootLogger=INFO, file
log4j.appender.file=org.apache.log4j.FileAppender
log4j.appender.file.File={log}
log4j.appender.file.layout=org.apache.log4j.PatternLayout
log4j.appender.file.layout.ConversionPattern=[%d] %p %m (%c)%n
"""

# Appended to the PLAINTEXT configuration: where a key repeats, the last value wins. The
# controller listener stays PLAINTEXT on 127.0.0.1 (KRaft cannot check SCRAM there: the
# credentials live in the metadata it serves) and its principal, ANONYMOUS, must be a super
# user for the broker half of this process to register. Production secures it with mTLS.
_SECURED_PROPERTIES = """\
listeners=SASL_SSL://127.0.0.1:{port},CONTROLLER://127.0.0.1:{controller_port}
advertised.listeners=SASL_SSL://127.0.0.1:{port}
inter.broker.listener.name=SASL_SSL
listener.security.protocol.map=CONTROLLER:PLAINTEXT,SASL_SSL:SASL_SSL
sasl.enabled.mechanisms=SCRAM-SHA-512
sasl.mechanism.inter.broker.protocol=SCRAM-SHA-512
listener.name.sasl_ssl.scram-sha-512.sasl.jaas.config=\\
  org.apache.kafka.common.security.scram.ScramLoginModule required \\
  username="admin" password="{admin_password}";
ssl.keystore.type=PKCS12
ssl.keystore.location={keystore}
ssl.keystore.password={admin_password}
ssl.truststore.type=PEM
ssl.truststore.location={ca}
authorizer.class.name=org.apache.kafka.metadata.authorizer.StandardAuthorizer
super.users=User:admin;User:ANONYMOUS
allow.everyone.if.no.acl.found=false
"""


def _make_tls(folder: Path, password: str) -> None:
    """A CA (`ca.pem`, what clients trust) and the broker's key and certificate for 127.0.0.1
    signed by it (`broker.p12`). With `openssl`: Java's keytool took 10 s for the same."""
    if (folder / "broker.p12").exists():
        return
    folder.mkdir(parents=True, exist_ok=True)
    key = "-newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -noenc"
    san = "subjectAltName=IP:127.0.0.1,DNS:localhost"
    signed_by_ca = "-CA ca.pem -CAkey ca.key -copy_extensions copy -days 30"
    commands = [
        f"req -x509 {key} -keyout ca.key -out ca.pem -subj /CN=local-kafka-ca -days 30",
        f"req {key} -keyout broker.key -out broker.csr -subj /CN=localhost -addext {san}",
        f"x509 -req -in broker.csr {signed_by_ca} -out broker.pem",
        f"pkcs12 -export -inkey broker.key -in broker.pem -certfile ca.pem -name broker "
        f"-out broker.p12 -passout pass:{password}",
    ]
    steps = [command.split() for command in commands]
    for step in steps:
        result = subprocess.run(["openssl", *step], cwd=folder, capture_output=True, text=True)
        if result.returncode != 0:
            raise RuntimeError(f"openssl {step[0]} failed:\n{result.stdout}{result.stderr}")
