"""The fetcher against a real local server: conditional GET, redirects, limits, timeouts; and the politeness gate."""

import datetime
import gzip
import os
import socket
import threading
import time
import tracemalloc
import uuid
import zlib
from email.utils import format_datetime

import pytest
import redis
from django.utils import timezone

from news.pipeline import politeness
from news.pipeline.http import FetchError, fetch, parse_retry_after
from news.pipeline.politeness import HostBusy, defer_host, host_slot
from tests.news.http_server import TEST_CA_PEM, LocalHTTPServer, gzip_bomb
from tests.services import PrivateRedis

USER_AGENT = "CeasefireTracker-test/1.0 (+https://tracker.example/about)"


@pytest.fixture(autouse=True)
def fast_limits(settings):
    settings.INGEST_USER_AGENT = USER_AGENT
    settings.INGEST_CONNECT_TIMEOUT = 1.0
    settings.INGEST_READ_TIMEOUT = 0.5
    settings.INGEST_TOTAL_TIMEOUT = 1.5
    settings.INGEST_MAX_BYTES = 1024 * 1024
    settings.INGEST_MAX_REDIRECTS = 3
    settings.INGEST_MAX_URL_LENGTH = 2000
    settings.INGEST_HOST_MIN_GAP = 0.3


def fetch_error(url: str, **kwargs) -> FetchError:
    with pytest.raises(FetchError) as caught:
        fetch(url, **kwargs)
    return caught.value


# Plain fetches


def test_a_plain_fetch_sends_an_honest_user_agent_and_returns_the_body(http_server):
    url = http_server.route(
        "/feed.xml", body=b"<rss>ok</rss>", headers={"Content-Type": "application/rss+xml; charset=ISO-8859-1"}
    )
    result = fetch(url)
    assert (result.status, result.body, result.url, result.redirects) == (200, b"<rss>ok</rss>", url, ())
    assert (result.content_type, result.charset) == ("application/rss+xml", "iso-8859-1")
    assert result.headers["content-type"] == "application/rss+xml; charset=ISO-8859-1"
    assert result.compressed_bytes == len(b"<rss>ok</rss>") and not result.not_modified
    (request,) = http_server.requests
    assert (request.method, request.path) == ("GET", "/feed.xml")
    assert request.headers["User-Agent"] == USER_AGENT
    assert request.headers["Host"] == http_server.host
    assert request.headers["Accept-Encoding"] == "gzip, deflate"
    assert "If-None-Match" not in request.headers and "If-Modified-Since" not in request.headers


def test_no_charset_and_a_custom_accept_header(http_server):
    url = http_server.route("/page", body=b"<p>hi</p>", headers={"Content-Type": "text/html"})
    result = fetch(url, accept="text/html")
    assert (result.content_type, result.charset) == ("text/html", None)
    assert http_server.requests[0].headers["Accept"] == "text/html"


def test_a_gzip_body_is_decompressed(http_server):
    text = b"<rss>" + b"truce " * 5000 + b"</rss>"
    url = http_server.route("/feed.xml", body=text, gzip=True)
    result = fetch(url)
    assert result.body == text
    assert result.headers["content-encoding"] == "gzip"
    assert result.compressed_bytes < len(text) // 10


@pytest.mark.parametrize("wrapped", [True, False], ids=["zlib", "raw"])
def test_a_deflate_body_is_decompressed_whether_zlib_wrapped_or_raw(http_server, wrapped):
    text = b"ceasefire " * 1000
    compressor = zlib.compressobj(wbits=zlib.MAX_WBITS if wrapped else -zlib.MAX_WBITS)
    url = http_server.route(
        "/d", body=compressor.compress(text) + compressor.flush(), headers={"Content-Encoding": "deflate"}
    )
    assert fetch(url).body == text


def test_a_truncated_gzip_body_is_an_error(http_server):
    url = http_server.route("/cut", body=gzip.compress(os.urandom(5000))[:-100], headers={"Content-Encoding": "gzip"})
    assert fetch_error(url).kind == "connection"


def test_an_unsupported_content_encoding_is_an_error(http_server):
    url = http_server.route("/br", body=b"\x0b\x02\x80hi\x03", headers={"Content-Encoding": "br"})
    error = fetch_error(url)
    assert (error.kind, error.status) == ("http_error", 200)
    assert "br" in str(error)


# Conditional GET


