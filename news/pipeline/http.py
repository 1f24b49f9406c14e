"""The guarded HTTP fetcher of the news ingestion.

Every hop of a fetch (the first request and each redirect) is checked before any
connection: only http and https, a bounded URL, a host name that resolves to
public addresses only. The fetcher then connects to the very address it
checked, never to the name again, so a DNS answer that changes between the
check and the connection (DNS rebinding) cannot steer it elsewhere. The body is
streamed, decoded incrementally and cut at a size cap counted both on the wire
and after decompression, so a gzip bomb is stopped after a few megabytes; a
wall-clock deadline covers the whole fetch, redirects included.

Hosts listed in the INGEST_ALLOWED_HOSTS setting ("host" or "host:port") skip
the address check: for tests and local demos only.
"""

from __future__ import annotations

import email.utils
import enum
import http
import ipaddress
import re
import socket
import threading
import time
import zlib
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from datetime import UTC
from urllib.parse import quote, urljoin, urlsplit

import urllib3
from django.conf import settings
from urllib3.exceptions import ConnectTimeoutError, NewConnectionError, SSLError
from urllib3.exceptions import HTTPError as Urllib3Error
from urllib3.exceptions import TimeoutError as Urllib3Timeout

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

DEFAULT_ACCEPT = (
    "application/rss+xml, application/atom+xml, application/rdf+xml;q=0.9, application/xml;q=0.9, "
    "text/xml;q=0.9, text/html;q=0.8, */*;q=0.5"
)
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
RETRY_AFTER_STATUSES = frozenset({429, 503})
READ_SIZE = 64 * 1024


class FetchError(Exception):
    """A fetch that did not produce a usable response; the message is shown to editors as is."""

    class Kind(enum.StrEnum):
        BLOCKED = "blocked"
        BAD_URL = "bad_url"
        TIMEOUT = "timeout"
        TOO_LARGE = "too_large"
        TOO_MANY_REDIRECTS = "too_many_redirects"
        HTTP_ERROR = "http_error"
        CONNECTION = "connection"

    def __init__(
        self,
        kind: FetchError.Kind,
        message: str,
        *,
        url: str = "",
        status: int | None = None,
        retry_after: float | None = None,
    ) -> None:
        super().__init__(message)
        self.kind = kind
        self.message = message
        self.url = url
        self.status = status
        self.retry_after = retry_after

    def __repr__(self) -> str:
        return f"FetchError({self.kind.value!r}, {self.message!r}, status={self.status!r})"


Kind = FetchError.Kind


@dataclass(frozen=True)
class FetchResult:
    url: str  # the final URL, after redirects
    status: int  # a 2xx status, or 304
    headers: dict[str, str]  # lower-case names
    body: bytes = field(repr=False)  # decompressed; b"" for 304
    etag: str
    last_modified: str
    content_type: str  # without parameters, lower-case
    charset: str | None
    redirects: tuple[str, ...]  # the URLs that answered with a redirect, in order
    elapsed: float
    compressed_bytes: int  # body bytes read off the wire

    @property
    def not_modified(self) -> bool:
        return self.status == 304


