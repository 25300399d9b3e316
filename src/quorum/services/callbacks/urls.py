"""Where callbacks may go: public addresses only, unless QUORUM_CALLBACK_ALLOW_PRIVATE=1.

A callback makes the server send a request wherever a requester says; to a private, loopback or
link-local address that would let requesters reach the operator's internal network (server-side
request forgery, cloud metadata endpoints). URLs are checked twice: when given, if their host is
an IP literal in any spelling a resolver accepts (cached per URL: this runs on the bulk-import
hot path), and before each delivery, after DNS resolution, with the connection made to exactly
the address that was checked.
"""

from __future__ import annotations

import ipaddress
import re
import socket
from dataclasses import dataclass
from functools import lru_cache
from typing import Any
from urllib.parse import SplitResult, urlsplit, urlunsplit

from quorum.config import get_settings
from quorum.services.errors import InvalidRequest
from quorum.tasktypes.base import FieldError

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

_NAT64 = ipaddress.IPv6Network("64:ff9b::/96")
_DEFAULT_PORTS = {"http": 80, "https": 443}
_NOT_HTTP = "must be an http:// or https:// URL"
_ORIGIN = re.compile(r"[^:/?#]+://[^/?#]*")
# The legacy IPv4 spellings resolvers accept (inet_aton): `0`, `2130706433`, `0x7f000001`,
# `127.1`, octal `0177.0.0.1`: one to four parts, each decimal, octal or hexadecimal.
_INET_ATON = re.compile(r"(?:0x[0-9a-f]*|[0-9]+)(?:\.(?:0x[0-9a-f]*|[0-9]+)){0,3}", re.IGNORECASE)


class UnsafeCallbackUrl(ValueError):
    """The URL's host is, or resolves to, an address callbacks may not reach."""


def is_public(address: IPAddress) -> bool:
    """Globally routable unicast; IPv4 wrapped in IPv6 (mapped, 6to4, NAT64) is judged as
    the IPv4 address it carries."""
    if isinstance(address, ipaddress.IPv6Address):
        inner = address.ipv4_mapped or address.sixtofour
        if inner is None and address in _NAT64:
            inner = ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
        if inner is not None:
            address = inner
        elif address.is_site_local:
            return False
    return address.is_global and not (address.is_multicast or address.is_reserved)


def _literal(host: str) -> IPAddress | None:
    """The address a host names without DNS: standard IP literals, and the legacy IPv4
    spellings that `getaddrinfo` would turn into an address (so they are judged when given,
    and pinned at delivery, like any literal)."""
    try:
        return ipaddress.ip_address(host)
    except ValueError:
        pass
    if _INET_ATON.fullmatch(host):
        try:
            return ipaddress.IPv4Address(socket.inet_aton(host))
        except OSError:  # e.g. `08`: not octal; a resolver refuses it too
            return None
    return None


def _split(url: str) -> SplitResult:
    """The parts of an http(s) URL with a host and a valid port; ValueError otherwise."""
    try:
        parts = urlsplit(url)
        _ = parts.port  # raises ValueError on a bad port
    except ValueError as exc:
        raise ValueError(f"is not a valid URL ({exc})") from None
    if parts.scheme not in _DEFAULT_PORTS or not parts.hostname:
        raise ValueError(_NOT_HTTP)
    return parts


@lru_cache(maxsize=4096)
def _problem(origin: str, allow_private: bool) -> str | None:
    """The check of `scheme://authority`: all of a URL that can be wrong or point anywhere."""
    try:
        parts = _split(origin)
    except ValueError as exc:
        return str(exc)
    address = _literal(parts.hostname or "")
    if address is not None and not allow_private and not is_public(address):
        return (
            f"points to the non-public address {address} (private, loopback, link-local or "
            "reserved); callbacks must go to public addresses"
        )
    return None


def url_problem(value: Any) -> str | None:
    """What is wrong with a callback URL given by a requester, or None."""
    origin = _ORIGIN.match(value) if isinstance(value, str) else None
    if origin is None:
        return _NOT_HTTP
    # Cached per origin: distinct URLs of one receiver cost a regex match, not a parse.
    return _problem(origin.group(), get_settings().callback_allow_private)


def check_callback_url(value: str | None) -> str | None:
    """A `callback_url` field's value, or None for an empty one; InvalidRequest if refused."""
    if not value:
        return None
    problem = url_problem(value)
    if problem is not None:
        raise InvalidRequest(
            f"callback_url {problem}", errors=[FieldError("callback_url", problem)]
        )
    return value


@dataclass(frozen=True, slots=True)
class Target:
    """Where to send a callback: `url` has the checked address in place of the host name;
    the name goes in the Host header and, for https, in TLS (SNI and certificate check)."""

    url: str
    host_header: str
    tls_hostname: str | None

    @property
    def extensions(self) -> dict[str, str]:
        """httpx request extensions: for https to a name, the name for SNI and for checking
        the certificate (else httpx would check it against the pinned IP)."""
        return {"sni_hostname": self.tls_hostname} if self.tls_hostname else {}


def resolve(url: str, *, allow_private: bool) -> Target:
    """Resolve the URL's host and pin one of its addresses.

    Raises UnsafeCallbackUrl if the URL is bad or any address is not public (and that is not
    allowed), OSError if the name does not resolve (worth another try later).
    """
    try:
        parts = _split(url)
    except ValueError as exc:
        raise UnsafeCallbackUrl(f"{url!r} {exc}") from None
    host = parts.hostname or ""
    port = parts.port or _DEFAULT_PORTS[parts.scheme]
    literal = _literal(host)
    if literal is not None:
        addresses = [literal]
    else:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        addresses = list(dict.fromkeys(ipaddress.ip_address(info[4][0]) for info in infos))
    if not allow_private:
        refused = [a for a in addresses if not is_public(a)]
        if refused:
            raise UnsafeCallbackUrl(
                f"{host} is or resolves to the non-public address {refused[0]}; callbacks go "
                "to public addresses only (QUORUM_CALLBACK_ALLOW_PRIVATE=1 allows others)"
            )
    pinned = addresses[0]
    userinfo, _, host_port = parts.netloc.rpartition("@")
    netloc = f"[{pinned}]" if pinned.version == 6 else str(pinned)
    if parts.port:
        netloc += f":{parts.port}"
    if userinfo:
        netloc = f"{userinfo}@{netloc}"
    return Target(
        url=urlunsplit(parts._replace(netloc=netloc)),
        host_header=host_port,
        tls_hostname=host if parts.scheme == "https" and literal is None else None,
    )
