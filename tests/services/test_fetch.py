"""The SSRF guard against a real local HTTP server and the real resolver."""

from __future__ import annotations

import re
import socket
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from docket.errors import ErrorCode
from docket.services import fetch
from docket.services.fetch import BlockedAddress, FetchError, FetchPolicy, blocked_reason, fetch_url

PDF = b"%PDF-1.4\n% fake but recognisable\n"


class _Handler(BaseHTTPRequestHandler):
    seen: list[tuple[str, str]]  # (path, Host header), shared by the server instance

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def _send(self, code: int, body: bytes = b"", **headers: str) -> None:
        self.send_response(code)
        for k, v in headers.items():
            self.send_header(k.replace("_", "-"), v)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self) -> None:
        self.server.seen.append((self.path, self.headers.get("Host", "")))  # type: ignore[attr-defined]
        port = self.server.server_address[1]
        routes = {
            "/doc": lambda: self._send(
                200,
                PDF,
                Content_Type="application/pdf",
                Content_Disposition='inline; filename="a b.pdf"',
            ),
            "/host": lambda: self._send(200, self.headers.get("Host", "").encode()),
            "/hop": lambda: self._send(302, Location="/doc"),
            "/to-metadata": lambda: self._send(302, Location="http://169.254.169.254/latest/"),
            "/to-v6-loopback": lambda: self._send(302, Location=f"http://[::1]:{port}/doc"),
            "/loop": lambda: self._send(302, Location="/loop"),
            "/missing": lambda: self._send(404, b"nope"),
            "/declared-big": lambda: self._send(200, b"x" * 5000),
            "/stream-big": self._stream_big,
            "/drip": self._drip,
        }
        routes.get(self.path, lambda: self._send(404))()

    def _stream_big(self) -> None:
        self.send_response(200)
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        piece = b"y" * 1024
        try:
            for _ in range(64):
                self.wfile.write(b"%x\r\n%s\r\n" % (len(piece), piece))
            self.wfile.write(b"0\r\n\r\n")
        except OSError:
            pass  # the client hung up once it had seen enough

    def _drip(self) -> None:
        self.send_response(200)
        self.send_header("Content-Length", "40")
        self.end_headers()
        try:
            for _ in range(40):
                self.wfile.write(b"z")
                self.wfile.flush()
                time.sleep(0.1)
        except OSError:
            pass


@pytest.fixture(scope="module")
def server() -> Iterator[ThreadingHTTPServer]:
    srv = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    srv.daemon_threads = True
    srv.seen = []  # type: ignore[attr-defined]
    thread = threading.Thread(target=srv.serve_forever, daemon=True)
    thread.start()
    yield srv
    srv.shutdown()
    srv.server_close()


def _base(srv: ThreadingHTTPServer, host: str = "127.0.0.1") -> str:
    return f"http://{host}:{srv.server_address[1]}"


LOOPBACK_OK = FetchPolicy(allow_cidrs=("127.0.0.0/8",), timeout_s=5)


def test_allow_listed_loopback_download_works(server: ThreadingHTTPServer) -> None:
    got = fetch_url(_base(server) + "/doc", LOOPBACK_OK)
    assert got.data == PDF
    assert got.content_type == "application/pdf"
    assert got.filename == "a b.pdf"


@pytest.mark.parametrize(
    "host",
    [
        "127.0.0.1",
        "[::1]",
        "[::ffff:127.0.0.1]",
        "2130706433",  # decimal 127.0.0.1
        "0x7f000001",  # hex 127.0.0.1
        "0x7f.1",
        "127.1",
        "localhost",  # a name that resolves to loopback
        "0.0.0.0",
    ],
)
def test_loopback_in_any_spelling_is_blocked(server: ThreadingHTTPServer, host: str) -> None:
    before = len(server.seen)  # type: ignore[attr-defined]
    with pytest.raises(BlockedAddress) as info:
        fetch_url(_base(server, host) + "/doc", FetchPolicy(timeout_s=5))
    assert info.value.code is ErrorCode.UNABLE_TO_DOWNLOAD_FILE
    assert "allow-list" in info.value.message
    assert len(server.seen) == before  # type: ignore[attr-defined]  # never connected


@pytest.mark.parametrize(
    ("url", "why"),
    [
        ("http://10.1.2.3/x.pdf", "private"),
        ("http://192.168.0.10/x.pdf", "private"),
        ("http://169.254.169.254/latest/meta-data/", "cloud metadata"),
        ("http://[fd00:ec2::254]/", "cloud metadata"),
        ("http://[fe80::1]/", "link-local"),
        ("http://224.0.0.1/", "multicast"),
        ("https://[::ffff:10.0.0.1]/", "private"),
        ("http://[2002:7f00:1::]/", "loopback"),  # 6to4 wrapping 127.0.0.1
        ("http://100.64.0.1/", "non-public"),  # carrier-grade NAT
    ],
)
def test_internal_addresses_are_blocked_with_a_reason(url: str, why: str) -> None:
    with pytest.raises(BlockedAddress) as info:
        fetch_url(url, FetchPolicy(timeout_s=5))
    assert why in info.value.message