# Addresses never fetched, most specific first; the label ends "Refused: <address> is ...".
_V4 = ipaddress.IPv4Network
_V6 = ipaddress.IPv6Network
_SPECIAL_NETWORKS: tuple[tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, str], ...] = (
    (_V4("0.0.0.0/32"), "the unspecified address"),
    (_V4("0.0.0.0/8"), "in the reserved 'this network' range"),
    (_V4("127.0.0.0/8"), "a loopback address (this machine)"),
    (_V4("10.0.0.0/8"), "a private address"),
    (_V4("172.16.0.0/12"), "a private address"),
    (_V4("192.168.0.0/16"), "a private address"),
    (_V4("169.254.0.0/16"), "a link-local address (where cloud metadata services live)"),
    (_V4("100.64.0.0/10"), "in the shared address space of carrier-grade NAT"),
    (_V4("198.18.0.0/15"), "a benchmarking address"),
    (_V4("192.0.2.0/24"), "a documentation address"),
    (_V4("198.51.100.0/24"), "a documentation address"),
    (_V4("203.0.113.0/24"), "a documentation address"),
    (_V4("192.0.0.0/24"), "reserved for protocol assignments"),
    (_V4("192.88.99.0/24"), "a retired 6to4 relay address"),
    (_V4("224.0.0.0/4"), "a multicast address"),
    (_V4("255.255.255.255/32"), "the broadcast address"),
    (_V4("240.0.0.0/4"), "a reserved address"),
    (_V6("::/128"), "the unspecified address"),
    (_V6("::1/128"), "a loopback address (this machine)"),
    (_V6("fe80::/10"), "a link-local address"),
    (_V6("fc00::/7"), "a unique-local (private) address"),
    (_V6("fec0::/10"), "a site-local (private) address"),
    (_V6("ff00::/8"), "a multicast address"),
    (_V6("2001::/32"), "a Teredo tunnel address"),
    (_V6("2001:db8::/32"), "a documentation address"),
    (_V6("3fff::/20"), "a documentation address"),
    (_V6("2001::/23"), "reserved for protocol assignments"),
    (_V6("100::/64"), "a discard-only address"),
    (_V6("64:ff9b:1::/48"), "a local-use NAT64 address"),
    (_V6("5f00::/16"), "a segment-routing address"),
)
_IPV6_GLOBAL_UNICAST = _V6("2000::/3")
_NAT64 = _V6("64:ff9b::/96")
_SIX_TO_FOUR = _V6("2002::/16")


def _blocked_reason(ip: IPAddress) -> str | None:
    """Why an address must not be fetched, or None for a public internet address."""
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            inner = _blocked_reason(ip.ipv4_mapped)
            return f"an IPv4-mapped IPv6 address (of {ip.ipv4_mapped}{', ' + inner if inner else ''})"
        if ip in _NAT64:
            embedded = ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
            inner = _blocked_reason(embedded)
            return f"a NAT64 address of {embedded}, {inner}" if inner else None
        if ip in _SIX_TO_FOUR:
            embedded = ip.sixtofour
            inner = _blocked_reason(embedded)
            return f"a 6to4 address of {embedded}, {inner}" if inner else None
    for network, label in _SPECIAL_NETWORKS:
        if ip.version == network.version and ip in network:
            return label
    # Python's is_global is the broad test; IPv6 outside 2000::/3 is not global unicast whatever it says.
    if not ip.is_global or (isinstance(ip, ipaddress.IPv6Address) and ip not in _IPV6_GLOBAL_UNICAST):
        return "not a public internet address"
    return None


def check_address(ip: IPAddress) -> None:
    """Raise FetchError(kind="blocked") unless ip is a public internet address."""
    reason = _blocked_reason(ip)
    if reason:
        raise FetchError(Kind.BLOCKED, f"Refused: {ip} is {reason}")


_HOSTNAME = re.compile(r"[a-z0-9_-]+(?:\.[a-z0-9_-]+)*\.?")
_NUMERIC_LABEL = re.compile(r"[0-9]+|0x[0-9a-f]*")


def _normalize_host(host: str) -> str:
    """The ASCII (IDNA) lower-case form of a URL's host; IPv6 literals without brackets."""
    host = host.strip()
    if host.startswith("[") and host.endswith("]"):
        host = host[1:-1]
    if ":" in host:
        try:
            return str(ipaddress.IPv6Address(host))
        except ValueError:
            raise FetchError(Kind.BAD_URL, f"{host!r} is not a valid IPv6 address") from None
    try:
        name = host.encode("idna").decode("ascii").lower()
    except UnicodeError:
        raise FetchError(Kind.BAD_URL, f"{host!r} is not a valid host name") from None
    if len(name) > 253 or not _HOSTNAME.fullmatch(name):
        raise FetchError(Kind.BAD_URL, f"{host!r} is not a valid host name")
    return name


