"""moto's server, with each request applied whole before the next one starts.

Real DynamoDB applies every conditional write atomically per item; moto's threaded server does
not lock its DynamoDB backend, so two concurrent UpdateItems on one item could interleave
inside moto and a test would judge moto's race instead of the gateway's protocol. One lock
around each request restores DynamoDB's per-item atomicity (connections are still served on
threads, so idle keep-alive connections block nobody).

    python moto_atomic.py PORT
"""

import sys
import threading

from moto.moto_server.werkzeug_app import (
    DomainDispatcherApplication,
    MotoRequestHandler,
    create_backend_app,
)
from werkzeug.serving import run_simple

app = DomainDispatcherApplication(create_backend_app)
lock = threading.Lock()


def atomic(environ, start_response):
    with lock:
        # The body is produced inside the lock too: werkzeug may compute it lazily.
        return [b"".join(app(environ, start_response))]


if __name__ == "__main__":
    run_simple("127.0.0.1", int(sys.argv[1]), atomic, threaded=True, request_handler=MotoRequestHandler)