def test_etag_and_last_modified_are_sent_back_and_a_304_keeps_them(http_server):
    modified = "Mon, 07 Jul 2025 10:00:00 GMT"
    url = http_server.route("/feed.xml", body=b"<rss/>", etag='"v1"', last_modified=modified)
    first = fetch(url)
    assert (first.status, first.etag, first.last_modified) == (200, '"v1"', modified)

    second = fetch(url, etag=first.etag, last_modified=first.last_modified)
    assert second.not_modified and second.status == 304
    assert (second.body, second.etag, second.last_modified) == (b"", '"v1"', modified)
    conditional = http_server.requests[-1].headers
    assert (conditional["If-None-Match"], conditional["If-Modified-Since"]) == ('"v1"', modified)


def test_a_304_without_validators_keeps_the_ones_sent(http_server):
    url = http_server.route("/feed.xml", status=304)
    result = fetch(url, etag='"v1"', last_modified="Mon, 07 Jul 2025 10:00:00 GMT")
    assert (result.status, result.etag, result.last_modified) == (304, '"v1"', "Mon, 07 Jul 2025 10:00:00 GMT")


def test_if_modified_since_alone_gets_a_304(http_server):
    url = http_server.route("/feed.xml", body=b"<rss/>", last_modified="Mon, 07 Jul 2025 10:00:00 GMT")
    assert fetch(url, last_modified="Tue, 08 Jul 2025 10:00:00 GMT").status == 304
    assert fetch(url, last_modified="Sun, 06 Jul 2025 10:00:00 GMT").status == 200


def test_a_changed_etag_gets_the_new_body(http_server):
    url = http_server.route("/feed.xml", body=b"<rss>new</rss>", etag="v2")
    result = fetch(url, etag='"v1"')
    assert (result.status, result.body, result.etag) == (200, b"<rss>new</rss>", '"v2"')


# Redirects


def test_a_permanent_redirect_is_followed_to_the_final_url(http_server):
    final = http_server.route("/new.xml", body=b"<rss/>")
    old = http_server.redirect("/old.xml", "/new.xml", status=301)
    result = fetch(old, etag='"v1"')
    assert (result.status, result.url, result.redirects) == (200, final, (old,))
    assert [r.path for r in http_server.requests] == ["/old.xml", "/new.xml"]
    # The validators belong to the first URL only.
    assert "If-None-Match" not in http_server.requests[1].headers


def test_relative_and_absolute_locations_and_every_redirect_status(http_server):
    final = http_server.route("/feeds/final.xml", body=b"<rss/>")
    http_server.redirect("/a", "feeds/b", status=302)  # relative to /a
    http_server.redirect("/feeds/b", "/feeds/c", status=303)
    http_server.redirect("/feeds/c", http_server.url("/feeds/final.xml"), status=307)
    result = fetch(http_server.url("/a"))
    assert (result.url, len(result.redirects)) == (final, 3)


def test_a_utf8_location_is_followed(http_server):
    final = http_server.route("/%D8%A3%D8%AE%D8%A8%D8%A7%D8%B1", body=b"ok")
    http_server.redirect("/r", "/أخبار".encode().decode("latin-1"))  # raw UTF-8 bytes on the wire
    assert fetch(http_server.url("/r")).url == http_server.url("/أخبار")
    assert http_server.requests[-1].path == final.removeprefix(http_server.url(""))


def test_a_redirect_loop_is_stopped(http_server):
    http_server.redirect("/a", "/b")
    http_server.redirect("/b", "/a")
    error = fetch_error(http_server.url("/a"))
    assert error.kind == "too_many_redirects" and "loop" in str(error)
    assert [r.path for r in http_server.requests] == ["/a", "/b"]


def test_too_many_redirects(http_server, settings):
    for hop in range(settings.INGEST_MAX_REDIRECTS + 1):
        http_server.redirect(f"/{hop}", f"/{hop + 1}", status=308)
    http_server.route(f"/{settings.INGEST_MAX_REDIRECTS + 1}", body=b"too far")
    error = fetch_error(http_server.url("/0"))
    assert error.kind == "too_many_redirects" and error.status == 308
    assert len(http_server.requests) == settings.INGEST_MAX_REDIRECTS + 1
    # One hop fewer is fine.
    assert fetch(http_server.url("/1")).body == b"too far"


