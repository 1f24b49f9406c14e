"""A real HTTP server on 127.0.0.1 for tests of code that fetches: routes configured per test, a request log.

Use it through the `http_server` fixture (tests/news/conftest.py), which also allows the fetcher to reach it::

    url = http_server.route("/feed.xml", body=b"<rss/>", headers={"Content-Type": "application/rss+xml"},
                            etag='"v1"', last_modified="Mon, 07 Jul 2025 10:00:00 GMT")
    http_server.redirect("/old.xml", "/feed.xml", status=301)
    http_server.route("/slow", body=b"x" * 100, chunk_size=1, chunk_delay=0.2)  # trickles one byte at a time
    http_server.route("/bomb", body=gzip_bomb(2**30), headers={"Content-Encoding": "gzip"})
    fetch(http_server.url("/feed.xml"))
    http_server.requests[-1].headers.get("If-None-Match")  # header names are case-insensitive

A route answers GET and HEAD. Options:
- status, headers (sent as given; Content-Length, ETag and the like are added unless given);
- body: bytes, or a callable returning an iterable of bytes, streamed with chunked encoding;
- etag, last_modified: sent, and a conditional request that matches gets 304 (If-None-Match
  decides when present, as RFC 9110 says; otherwise If-Modified-Since >= Last-Modified);
- delay: seconds before the status line; chunk_delay: seconds between body pieces of chunk_size bytes;
- gzip: compress the body and send Content-Encoding: gzip; chunked: Transfer-Encoding: chunked, no length.
Unknown paths get 404. Registering a path again replaces its route.

`LocalHTTPServer(tls=True)` serves HTTPS with a certificate for the name "localhost" only, issued by
TEST_CA_PEM (valid 2000-2100); a client trusts it when SSL_CERT_FILE points at a file holding TEST_CA_PEM.
"""

from __future__ import annotations

import contextlib
import datetime
import email.utils
import functools
import gzip as gzip_module
import http.server
import socket
import ssl
import sys
import tempfile
import threading
import time
import zlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

Body = bytes | Callable[[], Iterable[bytes]]

# A test-only certificate authority and the certificate it issued for "localhost" (made with openssl, EC P-256).
TEST_CA_PEM = """\
-----BEGIN CERTIFICATE-----
MIIBfDCCASGgAwIBAgIBATAKBggqhkjOPQQDAjAkMSIwIAYDVQQDDBlDZWFzZWZp
cmUgdHJhY2tlciB0ZXN0IENBMCAXDTAwMDEwMTAwMDAwMFoYDzIxMDAwMTAxMDAw
MDAwWjAkMSIwIAYDVQQDDBlDZWFzZWZpcmUgdHJhY2tlciB0ZXN0IENBMFkwEwYH
KoZIzj0CAQYIKoZIzj0DAQcDQgAE/qGO8FdlPJE+xqZCJZ9/mFWXkJOXYxPmjav3
+m2zXvGOh1YufojQYYoRfYbH5IJSYL585YVvuHHOasKoommr4KNCMEAwDwYDVR0T
AQH/BAUwAwEB/zAOBgNVHQ8BAf8EBAMCAQYwHQYDVR0OBBYEFHOBMBScC9oSnpbe
+j0pueH4v69sMAoGCCqGSM49BAMCA0kAMEYCIQCg5Hc/L+Tn644Ahx3HCOr8JEuB
TSLGt/fNvISxAKEV2wIhAL34LuGHQHwAXdP5nEsfPUe7CWsin2CmKjbsZaDaRybp
-----END CERTIFICATE-----
"""
LOCALHOST_CERT_PEM = """\
-----BEGIN CERTIFICATE-----
MIIBtzCCAVygAwIBAgIBAjAKBggqhkjOPQQDAjAkMSIwIAYDVQQDDBlDZWFzZWZp
cmUgdHJhY2tlciB0ZXN0IENBMCAXDTAwMDEwMTAwMDAwMFoYDzIxMDAwMTAxMDAw
MDAwWjAUMRIwEAYDVQQDDAlsb2NhbGhvc3QwWTATBgcqhkjOPQIBBggqhkjOPQMB
BwNCAASyqfe13XrHtu4cmJ8r85otjZw/a4+ALXYX0Qv7h5LyVH69Mg6ZXO/XDN5O
doJNe5ZdzXR8qhzwXZ2RSou7YMbmo4GMMIGJMBQGA1UdEQQNMAuCCWxvY2FsaG9z
dDAMBgNVHRMBAf8EAjAAMA4GA1UdDwEB/wQEAwIHgDATBgNVHSUEDDAKBggrBgEF
BQcDATAfBgNVHSMEGDAWgBRzgTAUnAvaEp6W3vo9Kbnh+L+vbDAdBgNVHQ4EFgQU
LG2I/Tdbcl17PqfIK518PO5KejAwCgYIKoZIzj0EAwIDSQAwRgIhAJo1BzTNYJc0
9jNQrGTwMPZiUZ/ORt7LaX0XyftzMacRAiEAmNdbGjZ+8HKsSrZ+2UbznP+6x6uX
w13zpHWcJke1yWQ=
-----END CERTIFICATE-----
"""
LOCALHOST_KEY_PEM = """\
-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgK6BKoOh7njQ4jWkX
YuwME4Z6fAVrIERQ1lifVweTUSKhRANCAASyqfe13XrHtu4cmJ8r85otjZw/a4+A
LXYX0Qv7h5LyVH69Mg6ZXO/XDN5OdoJNe5ZdzXR8qhzwXZ2RSou7YMbm
-----END PRIVATE KEY-----
"""  # a throwaway key, trusted nowhere but in these tests


