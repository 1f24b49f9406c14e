"""The SSRF guard decides on the address before any connection: every form of a non-public address is refused.

These tests never open a connection beyond loopback: `network_guard` records every socket connect and
resolver call and fails the test on any that would leave the machine; most assert there were none at all.
"""

import ipaddress
import socket

import pytest

from news.pipeline.http import FetchError, check_address, fetch, resolve_and_check

# (URL host, what it is). Odd notations are read without a lookup, as browsers read them.
BLOCKED_HOSTS = [
    ("127.0.0.1", "loopback"),
    ("127.1", "loopback, short form"),
    ("0x7f.0.0.1", "loopback, hexadecimal"),
    ("0177.0.0.1", "loopback, octal"),
    ("2130706433", "loopback, one decimal number"),
    ("017700000001", "loopback, one octal number"),
    ("0x7f000001", "loopback, one hexadecimal number"),
    ("127.0.0.1.", "loopback, trailing dot"),
    ("[::1]", "IPv6 loopback"),
    ("[::ffff:7f00:1]", "IPv4-mapped loopback, hexadecimal"),
    ("[0:0:0:0:0:ffff:127.0.0.1]", "IPv4-mapped loopback, long form"),
    ("[::ffff:10.0.0.1]", "IPv4-mapped private"),
    ("[::ffff:169.254.169.254]", "IPv4-mapped metadata service"),
    ("[::127.0.0.1]", "IPv4-compatible loopback (deprecated form)"),
    ("localhost", "loopback by name (/etc/hosts)"),
    ("LOCALHOST", "loopback by name, upper case"),
    ("169.254.169.254", "cloud metadata service"),
    ("0xa9fea9fe", "cloud metadata service, hexadecimal"),
    ("[fe80::1]", "IPv6 link-local"),
    ("[fe80::1%25eth0]", "IPv6 link-local with a zone"),
    ("[fc00::1]", "IPv6 unique-local"),
    ("[fd12:3456::1]", "IPv6 unique-local (fd00::/8)"),
    ("[fec0::1]", "IPv6 site-local (deprecated)"),
    ("[::]", "IPv6 unspecified"),
    ("0.0.0.0", "IPv4 unspecified"),  # noqa: S104
    ("0", "IPv4 unspecified, one number"),
    ("10.0.0.5", "private 10/8"),
    ("172.16.0.1", "private 172.16/12"),
    ("172.31.255.255", "private 172.16/12, top"),
    ("192.168.1.1", "private 192.168/16"),
    ("100.64.0.1", "shared address space (carrier-grade NAT)"),
    ("198.18.0.1", "benchmarking"),
    ("192.0.2.1", "documentation"),
    ("203.0.113.7", "documentation"),
    ("192.0.0.8", "IETF protocol assignments"),
    ("224.0.0.1", "multicast"),
    ("[ff02::1]", "IPv6 multicast"),
    ("255.255.255.255", "broadcast"),
    ("240.0.0.1", "reserved"),
    ("[2001:db8::1]", "IPv6 documentation"),
    ("[64:ff9b::a00:1]", "NAT64 of 10.0.0.1"),
    ("[64:ff9b::7f00:1]", "NAT64 of 127.0.0.1"),
    ("[64:ff9b:1::1]", "local-use NAT64"),
    ("[2002:a00:1::]", "6to4 of 10.0.0.1"),
    ("[2002:7f00:1::1]", "6to4 of 127.0.0.1"),
    ("[2001:0:4136:e378:8000:63bf:3fff:fdd2]", "Teredo"),
    ("[100::1]", "IPv6 discard-only"),
    ("0x08.0x08.0x08.0x08", "a public address in an odd notation"),
]


@pytest.fixture(autouse=True)
def nothing_allowed(settings):
    settings.INGEST_ALLOWED_HOSTS = []


@pytest.mark.parametrize(("host", "what"), BLOCKED_HOSTS, ids=[host for host, _ in BLOCKED_HOSTS])
def test_resolve_and_check_refuses_before_any_connection(network_guard, host, what):
    with pytest.raises(FetchError) as caught:
        resolve_and_check(host, 80)
    assert caught.value.kind == "blocked", what
    assert str(caught.value).startswith("Refused: ")
    assert network_guard.connects == []
    assert set(network_guard.lookups) <= {"localhost"}  # only /etc/hosts is read, and only for that name


@pytest.mark.parametrize(("host", "what"), BLOCKED_HOSTS, ids=[host for host, _ in BLOCKED_HOSTS])
@pytest.mark.parametrize("scheme", ["http", "https"])
def test_fetch_refuses_before_any_connection(network_guard, host, what, scheme):
    with pytest.raises(FetchError) as caught:
        fetch(f"{scheme}://{host}/latest/meta-data")
    assert caught.value.kind == "blocked", what
    assert network_guard.connects == []