def test_public_addresses_are_not_blocked() -> None:
    from ipaddress import ip_address

    assert blocked_reason(ip_address("93.184.215.14")) is None
    assert blocked_reason(ip_address("2606:4700::1111")) is None


def test_hostname_allow_list_admits_its_loopback_and_keeps_host_header(
    server: ThreadingHTTPServer,
) -> None:
    got = fetch_url(_base(server, "localhost") + "/host", FetchPolicy(allow_hosts=("LocalHost",)))
    assert got.data.decode() == f"localhost:{server.server_address[1]}"


def test_connects_to_the_vetted_address_only(
    server: ThreadingHTTPServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A name resolved once: a second lookup (DNS rebinding) would get a private address."""
    real = socket.getaddrinfo
    calls: list[str] = []

    def rebinding(host: Any, *args: Any, **kwargs: Any) -> Any:
        if host == "rebind.test":
            calls.append(host)
            target = "127.0.0.1" if len(calls) == 1 else "10.9.9.9"
            return real(target, *args, **kwargs)
        return real(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", rebinding)
    got = fetch_url(_base(server, "rebind.test") + "/host", LOOPBACK_OK)
    assert got.data.decode() == f"rebind.test:{server.server_address[1]}"
    assert calls == ["rebind.test"]


def test_redirects_are_followed_and_each_hop_vetted(server: ThreadingHTTPServer) -> None:
    assert fetch_url(_base(server) + "/hop", LOOPBACK_OK).data == PDF
    with pytest.raises(BlockedAddress, match=re.escape("169.254.169.254")):
        fetch_url(_base(server) + "/to-metadata", LOOPBACK_OK)
    with pytest.raises(BlockedAddress, match="loopback"):  # ::1 is not in 127.0.0.0/8
        fetch_url(_base(server) + "/to-v6-loopback", LOOPBACK_OK)


def test_redirect_loops_stop_at_the_hop_limit(server: ThreadingHTTPServer) -> None:
    policy = FetchPolicy(allow_cidrs=("127.0.0.0/8",), max_redirects=3)
    before = len(server.seen)  # type: ignore[attr-defined]
    with pytest.raises(FetchError, match="more than 3 redirects"):
        fetch_url(_base(server) + "/loop", policy)
    assert len(server.seen) - before == 4  # type: ignore[attr-defined]


def test_http_errors_say_the_status(server: ThreadingHTTPServer) -> None:
    with pytest.raises(FetchError, match="HTTP 404") as info:
        fetch_url(_base(server) + "/missing", LOOPBACK_OK)
    assert info.value.reason == "http_status"


@pytest.mark.parametrize("path", ["/declared-big", "/stream-big"])
def test_size_limit_is_enforced(server: ThreadingHTTPServer, path: str) -> None:
    policy = FetchPolicy(allow_cidrs=("127.0.0.0/8",), max_bytes=4096)
    with pytest.raises(FetchError, match="larger than 4096 bytes") as info:
        fetch_url(_base(server) + path, policy)
    assert info.value.reason == "too_large"


def test_total_time_limit_is_enforced_on_a_slow_drip(server: ThreadingHTTPServer) -> None:
    policy = FetchPolicy(allow_cidrs=("127.0.0.0/8",), timeout_s=0.8)
    started = time.monotonic()
    with pytest.raises(FetchError) as info:
        fetch_url(_base(server) + "/drip", policy)
    assert info.value.reason == "timeout"
    assert time.monotonic() - started < 3.5  # the drip lasts 4 s; the total was bounded


@pytest.mark.parametrize("url", ["file:///etc/passwd", "ftp://example.com/x", "gopher://x/"])
def test_only_http_and_https(url: str) -> None:
    with pytest.raises(FetchError, match="only http and https") as info:
        fetch_url(url, FetchPolicy())
    assert info.value.reason == "scheme"


def test_unresolvable_host_is_a_clear_error() -> None:
    with pytest.raises(FetchError, match="could not resolve host") as info:
        fetch_url("http://no-such-host.invalid/x.pdf", FetchPolicy(timeout_s=5))
    assert info.value.reason == "dns"


def test_bad_allow_list_entries_are_rejected_at_startup() -> None:
    with pytest.raises(ValueError):
        FetchPolicy(allow_cidrs=("not-a-network",))
    assert fetch.FetchPolicy(allow_cidrs=(" 10.0.0.0/8 ",)).networks[0].num_addresses == 2**24