class Headers(dict):
    """Header names in lower case; lookups ignore case."""

    def __init__(self, items: Iterable[tuple[str, str]] = ()) -> None:
        super().__init__((name.lower(), value) for name, value in items)

    def __getitem__(self, name: str) -> str:
        return super().__getitem__(name.lower())

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and super().__contains__(name.lower())

    def get(self, name: str, default: str | None = None) -> str | None:
        return super().get(name.lower(), default)


@dataclass(frozen=True)
class RecordedRequest:
    method: str
    path: str  # as sent, with the query string
    headers: Headers
    at: float = field(default_factory=time.monotonic)  # when it arrived


@dataclass(frozen=True)
class Route:
    status: int = 200
    body: Body = b""
    headers: dict[str, str] = field(default_factory=dict)
    etag: str | None = None
    last_modified: str | None = None
    delay: float = 0.0
    chunk_delay: float = 0.0
    chunk_size: int = 64 * 1024
    gzip: bool = False
    chunked: bool = False

    def not_modified(self, request: Headers) -> bool:
        if_none_match = request.get("If-None-Match")
        if if_none_match is not None:
            tags = {_weak_to_strong(tag.strip()) for tag in if_none_match.split(",")}
            return self.etag is not None and ("*" in tags or _weak_to_strong(self.etag) in tags)
        if_modified_since = request.get("If-Modified-Since")
        if if_modified_since is None or self.last_modified is None:
            return False
        since, modified = _http_date(if_modified_since), _http_date(self.last_modified)
        return since is not None and modified is not None and modified <= since

    def pieces(self) -> Iterator[memoryview | bytes]:
        source = [self.body] if isinstance(self.body, bytes) else self.body()
        if self.gzip and not isinstance(self.body, bytes):
            source = _gzip_stream(source)
        for data in source:
            view = memoryview(data)
            for start in range(0, len(view), self.chunk_size):
                yield view[start : start + self.chunk_size]


def _weak_to_strong(tag: str) -> str:
    return tag[2:] if tag.startswith("W/") else tag


def _http_date(value: str) -> datetime.datetime | None:
    try:
        moment = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=datetime.UTC)


