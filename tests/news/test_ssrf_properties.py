"""The SSRF guard over generated addresses (issue 20, point 3): every address in a blocked range is refused in
every way a URL can write it (dotted, one number, octal, hexadecimal, short forms, a trailing dot, IPv4-mapped,
IPv4-compatible, NAT64 and 6to4 IPv6, upper case, a zone), and a name is refused when any one of the addresses
it resolves to is blocked, wherever that address comes in the answer. The decision is taken before any
connection: `network_guard` (tests/news/conftest.py) fails a test on any connect or lookup beyond loopback,
and the tests assert there was none at all.

The resolver is the outside world here: for names it is replaced by a fake answering the drawn addresses.
Bounded and deterministic: derandomized, no deadline, no example database."""

import ipaddress
import socket

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from news.pipeline.http import FetchError, fetch, resolve_and_check

PROPERTY = settings(
    max_examples=200,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)

# The ranges no fetch may reach, written out here from the RFCs (not read from the guard itself).
BLOCKED_V4 = [
    "0.0.0.0/8",  # "this network"
    "10.0.0.0/8",
    "100.64.0.0/10",  # carrier-grade NAT
    "127.0.0.0/8",
    "169.254.0.0/16",  # link-local, cloud metadata
    "172.16.0.0/12",
    "192.0.0.0/24",
    "192.0.2.0/24",
    "192.88.99.0/24",
    "192.168.0.0/16",
    "198.18.0.0/15",
    "198.51.100.0/24",
    "203.0.113.0/24",
    "224.0.0.0/4",
    "240.0.0.0/4",  # reserved, and the broadcast address
]
BLOCKED_V6 = [
    "::/128",
    "::1/128",
    "100::/64",
    "2001::/32",  # Teredo
    "2001:db8::/32",
    "3fff::/20",
    "5f00::/16",
    "64:ff9b:1::/48",
    "fc00::/7",
    "fe80::/10",
    "fec0::/10",
    "ff00::/8",
]
PUBLIC = ["93.184.215.14", "8.8.8.8", "1.1.1.1", "2606:4700:4700::1111", "2a00:1450:4001:80e::200e"]


def _in(network: str):
    net = ipaddress.ip_network(network)
    return st.integers(int(net.network_address), int(net.broadcast_address)).map(
        lambda number: ipaddress.ip_address(number) if net.version == 4 else ipaddress.IPv6Address(number)
    )


blocked_v4 = st.sampled_from(BLOCKED_V4).flatmap(_in)
blocked_v6 = st.sampled_from(BLOCKED_V6).flatmap(_in)


def _number(draw, value: int, width_digits: int = 0) -> str:
    """One part of an IPv4 address in decimal, octal (leading 0) or hexadecimal (0x, either case), zero-padded."""
    base = draw(st.sampled_from(["dec", "oct", "hex", "HEX"]))
    if base == "dec":
        return str(value)
    padding = "0" * draw(st.integers(0, 3))
    if base == "oct":
        return f"0{padding}{value:o}"
    digits = f"{padding}{value:x}"
    return f"0x{digits}" if base == "hex" else f"0X{digits.upper()}"


@st.composite
def ipv4_spellings(draw, addresses=blocked_v4):
    """(URL host, address): an IPv4 address as a URL may write it."""
    ip = draw(addresses)
    number = int(ip)
    octets = [int(part) for part in str(ip).split(".")]
    form = draw(st.sampled_from(["dotted", "one", "two", "three", "mapped", "mapped-hex", "compat", "nat64", "6to4"]))
    if form == "dotted":
        host = ".".join(_number(draw, octet) for octet in octets)
    elif form == "one":
        host = _number(draw, number)
    elif form == "two":
        host = f"{_number(draw, octets[0])}.{_number(draw, number & 0xFFFFFF)}"
    elif form == "three":
        host = f"{_number(draw, octets[0])}.{_number(draw, octets[1])}.{_number(draw, number & 0xFFFF)}"
    elif form == "mapped":
        host = draw(st.sampled_from(["[::ffff:{}]", "[0:0:0:0:0:ffff:{}]", "[::FFFF:{}]"])).format(ip)
    elif form == "mapped-hex":
        host = f"[::ffff:{number >> 16:x}:{number & 0xFFFF:x}]"
    elif form == "compat":
        host = f"[::{ip}]"
    elif form == "nat64":
        host = f"[64:ff9b::{ip}]"
    else:
        host = f"[2002:{number >> 16:x}:{number & 0xFFFF:x}::{draw(st.integers(0, 0xFFFF)):x}]"
    if not host.startswith("[") and draw(st.booleans()):
        host += "."
    return host, ip


