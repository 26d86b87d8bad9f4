"""Exit 0 when the PostgreSQL and Redis URLs given are reachable."""

import socket
import sys
from urllib.parse import urlparse


def reachable(url: str, default_port: int) -> bool:
    parts = urlparse(url)
    try:
        with socket.create_connection(
            (parts.hostname or "127.0.0.1", parts.port or default_port), 2
        ):
            return True
    except OSError:
        return False


sys.exit(0 if reachable(sys.argv[1], 5432) and reachable(sys.argv[2], 6379) else 1)