def test_the_message_says_what_the_address_is(network_guard):
    messages = {}
    hosts = ("10.0.0.5", "0x7f.1", "localhost", "[::ffff:169.254.169.254]", "169.254.169.254", "[2001:0:4136::1]")
    for host in hosts:
        with pytest.raises(FetchError) as caught:
            resolve_and_check(host, 80)
        messages[host] = str(caught.value)
    assert messages["10.0.0.5"] == "Refused: 10.0.0.5 is a private address"
    assert messages["0x7f.1"] == "Refused: 0x7f.1 stands for 127.0.0.1, a loopback address (this machine)"
    assert messages["localhost"].startswith("Refused: localhost resolves to ")
    assert "IPv4-mapped" in messages["[::ffff:169.254.169.254]"]
    assert "169.254.169.254" in messages["[::ffff:169.254.169.254]"]
    assert "link-local" in messages["169.254.169.254"]
    assert messages["[2001:0:4136::1]"] == "Refused: 2001:0:4136::1 is a Teredo tunnel address"


@pytest.mark.parametrize(
    "address",
    [
        "127.0.0.1",
        "10.1.2.3",
        "169.254.169.254",
        "100.127.255.254",
        "198.19.255.255",
        "0.0.0.0",  # noqa: S104
        "::1",
        "::",
        "::ffff:127.0.0.1",
        "::ffff:8.8.8.8",  # mapped forms are refused whatever they embed
        "fe80::1",
        "fc00::1",
        "ff02::1",
        "64:ff9b::a9fe:a9fe",
        "2002:c0a8:101::1",
        "2001::1",
        "2001:db8::1",
        "3fff::1",
    ],
)
def test_check_address_refuses(address):
    with pytest.raises(FetchError) as caught:
        check_address(ipaddress.ip_address(address))
    assert caught.value.kind == "blocked"


@pytest.mark.parametrize(
    "address",
    [
        "93.184.215.14",
        "8.8.8.8",
        "1.1.1.1",
        "2606:4700:4700::1111",
        "2a00:1450:4001:80e::200e",
        "64:ff9b::808:808",  # NAT64 of a public address
        "2002:808:808::1",  # 6to4 of a public address
    ],
)
def test_check_address_allows_public_addresses(address):
    check_address(ipaddress.ip_address(address))


def test_public_literals_pass_the_check_without_any_lookup(network_guard):
    assert resolve_and_check("93.184.215.14", 443) == [ipaddress.ip_address("93.184.215.14")]
    assert resolve_and_check("[2606:4700:4700::1111]", 443) == [ipaddress.ip_address("2606:4700:4700::1111")]
    assert network_guard.connects == [] and network_guard.lookups == []


def test_an_allowed_host_and_port_passes_and_the_same_host_on_another_port_does_not(http_server, network_guard):
    http_server.route("/ok", body=b"local")
    assert fetch(http_server.url("/ok")).body == b"local"
    assert resolve_and_check("127.0.0.1", http_server.port) == [ipaddress.ip_address("127.0.0.1")]
    connects_so_far = list(network_guard.connects)

    other_port = http_server.port + 1 if http_server.port < 65535 else http_server.port - 1
    with pytest.raises(FetchError) as caught:
        fetch(f"http://127.0.0.1:{other_port}/ok")
    assert caught.value.kind == "blocked"
    with pytest.raises(FetchError) as caught:  # the same server by another name is not the allowed host either
        fetch(f"http://localhost:{http_server.port}/ok")
    assert caught.value.kind == "blocked"
    assert network_guard.connects == connects_so_far
    assert len(http_server.requests) == 1


def test_an_allowed_bare_host_allows_every_port(http_server, settings, network_guard):
    settings.INGEST_ALLOWED_HOSTS = ["LocalHost"]
    http_server.route("/ok", body=b"by name")
    result = fetch(f"http://localhost:{http_server.port}/ok")
    assert result.body == b"by name"
    assert http_server.requests[0].headers["Host"] == f"localhost:{http_server.port}"
    # Resolved once, then connected to the address itself: no second lookup a rebinding DNS could answer.
    assert network_guard.lookups.count("localhost") == 1
    with pytest.raises(FetchError):
        fetch(http_server.url("/ok"))  # 127.0.0.1 itself is not allowed now


def test_the_allow_list_is_read_at_call_time(http_server, settings):
    http_server.route("/ok", body=b"ok")
    settings.INGEST_ALLOWED_HOSTS = []
    with pytest.raises(FetchError):
        fetch(http_server.url("/ok"))
    settings.INGEST_ALLOWED_HOSTS = [http_server.host]
    assert fetch(http_server.url("/ok")).body == b"ok"


