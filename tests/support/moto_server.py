"""moto's server on a port the kernel picks, announced on stdout once it listens.

    python moto_server.py [--atomic]

prints one line, `MOTO_URL=http://127.0.0.1:PORT`, when the socket is bound, then serves until
killed. Picking a free port first and passing it to `moto_server -p` is a race: between the
pick and moto's bind, anything else binding port 0 (a test's own fake server, say) can get the
same port, and the readiness probe then talks to the wrong server. Binding first and telling
the port afterwards leaves nothing to race.

`--atomic` applies each request whole before the next one starts. Real DynamoDB applies every
conditional write atomically per item; moto's threaded server does not lock its DynamoDB
backend, so two concurrent UpdateItems on one item could interleave inside moto and a test
would judge moto's race instead of the gateway's protocol. One lock around each request
restores DynamoDB's per-item atomicity (connections are still served on threads, so idle
keep-alive connections block nobody).
"""

import os
import sys
import threading

from moto.moto_server.werkzeug_app import (
    DomainDispatcherApplication,
    MotoRequestHandler,
    create_backend_app,
)
from werkzeug.serving import make_server


def main() -> None:
    app = DomainDispatcherApplication(create_backend_app)
    if sys.argv[1:] == ["--atomic"]:
        lock = threading.Lock()
        whole = app

        def app(environ, start_response):
            with lock:
                # The body is produced inside the lock too: werkzeug may compute it lazily.
                return [b"".join(whole(environ, start_response))]

    elif sys.argv[1:]:
        sys.exit(f"usage: {sys.argv[0]} [--atomic]")
    server = make_server("127.0.0.1", 0, app, threaded=True, request_handler=MotoRequestHandler)
    # moto builds some URLs (SQS queue URLs, for one) from the port it believes it serves on.
    os.environ["MOTO_PORT"] = str(server.server_port)
    print(f"MOTO_URL=http://127.0.0.1:{server.server_port}", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