def test_a_redirect_without_location_is_an_error(http_server):
    url = http_server.route("/r", status=302)
    assert (fetch_error(url).kind, fetch_error(url).status) == ("http_error", 302)


@pytest.mark.parametrize(
    "location",
    ["http://10.0.0.1/feed.xml", "http://169.254.169.254/latest/meta-data", "http://[::1]:80/", "http://0x7f.1/"],
)
def test_a_redirect_to_a_blocked_address_is_refused_before_connecting(http_server, network_guard, location):
    http_server.redirect("/r", location)
    error = fetch_error(http_server.url("/r"))
    assert error.kind == "blocked"
    assert error.url == location
    assert str(error).startswith("Refused: ") and str(error).endswith(f"(a redirect from {http_server.url('/r')})")
    assert [r.path for r in http_server.requests] == ["/r"]
    # One connection, to the local server; none was even attempted to the redirect's target.
    assert network_guard.connects == [("127.0.0.1", http_server.port)]


def test_a_redirect_to_another_port_of_the_allowed_host_is_refused(http_server, network_guard):
    http_server.redirect("/r", f"http://127.0.0.1:{http_server.port + 1}/")
    assert fetch_error(http_server.url("/r")).kind == "blocked"
    assert network_guard.connects == [("127.0.0.1", http_server.port)]


def test_a_redirect_to_another_scheme_is_refused(http_server):
    http_server.redirect("/r", "file:///etc/passwd")
    error = fetch_error(http_server.url("/r"))
    assert error.kind == "bad_url" and "a redirect from" in str(error)
    assert len(http_server.requests) == 1


# URLs


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "ftp://ftp.example.org/feed.xml",
        "gopher://127.0.0.1:70/_",
        "javascript:alert(1)",
        "data:text/plain,hello",
        "feed.xml",
        "http://",
        "http://user:secret@news.example/feed.xml",
        "http://news.example:0/",
        "http://news.example:99999/",
        "http://exa mple.org/",
        "http://[::1/",
        "http://1.2.3.4.5/",
    ],
)
def test_urls_that_are_not_plain_web_addresses_are_refused(network_guard, url):
    error = fetch_error(url)
    assert error.kind == "bad_url", error
    assert network_guard.connects == [] and network_guard.lookups == []


def test_an_over_long_url_is_refused(http_server, settings):
    url = http_server.url("/?q=" + "a" * settings.INGEST_MAX_URL_LENGTH)
    error = fetch_error(url)
    assert error.kind == "bad_url" and "characters" in str(error)
    assert http_server.requests == []


def test_unicode_paths_are_percent_encoded(http_server):
    http_server.route("/%D8%A3%D8%AE%D8%A8%D8%A7%D8%B1?q=%D9%87%D8%AF%D9%86%D8%A9", body=b"ok")
    assert fetch(http_server.url("/أخبار?q=هدنة#top")).body == b"ok"


# HTTPS: the connection goes to the checked address, the certificate is verified for the name


@pytest.fixture
def https_server(settings, network_guard, tmp_path, monkeypatch):
    trusted = tmp_path / "ca.pem"
    trusted.write_text(TEST_CA_PEM)
    monkeypatch.setenv("SSL_CERT_FILE", str(trusted))  # OpenSSL's default trust store, read at each connection
    with LocalHTTPServer(tls=True) as server:
        settings.INGEST_ALLOWED_HOSTS = [f"localhost:{server.port}", server.host]
        yield server


def test_https_connects_to_the_resolved_address_and_verifies_the_certificate_for_the_name(https_server, network_guard):
    https_server.route("/feed.xml", body=b"<rss>secure</rss>")
    result = fetch(f"https://localhost:{https_server.port}/feed.xml")
    assert result.body == b"<rss>secure</rss>"
    assert https_server.requests[0].headers["Host"] == f"localhost:{https_server.port}"
    # The name was resolved once, by the guard; the connection went to the address it checked.
    assert network_guard.lookups.count("localhost") == 1
    assert {host for host, _ in network_guard.connects} <= {"127.0.0.1", "::1"}


def test_https_refuses_a_certificate_for_another_name(https_server):
    https_server.route("/feed.xml", body=b"<rss/>")
    error = fetch_error(https_server.url("/feed.xml"))  # https://127.0.0.1:<port>: the certificate names localhost
    assert error.kind == "connection" and "secure connection" in str(error)
    assert https_server.requests == []