def _ip_literal(name: str) -> IPAddress | None:
    """The address a host denotes without any lookup: IPv6, dotted IPv4, or an odd IPv4 form such as 0x7f.1.

    A host whose last label is a number is an address (as browsers read it), never a name to look up.
    """
    if ":" in name:
        return ipaddress.IPv6Address(name)
    try:
        return ipaddress.IPv4Address(name)
    except ValueError:
        pass
    bare = name.rstrip(".")
    if not _NUMERIC_LABEL.fullmatch(bare.rsplit(".", 1)[-1]):
        return None
    try:
        return ipaddress.IPv4Address(socket.inet_aton(bare))
    except OSError:
        raise FetchError(Kind.BAD_URL, f"{name!r} is not a valid IPv4 address") from None


def _is_allowed(name: str, port: int) -> bool:
    entries = settings.INGEST_ALLOWED_HOSTS
    if isinstance(entries, str):
        entries = entries.split(",")
    allowed = {entry.strip().lower() for entry in entries if entry.strip()}
    host = f"[{name}]" if ":" in name else name
    return bool(allowed & {name, host, f"{host}:{port}"})


def _resolve(name: str, port: int) -> list[IPAddress]:
    try:
        infos = socket.getaddrinfo(name, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError):
        raise FetchError(Kind.CONNECTION, f"Could not find the address of {name}") from None
    addresses: list[IPAddress] = []
    for family, _, _, _, sockaddr in infos:
        if family in (socket.AF_INET, socket.AF_INET6):
            ip = ipaddress.ip_address(sockaddr[0])
            if ip not in addresses:
                addresses.append(ip)
    if not addresses:
        raise FetchError(Kind.CONNECTION, f"Could not find the address of {name}")
    return addresses


def resolve_and_check(host: str, port: int) -> list[IPAddress]:
    """The addresses to connect to for host:port, every one checked; raises FetchError before any connection.

    Numeric hosts (in any notation) are read without a lookup. Unless host or host:port is in
    INGEST_ALLOWED_HOSTS, every resolved address must be public, and an IPv4 address must be written the
    ordinary way (dotted decimal).
    """
    name = _normalize_host(host)
    literal = _ip_literal(name)
    addresses = [literal] if literal is not None else _resolve(name, port)
    if _is_allowed(name, port):
        return addresses
    for ip in addresses:
        reason = _blocked_reason(ip)
        if reason is None:
            continue
        if literal is None:
            raise FetchError(Kind.BLOCKED, f"Refused: {name} resolves to {ip}, {reason}")
        if str(ip) != name:
            raise FetchError(Kind.BLOCKED, f"Refused: {name} stands for {ip}, {reason}")
        raise FetchError(Kind.BLOCKED, f"Refused: {ip} is {reason}")
    if isinstance(literal, ipaddress.IPv4Address) and str(literal) != name:
        raise FetchError(Kind.BLOCKED, f"Refused: {name} is an unusual way of writing {literal}")
    return addresses


_PATH_SAFE = "/%:@!$&'()*+,;=-._~"
_QUERY_SAFE = _PATH_SAFE + "?"


