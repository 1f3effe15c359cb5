"""Print `make run`'s welcome once the server accepts connections, not before (issue 14).

`make run` starts this beside `flask run`; it polls HOST:PORT and prints the URL and the
demo logins when the port answers, or gives up silently after TIMEOUT seconds.
"""
from __future__ import annotations

import socket
import sys
import time

TIMEOUT = 300.0
POLL = 0.2


def wait_for(host: str, port: int, timeout: float = TIMEOUT) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection((host, port), timeout=1):
                return True
        except OSError:
            time.sleep(POLL)
    return False


def main(host: str, port: str) -> None:
    if wait_for(host, int(port)):
        print(f"\nQuorum is serving on http://{host}:{port}/\n"
              "Log in as manager@quorum.local (manager) or annotator1@quorum.local (annotator).\n", flush=True)


if __name__ == "__main__":
    main(*sys.argv[1:3])