def test_https_refuses_an_untrusted_certificate(https_server, monkeypatch, tmp_path):
    monkeypatch.setenv("SSL_CERT_FILE", str(tmp_path / "no-such-file.pem"))
    https_server.route("/feed.xml", body=b"<rss/>")
    error = fetch_error(f"https://localhost:{https_server.port}/feed.xml")
    assert error.kind == "connection"
    assert https_server.requests == []


# Size caps


def test_a_body_over_the_cap_with_content_length_is_refused_before_reading(http_server):
    url = http_server.route("/big", body=b"x" * 5000)
    error = fetch_error(url, max_bytes=4999)
    assert error.kind == "too_large" and error.status == 200
    assert fetch(url, max_bytes=5000).body == b"x" * 5000


def test_a_streamed_body_over_the_cap_is_cut(http_server, settings):
    produced = []

    def endless():
        while True:
            produced.append(64 * 1024)
            yield b"x" * (64 * 1024)

    url = http_server.route("/endless", body=endless)
    error = fetch_error(url)
    assert error.kind == "too_large"
    assert http_server.requests[0].headers.get("Accept-Encoding") == "gzip, deflate"
    # The server could write only what the socket buffers took before the fetcher hung up.
    assert sum(produced) < 64 * settings.INGEST_MAX_BYTES


def test_compressed_bytes_over_the_cap_are_refused_even_if_they_would_shrink(http_server):
    incompressible = os.urandom(100_000)
    compressed = gzip.compress(incompressible)
    assert len(compressed) > len(incompressible)
    url = http_server.route("/noise", body=compressed, headers={"Content-Encoding": "gzip"}, chunked=True)
    error = fetch_error(url, max_bytes=len(incompressible) + 1)
    assert error.kind == "too_large" and "decompressed" not in str(error)
    assert fetch(url, max_bytes=len(compressed)).body == incompressible


def test_the_gzip_bomb_helper_makes_a_real_bomb():
    assert gzip.decompress(gzip_bomb(3 * 1024 * 1024 + 7)) == bytes(3 * 1024 * 1024 + 7)
    assert len(gzip_bomb(2**30)) < 2 * 1024 * 1024


@pytest.mark.parametrize("chunked", [False, True], ids=["content-length", "chunked"])
def test_a_gzip_bomb_is_stopped_quickly_with_little_memory(http_server, settings, chunked):
    bomb = gzip_bomb(2**30)  # about 1 MiB that inflates to 1 GiB of zeros
    settings.INGEST_MAX_BYTES = 2 * 1024 * 1024
    url = http_server.route("/bomb", body=bomb, headers={"Content-Encoding": "gzip"}, chunked=chunked)
    tracemalloc.start()
    started = time.monotonic()
    try:
        error = fetch_error(url)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert error.kind == "too_large" and "decompressed" in str(error)
    assert time.monotonic() - started < 1.0
    assert peak < 20 * 1024 * 1024


# Timeouts and HTTP errors


def test_slow_headers_time_out(http_server, settings):
    url = http_server.route("/slow", body=b"late", delay=3)
    started = time.monotonic()
    error = fetch_error(url)
    assert error.kind == "timeout"
    assert settings.INGEST_READ_TIMEOUT <= time.monotonic() - started < 1.0


def test_a_trickling_body_is_cut_at_the_total_deadline(http_server, settings):
    # One byte every 0.2 s never trips the 0.5 s read timeout; the 1.5 s total deadline stops it.
    url = http_server.route("/trickle", body=b"x" * 100, chunk_size=1, chunk_delay=0.2)
    started = time.monotonic()
    error = fetch_error(url)
    assert error.kind == "timeout" and "1.5-second" in str(error)
    assert settings.INGEST_TOTAL_TIMEOUT <= time.monotonic() - started < settings.INGEST_TOTAL_TIMEOUT + 0.4


def test_the_deadline_also_cuts_a_read_blocked_inside_the_read_timeout(http_server, settings):
    # Pauses of 0.9 s, inside a 1 s read timeout: without the deadline's timer this fetch would take ~2.7 s.
    settings.INGEST_READ_TIMEOUT = 1.0
    url = http_server.route("/pauses", body=b"x" * 4, chunk_size=1, chunk_delay=0.9, chunked=True)
    started = time.monotonic()
    assert fetch_error(url).kind == "timeout"
    assert time.monotonic() - started < settings.INGEST_TOTAL_TIMEOUT + 0.3


