"""Loaded at interpreter start (via PYTHONPATH) by the servers the tests start: any outgoing
connection or name lookup beyond loopback is refused and written to $ASSISTANT_NETGUARD_LOG."""

import ipaddress
import os
import socket

_LOG = os.environ.get("ASSISTANT_NETGUARD_LOG")


def _loopback(host) -> bool:
    if host is None:
        return True
    if isinstance(host, bytes):
        host = host.decode()
    if host in ("localhost", ""):
        return True
    try:
        return ipaddress.ip_address(str(host).split("%")[0]).is_loopback
    except ValueError:
        return False


def _refuse(what: str):
    with open(_LOG, "a", encoding="utf-8") as handle:
        handle.write(what + "\n")
    raise OSError(f"network access refused by the test guard: {what}")


if _LOG:
    _connect, _connect_ex, _getaddrinfo = socket.socket.connect, socket.socket.connect_ex, socket.getaddrinfo

    def connect(self, address):
        if isinstance(address, tuple) and not _loopback(address[0]):
            _refuse(f"connect {address}")
        return _connect(self, address)

    def connect_ex(self, address):
        if isinstance(address, tuple) and not _loopback(address[0]):
            _refuse(f"connect {address}")
        return _connect_ex(self, address)

    def getaddrinfo(host, *args, **kwargs):
        if not _loopback(host):
            _refuse(f"resolve {host}")
        return _getaddrinfo(host, *args, **kwargs)

    socket.socket.connect, socket.socket.connect_ex, socket.getaddrinfo = connect, connect_ex, getaddrinfo
