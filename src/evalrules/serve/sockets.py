"""The listening socket a service is given (``evalrules serve --workers``, ``evalrules studio``).

Imports nothing of evalrules.
"""

from __future__ import annotations

import socket


def listening(host: str, port: int) -> socket.socket:
    """The socket the workers share, made with its protocol named (TCP): uvicorn's own has
    protocol 0, and asyncio sets TCP_NODELAY only on a socket whose protocol is TCP, so without
    it every small answer waited for a delayed ACK (44 ms a request here). It listens at once,
    so a client told the address before the server runs (the studio's browser) waits in the
    backlog rather than being refused."""
    family, kind, proto, _, address = socket.getaddrinfo(
        host, port, type=socket.SOCK_STREAM, proto=socket.IPPROTO_TCP)[0]
    sock = socket.socket(family, kind, proto)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(address)
    sock.set_inheritable(True)
    sock.listen(socket.SOMAXCONN)
    return sock