def test_the_guard_itself_stops_a_connection_beyond_loopback(network_guard):
    """The safety net of these tests works: a connect to a non-loopback address is stopped before any packet."""
    import socket

    with socket.socket() as sock, pytest.raises(RuntimeError, match="beyond loopback"):
        sock.connect(("192.0.2.1", 9))  # TEST-NET-1: not routed anyway
    assert network_guard.violations == ["socket.connect to 192.0.2.1:9"]
    network_guard.violations.clear()


def test_an_editor_reads_why_an_address_is_refused(network_guard):
    """The refusal names the address and its range, for the embedded address of a mapped one too."""
    with pytest.raises(FetchError) as caught:
        check_address(ipaddress.ip_address("10.1.2.3"))
    assert caught.value.message == "Refused: 10.1.2.3 is a private address"
    with pytest.raises(FetchError) as caught:
        resolve_and_check("[::ffff:10.0.0.1]", 80)
    assert caught.value.message == (
        "Refused: ::ffff:a00:1 is an IPv4-mapped IPv6 address (of 10.0.0.1, a private address)"
    )


def _resolver_answering(monkeypatch, answer):
    """The resolver (the outside world) replaced: `answer` is getaddrinfo's list, or the error it raises."""

    def getaddrinfo(host, port, *args, **kwargs):
        if isinstance(answer, Exception):
            raise answer
        return answer

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)


@pytest.mark.parametrize(
    "answer",
    [
        socket.gaierror(socket.EAI_NONAME, "Name or service not known"),
        [],  # an answer with no address at all
        [(socket.AF_UNIX, socket.SOCK_STREAM, 0, "", "/run/x.sock")],  # nothing an HTTP fetch can use
    ],
    ids=["unknown name", "empty answer", "no IP address"],
)
def test_a_name_without_a_usable_address_is_a_connection_failure(network_guard, monkeypatch, answer):
    _resolver_answering(monkeypatch, answer)
    with pytest.raises(FetchError) as caught:
        fetch("https://news.example/feed.xml")
    assert caught.value.kind == "connection"
    assert caught.value.message == "Could not find the address of news.example"
    assert network_guard.connects == []


@pytest.mark.parametrize(
    ("host", "message"),
    [
        ("[::zz]", "'::zz' is not a valid IPv6 address"),
        ("[::1", "'[::1' is not a valid IPv6 address"),  # an unclosed bracket is no literal
        ("exa mple.org", "'exa mple.org' is not a valid host name"),
        ("a" * 64 + ".org", f"'{'a' * 64}.org' is not a valid host name"),  # a label IDNA refuses
        ("1.2.3.999", "'1.2.3.999' is not a valid IPv4 address"),
    ],
)
def test_a_malformed_host_is_a_bad_address_said_plainly(network_guard, host, message):
    with pytest.raises(FetchError) as caught:
        resolve_and_check(host, 80)
    assert caught.value.kind == "bad_url"
    assert caught.value.message == message
    assert network_guard.connects == [] and network_guard.lookups == []


def test_a_host_name_may_be_253_characters_long_and_no_longer(network_guard, monkeypatch):
    _resolver_answering(monkeypatch, [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("93.184.215.14", 443))])
    longest = ".".join(["a" * 63, "b" * 63, "c" * 63, "d" * 61])
    assert len(longest) == 253
    assert resolve_and_check(longest, 443) == [ipaddress.ip_address("93.184.215.14")]
    too_long = ".".join(["a" * 63, "b" * 63, "c" * 63, "d" * 62])
    with pytest.raises(FetchError) as caught:
        resolve_and_check(too_long, 443)
    assert caught.value.kind == "bad_url"
    assert caught.value.message == f"{too_long!r} is not a valid host name"


def test_the_refusal_says_what_kind_of_address_it_is(network_guard):
    messages = {}
    for host in ("[::8.8.8.8]", "[::ffff:8.8.8.8]"):
        with pytest.raises(FetchError) as caught:
            resolve_and_check(host, 80)
        messages[host] = caught.value.message
    assert messages["[::8.8.8.8]"] == "Refused: ::808:808 is not a public internet address"
    assert messages["[::ffff:8.8.8.8]"] == "Refused: ::ffff:808:808 is an IPv4-mapped IPv6 address (of 8.8.8.8)"


def test_the_allow_list_may_be_one_comma_separated_string(http_server, settings):
    """As the environment gives it (INGEST_ALLOWED_HOSTS=a,b): each entry counts."""
    http_server.route("/ok", body=b"allowed")
    settings.INGEST_ALLOWED_HOSTS = f"feeds.example,{http_server.host}"
    assert fetch(http_server.url("/ok")).body == b"allowed"


def test_an_ipv6_host_is_allowed_in_its_bracketed_form(network_guard, settings):
    settings.INGEST_ALLOWED_HOSTS = ["[::1]"]
    assert resolve_and_check("[::1]", 8000) == [ipaddress.ip_address("::1")]
    assert network_guard.connects == []
