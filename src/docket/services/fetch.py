"""Fetch user-supplied URLs without letting them reach inside our network (SSRF guard).

A URL is only fetched after its host has been resolved and *every* address it resolves to has
been vetted; the request then goes to the vetted address (pinned) while keeping the original
``Host`` header and TLS server name, so a DNS answer that changes between check and connect
(rebinding) cannot redirect us. Redirects are followed by hand, each hop vetted again. Size and
total time are bounded while streaming. Webhook delivery reuses the same guard.
"""

from __future__ import annotations

import socket
import time
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass, field
from email.message import Message
from functools import cache
from ipaddress import IPv4Address, IPv4Network, IPv6Address, IPv6Network, ip_address, ip_network
from typing import Final
from urllib.parse import unquote

import httpx

from docket.errors import DocketError, ErrorCode

IPAddress = IPv4Address | IPv6Address
IPNetwork = IPv4Network | IPv6Network

# Well-known instance-metadata addresses (AWS/GCP/Azure, AWS IPv6, ECS tasks, Alibaba, Oracle).
_METADATA: Final[frozenset[IPAddress]] = frozenset(
    ip_address(a)
    for a in ("169.254.169.254", "fd00:ec2::254", "169.254.170.2", "100.100.100.200", "192.0.0.192")
)
_NAT64: Final = ip_network("64:ff9b::/96")


class FetchError(DocketError):
    """A URL could not be fetched; ``reason`` is a short machine-readable cause."""

    code = ErrorCode.UNABLE_TO_DOWNLOAD_FILE

    def __init__(self, message: str, *, reason: str) -> None:
        super().__init__(message, reason=reason)
        self.reason = reason


class BlockedAddress(FetchError):
    """The URL points at an address the operator has not allowed us to reach."""

    def __init__(self, message: str) -> None:
        super().__init__(message, reason="blocked_address")