@st.composite
def ipv6_spellings(draw):
    ip = draw(blocked_v6)
    form = draw(st.sampled_from(["compressed", "exploded", "upper"]))
    text = {"compressed": ip.compressed, "exploded": ip.exploded, "upper": ip.compressed.upper()}[form]
    if ip in ipaddress.ip_network("fe80::/10") and draw(st.booleans()):
        text += "%25eth0"
    return f"[{text}]", ip


@pytest.fixture(autouse=True)
def nothing_allowed(settings):
    settings.INGEST_ALLOWED_HOSTS = []


def _refused(host: str, port: int = 80) -> FetchError:
    with pytest.raises(FetchError) as caught:
        resolve_and_check(host, port)
    return caught.value


@PROPERTY
@given(st.one_of(ipv4_spellings(), ipv6_spellings()), st.sampled_from([80, 443, 8080]))
def test_every_spelling_of_a_blocked_address_is_refused_without_a_connection(network_guard, spelling, port):
    host, ip = spelling
    error = _refused(host, port)
    assert error.kind == "blocked", (host, ip)
    assert error.message.startswith("Refused: ")
    assert network_guard.connects == [] and network_guard.lookups == []


@PROPERTY
@given(ipv4_spellings(addresses=st.sampled_from(PUBLIC[:3]).map(ipaddress.IPv4Address)))
def test_a_public_ipv4_address_passes_only_when_written_the_ordinary_way(network_guard, spelling):
    host, ip = spelling
    if host == str(ip):
        assert resolve_and_check(host, 443) == [ip]
    elif host.startswith(("[64:ff9b::", "[2002:")):
        # The NAT64 and 6to4 addresses of a public IPv4 address are public IPv6 addresses.
        assert resolve_and_check(host, 443)[0].version == 6
    else:
        assert _refused(host, 443).kind == "blocked", host
    assert network_guard.connects == [] and network_guard.lookups == []


def _fake_resolver(monkeypatch, addresses: list):
    """socket.getaddrinfo answering `addresses` for any name, as a resolver with several records does."""
    calls = []

    def getaddrinfo(host, port, *args, **kwargs):
        calls.append(host)
        return [
            (
                socket.AF_INET6 if ip.version == 6 else socket.AF_INET,
                socket.SOCK_STREAM,
                6,
                "",
                (str(ip), port, 0, 0) if ip.version == 6 else (str(ip), port),
            )
            for ip in addresses
        ]

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    return calls


@PROPERTY
@given(
    st.lists(st.sampled_from(PUBLIC).map(ipaddress.ip_address), min_size=0, max_size=4),
    st.one_of(blocked_v4, blocked_v6),
    st.data(),
)
def test_a_name_is_refused_when_any_of_its_addresses_is_blocked(network_guard, monkeypatch, public, blocked, data):
    position = data.draw(st.integers(0, len(public)))
    answer = [*public[:position], blocked, *public[position:]]
    calls = _fake_resolver(monkeypatch, answer)
    error = _refused("news.example", 443)
    assert error.kind == "blocked"
    assert str(blocked) in error.message
    assert calls == ["news.example"]
    assert network_guard.connects == []


@PROPERTY
@given(st.lists(st.sampled_from(PUBLIC).map(ipaddress.ip_address), min_size=1, max_size=4, unique=True))
def test_a_name_whose_addresses_are_all_public_gets_every_one_of_them(network_guard, monkeypatch, public):
    _fake_resolver(monkeypatch, public)
    assert resolve_and_check("news.example", 443) == public
    assert network_guard.connects == []


@settings(PROPERTY, max_examples=40)
@given(st.one_of(ipv4_spellings(), ipv6_spellings()), st.sampled_from(["http", "https"]))
def test_fetch_refuses_them_before_any_connection(network_guard, spelling, scheme):
    host, _ = spelling
    with pytest.raises(FetchError) as caught:
        fetch(f"{scheme}://{host}/latest/meta-data/")
    assert caught.value.kind == "blocked", host
    assert network_guard.connects == [] and network_guard.lookups == []