def test_the_deadline_covers_all_redirect_hops(http_server, settings):
    http_server.redirect("/a", "/b")
    http_server.route("/b", status=302, headers={"Location": "/c"}, delay=0.4)
    http_server.route("/c", body=b"late", delay=0.4)
    settings.INGEST_TOTAL_TIMEOUT = 0.6
    started = time.monotonic()
    assert fetch_error(http_server.url("/a")).kind == "timeout"
    assert time.monotonic() - started < 0.9


def test_connection_refused_is_a_connection_error(http_server, settings):
    port = unused_port()
    settings.INGEST_ALLOWED_HOSTS = [f"127.0.0.1:{port}"]
    error = fetch_error(f"http://127.0.0.1:{port}/")
    assert error.kind == "connection" and error.status is None


def test_a_404_is_an_http_error(http_server):
    error = fetch_error(http_server.url("/missing"))
    assert (error.kind, error.status, error.retry_after) == ("http_error", 404, None)
    assert str(error) == "The server answered 404 Not Found"


def test_a_429_with_retry_after_in_seconds(http_server):
    url = http_server.route("/feed.xml", status=429, headers={"Retry-After": "120"})
    error = fetch_error(url)
    assert (error.kind, error.status, error.retry_after) == ("http_error", 429, 120.0)


def test_a_503_with_retry_after_as_an_http_date(http_server):
    when = timezone.now() + datetime.timedelta(minutes=10)
    url = http_server.route("/feed.xml", status=503, headers={"Retry-After": format_datetime(when, usegmt=True)})
    error = fetch_error(url)
    assert (error.kind, error.status) == ("http_error", 503)
    assert 590 <= error.retry_after <= 600


def test_retry_after_is_read_only_on_429_and_503(http_server):
    url = http_server.route("/feed.xml", status=500, headers={"Retry-After": "120"})
    assert fetch_error(url).retry_after is None


@pytest.mark.parametrize(
    ("value", "expected"),
    [("0", 0.0), ("  30 ", 30.0), ("Wed, 21 Oct 2015 07:28:00 GMT", 0.0), ("soon", None), ("-5", None), (None, None)],
)
def test_parse_retry_after(value, expected):
    assert parse_retry_after(value) == expected


# Politeness


@pytest.fixture
def host():
    """A host name of its own per test: the gate's state lives in the shared cache (Redis in CI)."""
    return f"{uuid.uuid4().hex}.example"


def test_one_request_at_a_time_per_host(host):
    with host_slot(host), pytest.raises(HostBusy) as busy, host_slot(host, wait=0):
        pass
    assert busy.value.retry_in > 0


def test_a_host_in_use_for_moments_is_waited_for(host, settings):
    """Another process's request ends soon: wait for it (up to INGEST_HOST_WAIT) rather than retry later."""
    settings.INGEST_HOST_MIN_GAP = 0
    settings.INGEST_HOST_WAIT = 2.0
    inside, order = threading.Event(), []

    def hold():
        with host_slot(host):
            inside.set()
            time.sleep(0.2)
            order.append("first request done")

    holder = threading.Thread(target=hold)
    holder.start()
    try:
        assert inside.wait(5)
        started = time.monotonic()
        with host_slot(host):
            order.append("second request")
        waited = time.monotonic() - started
    finally:
        holder.join()
    assert order == ["first request done", "second request"]
    assert 0.1 < waited < 1.5


def test_a_host_in_use_for_longer_than_the_wait_is_given_up(host, settings):
    settings.INGEST_HOST_MIN_GAP = 0
    with host_slot(host):
        started = time.monotonic()
        with pytest.raises(HostBusy), host_slot(host, wait=0.3):
            pass
        waited = time.monotonic() - started
    assert 0.3 <= waited < 1.0


def test_a_gap_ending_within_the_wait_is_slept_through_a_longer_one_is_not(host, settings):
    settings.INGEST_HOST_MIN_GAP = 0.2
    with host_slot(host):
        pass
    started = time.monotonic()
    with host_slot(host, wait=1.0):  # the 0.2 s gap passes within the wait
        entered = time.monotonic() - started
    assert 0.1 < entered < 0.9
    settings.INGEST_HOST_MIN_GAP = 30
    with host_slot(host, wait=1.0):
        pass
    started = time.monotonic()
    with pytest.raises(HostBusy) as busy, host_slot(host, wait=1.0):  # 30 s: refused at once, no sleeping
        pass
    assert time.monotonic() - started < 0.3
    assert 29 < busy.value.retry_in <= 30


