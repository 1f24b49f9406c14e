"""A static HTTP server on 127.0.0.1 for the ingestion benchmarks, in a process of its own.

    .venv/bin/python -m bench.ingest.pageserver DIRECTORY

Serves every file under DIRECTORY (read into memory at start) on 127.0.0.1 and a free
port, which it prints as the first line of its output ("PORT 43121"); stops on SIGTERM
or when its standard input closes. `__ORIGIN__` in a file becomes "http://127.0.0.1:<port>",
so pages and feeds written before the port is known can hold absolute links. Its own process,
so serving pages never competes for the interpreter lock with the code being timed.
`.xml` files go out as application/rss+xml, `.html` as text/html, both UTF-8.
"""

import http.server
import signal
import sys
import threading
from pathlib import Path

CONTENT_TYPES = {".xml": "application/rss+xml; charset=utf-8", ".html": "text/html; charset=utf-8"}


ORIGIN = b"__ORIGIN__"


def load(directory: Path, origin: str) -> dict[str, tuple[bytes, str]]:
    files = {}
    for path in directory.rglob("*"):
        if path.is_file():
            content_type = CONTENT_TYPES.get(path.suffix, "application/octet-stream")
            body = path.read_bytes().replace(ORIGIN, origin.encode())
            files["/" + path.relative_to(directory).as_posix()] = (body, content_type)
    return files


def make_handler(files: dict[str, tuple[bytes, str]]) -> type[http.server.BaseHTTPRequestHandler]:
    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        server_version = "BenchPages/1.0"

        def log_message(self, format: str, *args) -> None:  # noqa: A002 - the base class's signature
            pass

        def do_GET(self) -> None:
            found = files.get(self.path.partition("?")[0])
            body, content_type = found or (b"Not found\n", "text/plain")
            self.send_response(200 if found else 404)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            try:
                self.wfile.write(body)
            except (BrokenPipeError, ConnectionResetError):
                self.close_connection = True

    return Handler


def main() -> None:
    directory = Path(sys.argv[1])
    files: dict[str, tuple[bytes, str]] = {}
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), make_handler(files))
    files.update(load(directory, f"http://127.0.0.1:{server.server_address[1]}"))
    server.daemon_threads = True
    signal.signal(signal.SIGTERM, lambda *_: threading.Thread(target=server.shutdown).start())

    def stop_when_stdin_closes() -> None:
        sys.stdin.read()
        server.shutdown()

    threading.Thread(target=stop_when_stdin_closes, daemon=True).start()
    print(f"PORT {server.server_address[1]}", flush=True)
    server.serve_forever(poll_interval=0.1)
    server.server_close()


if __name__ == "__main__":
    main()