@dataclass(frozen=True)
class FetchPolicy:
    """What outbound requests may do. Allow-lists are for operators (e.g. an internal bucket)."""

    allow_cidrs: tuple[str, ...] = ()
    allow_hosts: tuple[str, ...] = ()
    max_bytes: int = 200 * 1024 * 1024
    timeout_s: float = 60.0
    max_redirects: int = 5
    user_agent: str = "docket-fetch/0.1"
    networks: tuple[IPNetwork, ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        nets = tuple(ip_network(c.strip(), strict=False) for c in self.allow_cidrs)
        object.__setattr__(self, "networks", nets)
        object.__setattr__(
            self, "allow_hosts", tuple(_norm_host(h) for h in self.allow_hosts if h.strip())
        )


@dataclass(frozen=True)
class FetchedFile:
    data: bytes
    url: str
    content_type: str | None
    filename: str | None


def blocked_reason(ip: IPAddress) -> str | None:
    """Why an address must not be contacted by default, or None when it is public."""
    if isinstance(ip, IPv6Address):
        embedded = _embedded_ipv4(ip)
        if embedded is not None:
            inner = blocked_reason(embedded)
            return f"{inner} (IPv4 {embedded} embedded in IPv6)" if inner else None
    checks: tuple[tuple[bool, str], ...] = (
        (ip in _METADATA, "cloud metadata"),
        (ip.is_unspecified, "unspecified"),
        (ip.is_loopback, "loopback"),
        (ip.is_link_local, "link-local"),
        (ip.is_multicast, "multicast"),
        (ip.is_private, "private"),
        (ip.is_reserved, "reserved"),
        (not ip.is_global, "non-public"),
    )
    return next((why for hit, why in checks if hit), None)


def _embedded_ipv4(ip: IPv6Address) -> IPv4Address | None:
    if ip.ipv4_mapped is not None:
        return ip.ipv4_mapped
    if ip.sixtofour is not None:
        return ip.sixtofour
    if ip.teredo is not None:
        return ip.teredo[1]
    if ip in _NAT64:
        return IPv4Address(int(ip) & 0xFFFFFFFF)
    return None


def _norm_host(host: str) -> str:
    return host.strip().lower().rstrip(".")


def _allowed(host: str, ip: IPAddress, policy: FetchPolicy) -> bool:
    if host in policy.allow_hosts:
        return True
    candidates: list[IPAddress] = [ip]
    if isinstance(ip, IPv6Address) and (inner := _embedded_ipv4(ip)) is not None:
        candidates.append(inner)
    return any(c in net for c in candidates for net in policy.networks if c.version == net.version)


@cache
def _resolver_pool() -> ThreadPoolExecutor:
    return ThreadPoolExecutor(max_workers=4, thread_name_prefix="docket-dns")


def _resolve(host: str, port: int, timeout_s: float) -> list[IPAddress]:
    future = _resolver_pool().submit(
        socket.getaddrinfo, host, port, type=socket.SOCK_STREAM, proto=socket.IPPROTO_TCP
    )
    try:
        infos = future.result(timeout=max(timeout_s, 0.001))
    except FutureTimeout:
        raise FetchError(f"resolving {host} timed out", reason="timeout") from None
    except (socket.gaierror, UnicodeError) as exc:
        raise FetchError(f"could not resolve host {host}: {exc}", reason="dns") from None
    seen: dict[IPAddress, None] = {}
    for info in infos:
        seen.setdefault(ip_address(str(info[4][0]).split("%", 1)[0]), None)
    return list(seen)


def vet_host(host: str, port: int, policy: FetchPolicy, timeout_s: float = 10.0) -> IPAddress:
    """Resolve ``host`` and return an address safe to connect to; every answer must pass."""
    name = _norm_host(host)
    addresses = _resolve(name, port, timeout_s)
    if not addresses:
        raise FetchError(f"host {host} has no addresses", reason="dns")
    for ip in addresses:
        why = blocked_reason(ip)
        if why is not None and not _allowed(name, ip, policy):
            raise BlockedAddress(
                f"refusing to connect to {host} ({ip}): {why} address not in the allow-list"
            )
    return addresses[0]


def _check_url(url: httpx.URL) -> None:
    if url.scheme not in ("http", "https"):
        raise FetchError(
            f"only http and https URLs can be fetched, not {url.scheme or 'a relative URL'!r}",
            reason="scheme",
        )
    if not url.host:
        raise FetchError("the URL has no host", reason="invalid_url")


def send_pinned(
    client: httpx.Client,
    method: str,
    url: httpx.URL,
    *,
    policy: FetchPolicy,
    deadline: float,
    headers: Mapping[str, str] | None = None,
    content: bytes | None = None,
) -> httpx.Response:
    """Send one request (no redirects) to the vetted address of ``url``; the body is streamed."""
    _check_url(url)
    host = url.raw_host.decode("ascii")
    port = url.port or (443 if url.scheme == "https" else 80)
    ip = vet_host(host, port, policy, timeout_s=_remaining(deadline, host))
    pinned = url.copy_with(host=str(ip))
    out = {"User-Agent": policy.user_agent, **(headers or {})}
    out["Host"] = url.netloc.decode("ascii")
    extensions = {"sni_hostname": host} if url.scheme == "https" else {}
    request = client.build_request(
        method,
        pinned,
        headers=out,
        content=content,
        extensions=extensions,
        timeout=httpx.Timeout(_remaining(deadline, host)),
    )
    try:
        return client.send(request, stream=True, follow_redirects=False)
    except httpx.TimeoutException:
        raise FetchError(f"{host} did not answer in time", reason="timeout") from None
    except httpx.HTTPError as exc:
        raise FetchError(f"could not connect to {host}: {exc}", reason="connect") from None


def _remaining(deadline: float, host: str) -> float:
    left = deadline - time.monotonic()
    if left <= 0:
        raise FetchError(f"fetching from {host} took longer than allowed", reason="timeout")
    return left


def new_client() -> httpx.Client:
    """A client that ignores proxy variables (a proxy would bypass the pinning)."""
    return httpx.Client(trust_env=False, follow_redirects=False)


def fetch_url(url: str, policy: FetchPolicy) -> FetchedFile:
    """Download ``url`` under ``policy``; raises :class:`FetchError` saying why it failed."""
    deadline = time.monotonic() + policy.timeout_s
    try:
        current = httpx.URL(url)
    except httpx.InvalidURL as exc:
        raise FetchError(f"invalid URL: {exc}", reason="invalid_url") from None
    with new_client() as client:
        for _hop in range(policy.max_redirects + 1):
            response = send_pinned(client, "GET", current, policy=policy, deadline=deadline)
            try:
                if response.is_redirect:
                    current = _next_hop(current, response.headers.get("location", ""))
                    continue
                if response.status_code >= 400:
                    raise FetchError(
                        f"the server answered HTTP {response.status_code} for {_safe(current)}",
                        reason="http_status",
                    )
                data = _read_limited(response, policy, deadline, current)
                return FetchedFile(
                    data=data,
                    url=str(current),
                    content_type=response.headers.get("content-type"),
                    filename=_filename(response.headers.get("content-disposition"), current),
                )
            finally:
                response.close()
    raise FetchError(f"more than {policy.max_redirects} redirects", reason="redirect")


def _next_hop(current: httpx.URL, location: str) -> httpx.URL:
    try:
        return current.join(location)
    except httpx.InvalidURL as exc:
        raise FetchError(f"bad redirect: {exc}", reason="redirect") from None


def _read_limited(
    response: httpx.Response, policy: FetchPolicy, deadline: float, url: httpx.URL
) -> bytes:
    declared = response.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > policy.max_bytes:
        raise _too_large(policy)
    buf = bytearray()
    try:
        for chunk in response.iter_bytes():
            buf += chunk
            if len(buf) > policy.max_bytes:
                raise _too_large(policy)
            _remaining(deadline, url.host)
    except httpx.TimeoutException:
        raise FetchError(f"{url.host} stopped sending in time", reason="timeout") from None
    except httpx.HTTPError as exc:
        raise FetchError(f"download from {url.host} failed: {exc}", reason="connect") from None
    return bytes(buf)


def _too_large(policy: FetchPolicy) -> FetchError:
    return FetchError(f"the file is larger than {policy.max_bytes} bytes", reason="too_large")


def _safe(url: httpx.URL) -> str:
    """The URL without credentials or query (which may carry signed tokens)."""
    return str(url.copy_with(username=None, password=None, query=None, fragment=None))


def _filename(disposition: str | None, url: httpx.URL) -> str | None:
    if disposition:
        msg = Message()
        msg["content-disposition"] = disposition
        name = msg.get_filename()
        if name:
            return name.replace("/", "_").replace("\\", "_")
    last = unquote(url.path.rsplit("/", 1)[-1])
    return last or None