@dataclass(frozen=True)
class _Target:
    url: str
    scheme: str
    host: str
    port: int
    path: str  # the request target: path and query, percent-encoded

    @property
    def host_header(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        default = 443 if self.scheme == "https" else 80
        return host if self.port == default else f"{host}:{self.port}"

    @property
    def key(self) -> tuple[str, str, int, str]:
        return (self.scheme, self.host, self.port, self.path)


def _parse_target(url: str) -> _Target:
    url = url.strip()
    limit = settings.INGEST_MAX_URL_LENGTH
    if len(url) > limit:
        raise FetchError(Kind.BAD_URL, f"The address is {len(url)} characters long; the limit is {limit}", url=url)
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        raise FetchError(Kind.BAD_URL, "The address is not a valid web address", url=url) from None
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https"):
        shown = f"a {scheme}: address" if scheme else "an address without http:// or https://"
        raise FetchError(Kind.BAD_URL, f"Only http and https addresses can be fetched, not {shown}", url=url)
    if parts.username is not None or parts.password is not None:
        raise FetchError(Kind.BAD_URL, "Addresses with a user name or password are not supported", url=url)
    if not parts.hostname:
        raise FetchError(Kind.BAD_URL, "The address has no host name", url=url)
    if port == 0:
        raise FetchError(Kind.BAD_URL, "Port 0 cannot be fetched", url=url)
    try:
        host = _normalize_host(parts.hostname)
    except FetchError as error:
        error.url = url
        raise
    path = quote(parts.path or "/", safe=_PATH_SAFE)
    if parts.query:
        path += "?" + quote(parts.query, safe=_QUERY_SAFE)
    return _Target(
        url=parts._replace(fragment="").geturl(),
        scheme=scheme,
        host=host,
        port=port or (443 if scheme == "https" else 80),
        path=path,
    )


class _Deadline:
    """The wall-clock limit of one fetch. A timer shuts the watched sockets down when it passes, so no
    blocking read (a slow header, a trickling body) outlives it."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.expires_at = time.monotonic() + seconds
        self._lock = threading.Lock()
        self._sockets: list[socket.socket] = []
        self._fired = False
        self._timer = threading.Timer(max(seconds, 0.0), self._expire)
        self._timer.daemon = True
        self._timer.start()

    def remaining(self) -> float:
        return self.expires_at - time.monotonic()

    @property
    def expired(self) -> bool:
        return self._fired or self.remaining() <= 0

    def watch(self, sock: socket.socket) -> None:
        with self._lock:
            if self._fired:
                _shutdown(sock)
            else:
                self._sockets.append(sock)

    def forget(self) -> None:
        """Stop watching: called before the sockets are closed, so the timer never touches a reused descriptor."""
        with self._lock:
            self._sockets.clear()

    def cancel(self) -> None:
        self._timer.cancel()
        self.forget()

    def _expire(self) -> None:
        with self._lock:
            self._fired = True
            for sock in self._sockets:
                _shutdown(sock)
            self._sockets.clear()


def _shutdown(sock: socket.socket) -> None:
    # socket.socket's own shutdown, not SSLSocket's, which would drop its TLS state under a reading thread.
    with suppress(OSError):
        socket.socket.shutdown(sock, socket.SHUT_RDWR)


class _DeadlineConnectionMixin:
    def __init__(self, *args, deadline: _Deadline, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._deadline = deadline

    def connect(self) -> None:
        super().connect()
        self._deadline.watch(self.sock)


class _HTTPConnection(_DeadlineConnectionMixin, urllib3.connection.HTTPConnection):
    pass


class _HTTPSConnection(_DeadlineConnectionMixin, urllib3.connection.HTTPSConnection):
    pass


class _HTTPPool(urllib3.HTTPConnectionPool):
    ConnectionCls = _HTTPConnection


class _HTTPSPool(urllib3.HTTPSConnectionPool):
    ConnectionCls = _HTTPSConnection


def _pool(target: _Target, ip: IPAddress, timeout: urllib3.Timeout, deadline: _Deadline) -> urllib3.HTTPConnectionPool:
    """A one-connection pool to the checked address itself; TLS still verifies the certificate for the name."""
    options = {"host": str(ip), "port": target.port, "timeout": timeout, "maxsize": 1, "retries": False}
    if target.scheme == "http":
        return _HTTPPool(**options, deadline=deadline)
    is_literal = ":" in target.host or target.host == str(ip)
    return _HTTPSPool(
        **options,
        cert_reqs="CERT_REQUIRED",
        assert_hostname=target.host,
        server_hostname=None if is_literal else target.host,
        deadline=deadline,
    )


@contextmanager
def _open(target: _Target, addresses: list[IPAddress], headers: dict[str, str], deadline: _Deadline):
    """Send the request to the first reachable of the checked addresses; yield the response, its body unread."""
    last_error: Exception | None = None
    for ip in addresses:
        remaining = max(deadline.remaining(), 0.001)
        timeout = urllib3.Timeout(
            connect=min(settings.INGEST_CONNECT_TIMEOUT, remaining), read=min(settings.INGEST_READ_TIMEOUT, remaining)
        )
        pool = _pool(target, ip, timeout, deadline)
        try:
            response = pool.urlopen(
                "GET",
                target.path,
                headers=headers,
                retries=False,
                redirect=False,
                assert_same_host=False,
                preload_content=False,
                decode_content=False,
            )
        except (NewConnectionError, ConnectTimeoutError) as error:  # nothing was sent: try the next address
            deadline.forget()
            pool.close()
            last_error = error
            continue
        except BaseException:
            deadline.forget()
            pool.close()
            raise
        try:
            yield response
        finally:
            deadline.forget()
            response.close()
            pool.close()
        return
    raise last_error or FetchError(Kind.CONNECTION, f"Could not connect to {target.host}", url=target.url)


def _size(count: int) -> str:
    if count >= 1024 * 1024:
        return f"{count / (1024 * 1024):.1f} MB"
    if count >= 1024:
        return f"{count / 1024:.0f} KB"
    return f"{count} bytes"


class _Decoder:
    """Incremental Content-Encoding decoding that never produces more than it is asked for."""

    def __init__(self, encoding: str, *, status: int) -> None:
        encoding = encoding.strip().lower()
        if encoding in ("", "identity"):
            self.wbits = None
        elif encoding in ("gzip", "x-gzip"):
            self.wbits = 16 + zlib.MAX_WBITS
        elif encoding == "deflate":
            self.wbits = 0  # zlib-wrapped or raw: decided on the first bytes
        else:
            raise FetchError(
                Kind.HTTP_ERROR,
                f"The server used a compression this fetcher does not accept ({encoding})",
                status=status,
            )
        self._inflater = None

    def decode(self, data: bytes, room: int) -> bytes:
        """Decode data, stopping once the output reaches room bytes (room >= 1)."""
        if self.wbits is None:
            return data
        if self._inflater is None:
            if self.wbits == 0:
                zlib_wrapped = len(data) >= 2 and data[0] & 0x0F == 8 and (data[0] << 8 | data[1]) % 31 == 0
                self.wbits = zlib.MAX_WBITS if zlib_wrapped else -zlib.MAX_WBITS
            self._inflater = zlib.decompressobj(self.wbits)
        out = bytearray()
        while data:
            out += self._inflater.decompress(data, room - len(out))
            if len(out) >= room:
                break
            if self._inflater.eof:
                data = self._inflater.unused_data
                if not (data and self.wbits > zlib.MAX_WBITS):  # only gzip may have several members
                    break
                self._inflater = zlib.decompressobj(self.wbits)
            else:
                data = self._inflater.unconsumed_tail
        return bytes(out)

    @property
    def complete(self) -> bool:
        return self._inflater is None or self._inflater.eof


def _read_body(
    response: urllib3.BaseHTTPResponse, target: _Target, limit: int, deadline: _Deadline
) -> tuple[bytes, int]:
    declared = response.headers.get("Content-Length", "").strip()
    if declared.isdigit() and int(declared) > limit:
        raise FetchError(
            Kind.TOO_LARGE,
            f"Too large: the response is {_size(int(declared))}; the limit is {_size(limit)}",
            url=target.url,
            status=response.status,
        )
    decoder = _Decoder(response.headers.get("Content-Encoding", ""), status=response.status)
    body = bytearray()
    wire = 0
    while True:
        if deadline.expired:
            raise _total_timeout(target, deadline)
        chunk = response.read(READ_SIZE, decode_content=False)
        if not chunk:
            break
        wire += len(chunk)
        if wire > limit:
            raise FetchError(
                Kind.TOO_LARGE,
                f"Too large: the response is over {_size(limit)}",
                url=target.url,
                status=response.status,
            )
        try:
            body += decoder.decode(chunk, limit - len(body) + 1)
        except zlib.error:
            raise FetchError(
                Kind.CONNECTION, "The server sent a corrupt compressed response", url=target.url, status=response.status
            ) from None
        if len(body) > limit:
            raise FetchError(
                Kind.TOO_LARGE,
                f"Too large: the response is over {_size(limit)} once decompressed",
                url=target.url,
                status=response.status,
            )
    if deadline.expired:
        raise _total_timeout(target, deadline)
    if not decoder.complete:
        raise FetchError(Kind.CONNECTION, "The compressed response was cut off", url=target.url, status=response.status)
    return bytes(body), wire


def parse_retry_after(value: str | None) -> float | None:
    """Seconds to wait, from a Retry-After header in seconds or as an HTTP date; None if absent or unreadable."""
    value = (value or "").strip()
    if not value:
        return None
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, when.timestamp() - time.time())


def _total_timeout(target: _Target, deadline: _Deadline) -> FetchError:
    return FetchError(
        Kind.TIMEOUT, f"Timed out: fetching took longer than the {deadline.seconds:g}-second limit", url=target.url
    )


def _transport_error(error: Exception, target: _Target, deadline: _Deadline) -> FetchError:
    if deadline.expired:
        return _total_timeout(target, deadline)
    if isinstance(error, NewConnectionError):  # a subclass of ConnectTimeoutError, for history's sake
        return FetchError(Kind.CONNECTION, f"Could not connect to {target.host}", url=target.url)
    if isinstance(error, ConnectTimeoutError):
        seconds = settings.INGEST_CONNECT_TIMEOUT
        return FetchError(Kind.TIMEOUT, f"Timed out: could not connect to {target.host} in {seconds:g} seconds")
    if isinstance(error, Urllib3Timeout | TimeoutError):
        seconds = settings.INGEST_READ_TIMEOUT
        return FetchError(
            Kind.TIMEOUT, f"Timed out: {target.host} sent nothing for {seconds:g} seconds", url=target.url
        )
    if isinstance(error, SSLError):
        return FetchError(
            Kind.CONNECTION, f"Could not make a secure connection to {target.host} (certificate or TLS problem)"
        )
    return FetchError(Kind.CONNECTION, f"The connection to {target.host} failed while reading", url=target.url)


def _http_error(response: urllib3.BaseHTTPResponse, target: _Target) -> FetchError:
    status = response.status
    try:
        phrase = http.HTTPStatus(status).phrase
    except ValueError:
        phrase = ""
    retry_after = parse_retry_after(response.headers.get("Retry-After")) if status in RETRY_AFTER_STATUSES else None
    message = f"The server answered {status} {phrase}".rstrip()
    if retry_after is not None:
        message += f" and asked us to wait {retry_after:.0f} seconds"
    return FetchError(Kind.HTTP_ERROR, message, url=target.url, status=status, retry_after=retry_after)


def _header_text(value: str) -> str:
    """A header as sent: http.client reads headers as Latin-1, but servers send UTF-8 URLs in Location."""
    try:
        return value.encode("latin-1").decode("utf-8")
    except UnicodeError:
        return value


def _redirected(error: FetchError, source: str) -> FetchError:
    """The error of a redirect's target, saying where the redirect came from."""
    error.message = f"{error.message} (a redirect from {source})"
    error.args = (error.message,)
    return error


def _content_type(value: str) -> tuple[str, str | None]:
    media_type, _, params = value.partition(";")
    charset = None
    for param in params.split(";"):
        name, _, param_value = param.partition("=")
        if name.strip().lower() == "charset":
            charset = param_value.strip().strip("\"'").lower() or None
    return media_type.strip().lower(), charset


def fetch(
    url: str,
    *,
    etag: str = "",
    last_modified: str = "",
    accept: str = DEFAULT_ACCEPT,
    max_bytes: int | None = None,
) -> FetchResult:
    """GET url within the safety limits; a 2xx or 304 result, or FetchError saying plainly what went wrong.

    etag and last_modified, when given, make the first request conditional (If-None-Match,
    If-Modified-Since); a 304 result keeps them unless the server sends new ones.
    """
    started = time.monotonic()
    limit = settings.INGEST_MAX_BYTES if max_bytes is None else max_bytes
    max_redirects = settings.INGEST_MAX_REDIRECTS
    target = _parse_target(url)
    redirects: list[str] = []
    seen = {target.key}
    deadline = _Deadline(settings.INGEST_TOTAL_TIMEOUT)
    try:
        while True:
            if deadline.expired:
                raise _total_timeout(target, deadline)
            headers = {
                "Host": target.host_header,
                "User-Agent": settings.INGEST_USER_AGENT,
                "Accept": accept,
                "Accept-Encoding": "gzip, deflate",
                "Connection": "close",
            }
            if not redirects and etag:
                headers["If-None-Match"] = etag
            if not redirects and last_modified:
                headers["If-Modified-Since"] = last_modified
            try:
                addresses = resolve_and_check(target.host, target.port)
            except FetchError as error:
                raise _redirected(error, redirects[-1]) if redirects else error from None
            try:
                with _open(target, addresses, headers, deadline) as response:
                    status = response.status
                    if status in REDIRECT_STATUSES:
                        location = _header_text(response.headers.get("Location", "")).strip()
                        if not location:
                            raise FetchError(
                                Kind.HTTP_ERROR,
                                f"The server answered {status} (a redirect) without saying where to",
                                url=target.url,
                                status=status,
                            )
                        try:
                            next_target = _parse_target(urljoin(target.url, location))
                        except FetchError as error:
                            raise _redirected(error, target.url) from None
                        if next_target.key in seen:
                            raise FetchError(
                                Kind.TOO_MANY_REDIRECTS,
                                f"Redirect loop: {target.url} redirects back to {next_target.url}",
                                url=target.url,
                                status=status,
                            )
                        if len(redirects) >= max_redirects:
                            raise FetchError(
                                Kind.TOO_MANY_REDIRECTS,
                                f"Too many redirects: more than {max_redirects}",
                                url=target.url,
                                status=status,
                            )
                        redirects.append(target.url)
                        seen.add(next_target.key)
                        target = next_target
                        continue
                    if status == 304:
                        body, wire = b"", 0
                    elif 200 <= status < 300:
                        body, wire = _read_body(response, target, limit, deadline)
                    else:
                        raise _http_error(response, target)
                    response_headers = {name.lower(): response.headers[name] for name in response.headers}
            except (Urllib3Error, OSError) as error:
                raise _transport_error(error, target, deadline) from error
            content_type, charset = _content_type(response_headers.get("content-type", ""))
            fallback_etag, fallback_modified = (etag, last_modified) if status == 304 else ("", "")
            return FetchResult(
                url=target.url,
                status=status,
                headers=response_headers,
                body=body,
                etag=response_headers.get("etag", fallback_etag),
                last_modified=response_headers.get("last-modified", fallback_modified),
                content_type=content_type,
                charset=charset,
                redirects=tuple(redirects),
                elapsed=time.monotonic() - started,
                compressed_bytes=wire,
            )
    except FetchError as error:
        error.url = error.url or target.url
        raise
    finally:
        deadline.cancel()