def test_one_request_at_a_time_per_host_across_threads(host):
    inside, release = threading.Event(), threading.Event()
    outcomes = []

    def hold():
        with host_slot(host):
            inside.set()
            release.wait(5)

    holder = threading.Thread(target=hold)
    holder.start()
    try:
        assert inside.wait(5)
        try:
            with host_slot(host, wait=0):
                outcomes.append("entered")
        except HostBusy:
            outcomes.append("busy")
    finally:
        release.set()
        holder.join()
    assert outcomes == ["busy"]


def test_the_minimum_gap_between_requests(host, settings):
    with host_slot(host):
        pass
    with pytest.raises(HostBusy) as busy, host_slot(host, wait=0):
        pass
    assert 0 < busy.value.retry_in <= settings.INGEST_HOST_MIN_GAP
    time.sleep(busy.value.retry_in + 0.05)
    with host_slot(host):
        pass


def test_the_gap_counts_from_a_failed_request_too(host):
    with pytest.raises(ValueError), host_slot(host):
        raise ValueError("the fetch failed")
    with pytest.raises(HostBusy), host_slot(host, wait=0):
        pass


def test_defer_host_honours_retry_after(host):
    defer_host(host, 120)
    with pytest.raises(HostBusy) as busy, host_slot(host):
        pass
    assert 119 < busy.value.retry_in <= 120
    defer_host(host, 5)  # a shorter deferral never shortens a longer one
    with pytest.raises(HostBusy) as busy, host_slot(host):
        pass
    assert busy.value.retry_in > 119


def test_a_refused_slot_does_not_push_the_host_further_back(host, settings):
    settings.INGEST_HOST_MIN_GAP = 0
    defer_host(host, 0.2)
    with pytest.raises(HostBusy), host_slot(host, wait=0):
        pass
    time.sleep(0.25)
    with host_slot(host):
        pass


def test_hosts_are_independent(host):
    other = f"other-{host}"
    defer_host(host, 120)
    with host_slot(other):
        pass
    with pytest.raises(HostBusy), host_slot(host):
        pass


def test_the_claim_of_a_dead_worker_lapses(host, settings):
    settings.INGEST_TOTAL_TIMEOUT = 0.4  # the claim lasts twice that, rounded up to whole seconds: 1 s
    abandoned = host_slot(host)
    abandoned.__enter__()  # a worker that died holding the host never exits
    with pytest.raises(HostBusy), host_slot(host):
        pass
    time.sleep(1.1)
    with host_slot(host):
        pass


def unused_port() -> int:
    """A loopback port nothing listens on (bound, then closed): connecting to it is refused at once."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_the_gate_lives_where_every_worker_sees_it(host, settings):
    """With Redis (production, CI) a claim is in Redis, seen by any process; otherwise in the process's cache."""
    from django.core.cache import cache

    with host_slot(host):
        if settings.CACHES["default"]["BACKEND"].endswith("RedisCache"):
            other_process = redis.Redis.from_url(settings.CACHES["default"]["LOCATION"])
            assert other_process.get(politeness._key(host, "lock"))  # a separate client sees the claim
        else:
            assert cache.get(politeness._key(host, "lock"))
    with pytest.raises(HostBusy), host_slot(host, wait=0):  # and the gap after it
        pass


def test_a_host_counts_as_busy_while_the_politeness_state_is_unreachable(host, settings, tmp_path):
    """Redis restarting: nobody can tell whether the host is free, so the caller is told to retry later
    (not that the article or the feed failed); a request already under way ends without an error."""
    server = PrivateRedis(tmp_path)
    server.start()
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": server.url}}
    try:
        with host_slot(host):
            server.stop()  # mid-request: its gap afterwards cannot be recorded, and that is all
        with pytest.raises(HostBusy) as busy, host_slot(host, wait=0):
            pass
        assert busy.value.retry_in == politeness.UNREACHABLE_RETRY
        defer_host(host, 30)  # a Retry-After that cannot be recorded is not an error either
        server.start()
        with host_slot(host):  # once it is back, the host is free again
            pass
    finally:
        server.stop()
