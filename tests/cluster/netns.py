"""Hosts on one machine: network namespaces on a bridge of their own, torn down whatever happens.

Every host is a namespace with one ``eth0`` plugged into a bridge that lives in a switch
namespace of its own, so the bridge never meets the machine's firewall or its other
interfaces. The test process reaches the hosts through one more veth whose outer end, in
the machine's own namespace, holds the subnet's ``.1``. The subnet is private and exists
only on these links; a free one is picked under a lock so runs side by side never clash.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import secrets
import subprocess
import time
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path

import attrs

from . import leftovers
from .iproute import ip, take_down
from .process import Process

SUBNETS = tuple(f"10.231.{n}" for n in range(64))
STOP_GRACE = 5.0
LOCK_FILE = Path("/tmp/selteq-cluster-net.lock")


def namespaces_work() -> str | None:
    """None when this process may make network namespaces, else why not."""
    if os.geteuid() != 0:
        return "network namespaces need root"
    probe = f"sqprobe{os.getpid()}"
    try:
        ip("netns", "add", probe)
        ip("netns", "del", probe)
    except (OSError, RuntimeError) as exc:
        return f"`ip netns` does not work here: {exc}"
    return None


@attrs.frozen
class Host:
    role: str
    netns: str
    address: str

    def command(self, argv: Sequence[str]) -> list[str]:
        return ["ip", "netns", "exec", self.netns, *argv]


@attrs.define
class Network:
    """The switch, the hosts on it and every process started on them."""

    tag: str
    prefix: str
    workdir: Path
    hosts: list[Host] = attrs.Factory(list)
    processes: list[Process] = attrs.Factory(list)

    @property
    def switch(self) -> str:
        return f"sq{self.tag}-switch"

    @property
    def outer_link(self) -> str:
        return f"sq{self.tag}r"

    @property
    def gateway(self) -> str:
        """The test process's own address on the subnet."""
        return f"{self.prefix}.1"

    def add_host(self, role: str, octet: int) -> Host:
        host = Host(role, f"sq{self.tag}-{role}", f"{self.prefix}.{octet}")
        port = f"h{octet}"
        ip("netns", "add", host.netns)
        self.hosts.append(host)
        ip("-n", host.netns, "link", "set", "lo", "up")
        ip(
            "-n",
            host.netns,
            "link",
            "add",
            "eth0",
            "type",
            "veth",
            "peer",
            port,
            "netns",
            self.switch,
        )
        ip("-n", host.netns, "addr", "add", f"{host.address}/24", "dev", "eth0")
        ip("-n", host.netns, "link", "set", "eth0", "up")
        ip("-n", self.switch, "link", "set", port, "master", "br0", "up")
        return host

    def start(
        self, host: Host, name: str, argv: Sequence[str], env: Mapping[str, str], cwd: Path
    ) -> Process:
        log = self.workdir / "logs" / f"{name}.log"
        with log.open("ab") as out:
            popen = subprocess.Popen(
                host.command(argv),
                env=dict(env),
                cwd=cwd,
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        process = Process(name, popen, log)
        self.processes.append(process)
        return process

    def tails(self, size: int = 2000) -> str:
        """The end of every process's output, for a failure report."""
        return "\n".join(f"--- {p.name} ---\n{p.output()[-size:]}" for p in self.processes)

    def close(self) -> None:
        """Stop every process, then anything else still running in a namespace of ours,
        then delete the namespaces and the outer link (the veths go with them)."""
        for process in self.processes:
            process.signal()
        deadline = time.monotonic() + STOP_GRACE
        for process in self.processes:
            process.wait(deadline)
            with contextlib.suppress(Exception):
                process.kill()
        take_down([h.netns for h in self.hosts] + [self.switch], self.outer_link)
        leftovers.forget(self.tag)


def _used_prefixes() -> set[str]:
    used = set()
    for line in ip("-o", "-4", "addr", "show").splitlines() + ip("-4", "route").splitlines():
        for word in line.split():
            if word.startswith("10.231."):
                used.add(".".join(word.split("/")[0].split(".")[:3]))
    return used


def _wire_switch(made: Network) -> None:
    ip("netns", "add", made.switch)
    ip("-n", made.switch, "link", "set", "lo", "up")
    ip("-n", made.switch, "link", "add", "br0", "type", "bridge")
    ip("-n", made.switch, "link", "set", "br0", "up")
    ip("link", "add", made.outer_link, "type", "veth", "peer", "up0", "netns", made.switch)
    ip("addr", "add", f"{made.gateway}/24", "dev", made.outer_link)
    ip("link", "set", made.outer_link, "up")
    ip("-n", made.switch, "link", "set", "up0", "master", "br0", "up")


@contextlib.contextmanager
def network(workdir: Path) -> Iterator[Network]:
    """A switch and the outer link on a free subnet; everything made is deleted on exit.
    Process logs go to ``workdir/logs``."""
    (workdir / "logs").mkdir(exist_ok=True)
    with LOCK_FILE.open("a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            leftovers.sweep()
            free = [p for p in SUBNETS if p not in _used_prefixes()]
            if not free:
                raise RuntimeError("no free 10.231.x.0/24 subnet for the cluster")
            made = Network(secrets.token_hex(3), free[0], workdir)
            leftovers.remember(made.tag, os.getpid(), workdir)
            try:
                _wire_switch(made)
            except BaseException:
                made.close()
                raise
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)
    try:
        yield made
    finally:
        made.close()