def _gzip_stream(source: Iterable[bytes]) -> Iterator[bytes]:
    compressor = zlib.compressobj(6, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    for data in source:
        yield compressor.compress(data)
    yield compressor.flush()


@functools.cache
def gzip_bomb(size: int, block: int = 1024 * 1024) -> bytes:
    """A valid gzip stream of `size` zero bytes, about a thousand times smaller (1 GiB -> ~1 MiB).

    Zeros are streamed through zlib one block at a time, never held whole. After a full flush the
    compressor starts afresh, so every full block compresses to the same bytes: one compression of a
    block serves them all, which keeps a 1 GiB bomb to a fraction of a second.
    """
    zeros = bytes(block)
    compressor = zlib.compressobj(9, zlib.DEFLATED, -zlib.MAX_WBITS)
    compressed_block = compressor.compress(zeros) + compressor.flush(zlib.Z_FULL_FLUSH)
    full_blocks, rest = divmod(size, block)
    parts = [b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x02\xff"]  # gzip header: deflate, no name, no mtime
    parts.extend([compressed_block] * full_blocks)
    crc = 0
    for _ in range(full_blocks):
        crc = zlib.crc32(zeros, crc)
    parts.append(compressor.compress(zeros[:rest]) + compressor.flush(zlib.Z_FINISH))
    crc = zlib.crc32(zeros[:rest], crc)
    parts.append(crc.to_bytes(4, "little") + (size & 0xFFFFFFFF).to_bytes(4, "little"))
    return b"".join(parts)


_DISCONNECTED = (BrokenPipeError, ConnectionResetError, ConnectionAbortedError, TimeoutError)


class _Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "LocalTestServer/1.0"
    timeout = 10  # an idle keep-alive connection ends on its own
    server: _Server

    def setup(self) -> None:
        super().setup()
        self.server.app._opened(self.connection)

    def finish(self) -> None:
        try:
            super().finish()
        except _DISCONNECTED:
            pass
        finally:
            self.server.app._closed(self.connection)

    def log_message(self, format: str, *args) -> None:  # noqa: A002 - the base class's signature
        pass

    def do_GET(self) -> None:
        self._respond(send_body=True)

    def do_HEAD(self) -> None:
        self._respond(send_body=False)

    def _respond(self, *, send_body: bool) -> None:
        app = self.server.app
        request = RecordedRequest(self.command, self.path, Headers(self.headers.items()))
        route = app._record_and_route(request)
        try:
            if route.delay and app._stopping.wait(route.delay):
                self.close_connection = True
                return
            if route.not_modified(request.headers):
                self.send_response(304)
                self._send_headers(route, {"ETag": route.etag, "Last-Modified": route.last_modified})
                return
            self.send_response(route.status)
            computed = {
                "ETag": route.etag,
                "Last-Modified": route.last_modified,
                "Content-Encoding": "gzip" if route.gzip else None,
            }
            if route.chunked:
                computed["Transfer-Encoding"] = "chunked"
            else:
                computed["Content-Length"] = str(len(route.body))
            self._send_headers(route, computed)
            if send_body:
                self._send_body(route, app)
        except _DISCONNECTED:
            self.close_connection = True

    def _send_headers(self, route: Route, computed: dict[str, str | None]) -> None:
        given = {name.lower() for name in route.headers}
        for name, value in route.headers.items():
            self.send_header(name, value)
        for name, value in computed.items():
            if value is not None and name.lower() not in given:
                self.send_header(name, value)
        self.end_headers()

    def _send_body(self, route: Route, app: LocalHTTPServer) -> None:
        for index, piece in enumerate(route.pieces()):
            if index and route.chunk_delay and app._stopping.wait(route.chunk_delay):
                self.close_connection = True
                return
            if not piece:
                continue
            if route.chunked:
                self.wfile.write(b"%x\r\n" % len(piece))
                self.wfile.write(piece)
                self.wfile.write(b"\r\n")
            else:
                self.wfile.write(piece)
        if route.chunked:
            self.wfile.write(b"0\r\n\r\n")


class _Server(http.server.ThreadingHTTPServer):
    daemon_threads = False  # server_close() joins the handler threads: nothing outlives the test
    block_on_close = True
    app: LocalHTTPServer

    def handle_error(self, request, client_address) -> None:
        error = sys.exc_info()[1]
        if isinstance(error, OSError):  # a client that went away
            return
        self.app.errors.append(error)
        super().handle_error(request, client_address)


def _localhost_tls_context() -> ssl.SSLContext:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    with tempfile.TemporaryDirectory() as directory:  # load_cert_chain reads files only
        with open(f"{directory}/cert.pem", "w") as cert, open(f"{directory}/key.pem", "w") as key:
            cert.write(LOCALHOST_CERT_PEM + TEST_CA_PEM)
            key.write(LOCALHOST_KEY_PEM)
        context.load_cert_chain(f"{directory}/cert.pem", f"{directory}/key.pem")
    return context


class LocalHTTPServer:
    """A threaded HTTP/1.1 server on 127.0.0.1 and a random port; use as a context manager."""

    def __init__(self, *, tls: bool = False) -> None:
        self.tls = tls
        self._lock = threading.Lock()
        self._routes: dict[str, Route] = {}
        self._requests: list[RecordedRequest] = []
        self._connections: set[socket.socket] = set()
        self._stopping = threading.Event()
        self.errors: list[BaseException] = []
        self._httpd = _Server(("127.0.0.1", 0), _Handler)
        self._httpd.app = self
        if tls:
            self._httpd.socket = _localhost_tls_context().wrap_socket(self._httpd.socket, server_side=True)
        self.port: int = self._httpd.server_address[1]
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05}, name=f"test-http-{self.port}"
        )

    @property
    def host(self) -> str:
        """'127.0.0.1:<port>', as INGEST_ALLOWED_HOSTS spells it."""
        return f"127.0.0.1:{self.port}"

    def url(self, path: str = "/") -> str:
        return f"{'https' if self.tls else 'http'}://{self.host}{path}"

    def route(
        self,
        path: str,
        *,
        body: Body = b"",
        status: int = 200,
        headers: dict[str, str] | None = None,
        etag: str | None = None,
        last_modified: str | datetime.datetime | None = None,
        delay: float = 0.0,
        chunk_delay: float = 0.0,
        chunk_size: int = 64 * 1024,
        gzip: bool = False,
        chunked: bool | None = None,
    ) -> str:
        """Serve path (matched with its query string first, then without); returns its URL.

        A callable body is streamed, so it is always chunked. An etag without quotes gets them.
        """
        streamed = not isinstance(body, bytes)
        if chunked is False and streamed:
            raise ValueError("a streamed body has no length: it must be chunked")
        if gzip and not streamed:
            body = gzip_module.compress(body, mtime=0)
        if etag is not None and not etag.startswith(('"', "W/")):
            etag = f'"{etag}"'
        if isinstance(last_modified, datetime.datetime):
            last_modified = email.utils.format_datetime(last_modified.astimezone(datetime.UTC), usegmt=True)
        new_route = Route(
            status=status,
            body=body,
            headers=dict(headers or {}),
            etag=etag,
            last_modified=last_modified,
            delay=delay,
            chunk_delay=chunk_delay,
            chunk_size=chunk_size,
            gzip=gzip,
            chunked=streamed if chunked is None else chunked,
        )
        with self._lock:
            self._routes[path] = new_route
        return self.url(path)

    def redirect(self, path: str, location: str, *, status: int = 302) -> str:
        """Answer path with a redirect to location (a path, or any absolute URL, sent as given)."""
        return self.route(path, status=status, headers={"Location": location})

    @property
    def requests(self) -> list[RecordedRequest]:
        with self._lock:
            return list(self._requests)

    def reset(self) -> None:
        """Forget every route and the request log."""
        with self._lock:
            self._routes.clear()
            self._requests.clear()

    def start(self) -> LocalHTTPServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stopping.set()
        self._httpd.shutdown()
        with self._lock:
            connections = list(self._connections)
        for connection in connections:  # wake handlers blocked on a client that never reads or closes
            with contextlib.suppress(OSError):
                connection.shutdown(socket.SHUT_RDWR)
        self._httpd.server_close()
        self._thread.join()

    def __enter__(self) -> LocalHTTPServer:
        return self.start()

    def __exit__(self, *exc_info) -> None:
        self.stop()

    def _record_and_route(self, request: RecordedRequest) -> Route:
        with self._lock:
            self._requests.append(request)
            route = self._routes.get(request.path) or self._routes.get(request.path.partition("?")[0])
        return route or Route(status=404, body=b"Not found\n", headers={"Content-Type": "text/plain"})

    def _opened(self, connection: socket.socket) -> None:
        with self._lock:
            self._connections.add(connection)

    def _closed(self, connection: socket.socket) -> None:
        with self._lock:
            self._connections.discard(connection)
