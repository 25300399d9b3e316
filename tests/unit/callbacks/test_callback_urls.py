"""Callback URL safety and the retry schedule: pure functions, no database, no network."""

from __future__ import annotations

import datetime as dt
import ipaddress

import pytest

from quorum.config import Settings, get_settings
from quorum.services.callbacks.urls import UnsafeCallbackUrl, is_public, resolve, url_problem
from quorum.services.ops.callback_delivery import DeliveryPolicy

NOT_PUBLIC = [
    "10.1.2.3",  # private
    "172.16.0.1",
    "192.168.1.1",
    "127.0.0.1",  # loopback
    "169.254.169.254",  # link-local (cloud metadata)
    "100.64.0.1",  # shared address space (carrier NAT)
    "0.0.0.0",  # unspecified
    "224.0.0.1",  # multicast
    "240.0.0.1",  # reserved
    "255.255.255.255",
    "192.0.2.1",  # documentation
    "::1",
    "::",
    "fe80::1",
    "fc00::1",  # unique local
    "fec0::1",  # site-local (deprecated)
    "ff0e::1",  # multicast, even global scope
    "::ffff:127.0.0.1",  # IPv4-mapped
    "::ffff:10.0.0.1",
    "::7f00:1",  # IPv4-compatible (deprecated)
    "2002:7f00:1::",  # 6to4 around 127.0.0.1
    "64:ff9b::a9fe:a9fe",  # NAT64 around 169.254.169.254
    "2001:db8::1",  # documentation
]
PUBLIC = ["8.8.8.8", "93.184.216.34", "2001:4860:4860::8888", "::ffff:8.8.8.8", "64:ff9b::808:808"]


@pytest.mark.parametrize("address", NOT_PUBLIC)
def test_non_public_addresses(address):
    assert not is_public(ipaddress.ip_address(address))


@pytest.mark.parametrize("address", PUBLIC)
def test_public_addresses(address):
    assert is_public(ipaddress.ip_address(address))


def test_url_problems_when_given(monkeypatch):
    monkeypatch.delenv("QUORUM_CALLBACK_ALLOW_PRIVATE", raising=False)
    get_settings.cache_clear()
    try:
        assert url_problem("https://hooks.example.com/x?a=1") is None
        assert url_problem("http://localhost:8080/x") is None  # names are checked at delivery
        assert "non-public address 127.0.0.1" in url_problem("http://127.0.0.1/x")
        assert "non-public address 10.0.0.1" in url_problem("http://u:p@10.0.\t0.1:80/x")
        assert url_problem("ftp://example.com/x") == "must be an http:// or https:// URL"
        assert url_problem("http:///x") == "must be an http:// or https:// URL"
        assert url_problem(["http://example.com"]) == "must be an http:// or https:// URL"
        assert url_problem("http://example.com:99999/x").startswith("is not a valid URL")
        assert url_problem("http://[::1/x").startswith("is not a valid URL")
        monkeypatch.setenv("QUORUM_CALLBACK_ALLOW_PRIVATE", "1")
        get_settings.cache_clear()
        assert url_problem("http://127.0.0.1/x") is None
    finally:
        get_settings.cache_clear()


LEGACY_IPV4 = {
    "0": "0.0.0.0",
    "2130706433": "127.0.0.1",
    "0x7f000001": "127.0.0.1",
    "0X7F000001": "127.0.0.1",
    "127.1": "127.0.0.1",
    "0177.0.0.1": "127.0.0.1",
    "0x7f.0.1": "127.0.0.1",
    "10.1": "10.0.0.1",
    "3232235777": "192.168.1.1",
}


@pytest.mark.parametrize(("host", "address"), LEGACY_IPV4.items())
def test_legacy_ipv4_spellings_are_judged_when_given_and_pinned_at_delivery(
    monkeypatch, host, address
):
    """The same rule at both checks: refused when given, and pinned to the address a resolver
    would have made of them at delivery."""
    monkeypatch.delenv("QUORUM_CALLBACK_ALLOW_PRIVATE", raising=False)
    get_settings.cache_clear()
    try:
        assert f"non-public address {address}" in url_problem(f"http://{host}/x")
    finally:
        get_settings.cache_clear()
    with pytest.raises(UnsafeCallbackUrl, match=f"non-public address {address}"):
        resolve(f"http://{host}/x", allow_private=False)
    target = resolve(f"https://{host}:8443/x", allow_private=True)
    assert (target.url, target.tls_hostname) == (f"https://{address}:8443/x", None)


def test_names_that_look_numeric_are_still_names():
    assert url_problem("http://1e100.net/x") is None
    assert url_problem("http://08.1.1.1/x") is None  # not octal: no resolver reads it as an IP
    assert url_problem("http://0x.example/x") is None


def test_resolve_pins_the_checked_address():
    target = resolve("http://user:pw@localhost:8080/hook?x=1", allow_private=True)
    assert target.url in (
        "http://user:pw@127.0.0.1:8080/hook?x=1",
        "http://user:pw@[::1]:8080/hook?x=1",
    )
    assert (target.host_header, target.tls_hostname) == ("localhost:8080", None)
    v6 = resolve("https://[2001:4860:4860::8888]/h", allow_private=False)
    assert (v6.url, v6.host_header, v6.tls_hostname) == (
        "https://[2001:4860:4860::8888]/h",
        "[2001:4860:4860::8888]",
        None,
    )


def test_resolve_refuses_names_that_resolve_to_private_addresses():
    with pytest.raises(UnsafeCallbackUrl, match="localhost is or resolves to the non-public"):
        resolve("http://localhost/hook", allow_private=False)
    with pytest.raises(UnsafeCallbackUrl, match="non-public address 127.0.0.1"):
        resolve("http://127.1/hook", allow_private=False)  # a spelling Python does not parse
    with pytest.raises(UnsafeCallbackUrl, match="must be an http"):
        resolve("gopher://example.com/", allow_private=True)


def test_retry_schedule_doubles_up_to_the_cap_within_a_day():
    policy = DeliveryPolicy.from_settings(Settings())
    start = dt.datetime(2026, 1, 1)
    delays, now, attempts = [], start, 0
    while True:
        attempts += 1
        at = policy.retry_at(attempts, start, now)
        if at is None:
            break
        delays.append((at - now).total_seconds())
        now = at
    assert delays[:5] == [10, 20, 40, 80, 160] and max(delays) == 3600
    assert now - start <= dt.timedelta(hours=24) < now - start + dt.timedelta(hours=1)
    assert 25 <= attempts <= 35
