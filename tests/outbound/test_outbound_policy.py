"""Client-given URLs reach public addresses only, checked up front and again at connect time."""

from __future__ import annotations

import ipaddress
from collections.abc import Iterator

import pytest
from starlette.requests import Request
from starlette.responses import PlainTextResponse, RedirectResponse, Response
from starlette.routing import Route

from scribe.config import OutboundSettings
from scribe.outbound import (
    OutboundClient,
    TooManyRedirectsError,
    URLNotAllowedError,
    address_problem,
    check_url,
    check_url_resolves,
)
from tests.outbound.local_server import LocalServer, StaticResolver

REFUSED = [
    ("127.0.0.1", "loopback"),
    ("127.8.9.10", "loopback"),
    ("::1", "loopback"),
    ("0.0.0.0", "unspecified"),
    ("::", "unspecified"),
    ("169.254.169.254", "link-local (cloud metadata)"),
    ("fe80::1", "link-local (cloud metadata)"),
    ("10.1.2.3", "private"),
    ("172.16.0.1", "private"),
    ("192.168.1.1", "private"),
    ("fc00::1", "private"),
    ("fd12:3456::1", "private"),
    ("100.64.0.1", "shared (CGNAT)"),
    ("224.0.0.1", "multicast"),
    ("ff02::1", "multicast"),
    ("240.0.0.1", "private"),
    ("255.255.255.255", "private"),
    ("::ffff:127.0.0.1", "loopback"),
    ("::ffff:169.254.169.254", "link-local (cloud metadata)"),
    ("::ffff:10.0.0.1", "private"),
    ("2002:7f00:1::", "loopback"),
    ("64:ff9b::a00:1", "private"),
]
PUBLIC = ["93.184.216.34", "1.1.1.1", "2606:4700:4700::1111", "::ffff:8.8.8.8"]


class TestAddressRanges:
    @pytest.mark.parametrize(("address", "reason"), REFUSED)
    def test_non_public_ranges_are_refused_with_their_reason(
        self, address: str, reason: str
    ) -> None:
        assert address_problem(ipaddress.ip_address(address)) == reason

    @pytest.mark.parametrize("address", PUBLIC)
    def test_public_addresses_pass(self, address: str) -> None:
        assert address_problem(ipaddress.ip_address(address)) is None


class TestCheckUrl:
    @pytest.mark.parametrize(
        "url",
        [
            "ftp://files.example.com/a.mp3",
            "file:///etc/passwd",
            "gopher://example.com/",
            "http://",
            "not a url",
        ],
    )
    def test_only_http_urls_with_a_host(self, url: str) -> None:
        with pytest.raises(URLNotAllowedError) as caught:
            check_url(url, [])
        assert caught.value.error_code == "url_not_allowed"
        assert caught.value.status_code == 400

    @pytest.mark.parametrize(
        "url",
        [
            "http://127.0.0.1/a.mp3",
            "http://[::1]:8080/",
            "http://[::ffff:169.254.169.254]/latest/meta-data/",
            "http://169.254.169.254/latest/meta-data/",
            "http://localhost:8000/",
            "http://LOCALHOST./",
            "http://api.localhost/",
            "http://metadata.google.internal/computeMetadata/v1/",
            "http://metadata/",
            "http://printer.local/",
            "http://2130706433/",
            "http://0x7f.1/",
            "http://127.1/",
        ],
    )
    def test_internal_hosts_are_refused_without_dns(self, url: str) -> None:
        with pytest.raises(URLNotAllowedError):
            check_url(url, [])

    def test_public_names_pass_without_dns(self) -> None:
        check_url("https://files.example.com/visit.mp3?sig=abc", [])

    def test_the_message_names_the_reason_but_not_the_query(self) -> None:
        with pytest.raises(URLNotAllowedError) as caught:
            check_url("http://10.0.0.7/audio.mp3?token=s3cr3t-patient-42", [])
        assert "private" in caught.value.message
        assert "s3cr3t" not in caught.value.message

    @pytest.mark.parametrize(
        ("url", "allowed"),
        [
            ("http://127.0.0.1:8080/x", ["127.0.0.1"]),
            ("http://127.0.0.1:8080/x", ["127.0.0.1:8080"]),
            ("http://[::1]:8080/x", ["[::1]:8080"]),
            ("http://Files.Test/x", ["files.test"]),
            ("http://files.test/x", [" FILES.TEST "]),
            ("http://localhost/x", ["localhost:80"]),
        ],
    )
    def test_listed_hosts_are_allowed(self, url: str, allowed: list[str]) -> None:
        check_url(url, allowed)

    @pytest.mark.parametrize(
        ("url", "allowed"),
        [
            ("http://127.0.0.1:8080/x", ["127.0.0.1:9090"]),
            ("http://127.0.0.2/x", ["127.0.0.1"]),
            ("http://api.localhost/x", ["localhost"]),
        ],
    )
    def test_the_allowed_list_matches_exactly(self, url: str, allowed: list[str]) -> None:
        with pytest.raises(URLNotAllowedError):
            check_url(url, allowed)


class TestCheckUrlResolves:
    async def test_a_name_resolving_to_a_private_address_is_refused(self) -> None:
        resolver = StaticResolver({"intranet.test": [["10.0.0.5"]]})
        with pytest.raises(URLNotAllowedError) as caught:
            await check_url_resolves("https://intranet.test/a.mp3", [], resolver)
        assert "resolves to a private address" in caught.value.message

    async def test_one_private_answer_among_public_ones_is_enough(self) -> None:
        resolver = StaticResolver({"mixed.test": [["93.184.216.34", "127.0.0.1"]]})
        with pytest.raises(URLNotAllowedError):
            await check_url_resolves("https://mixed.test/", [], resolver)

    async def test_a_name_that_does_not_resolve_is_refused(self) -> None:
        with pytest.raises(URLNotAllowedError) as caught:
            await check_url_resolves("https://nowhere.test/", [], StaticResolver({}))
        assert "does not resolve" in caught.value.message

    async def test_public_answers_and_listed_hosts_pass(self) -> None:
        resolver = StaticResolver({"cdn.test": [["93.184.216.34"]], "files.test": [["10.0.0.9"]]})
        await check_url_resolves("https://cdn.test/a.mp3", [], resolver)
        await check_url_resolves("https://files.test/a.mp3", ["files.test"], resolver)


hits: list[str] = []


async def _ok(request: Request) -> Response:
    hits.append(request.url.path)
    return PlainTextResponse(request.headers["host"])


async def _to_loopback(request: Request) -> Response:
    hits.append(request.url.path)
    port = request.url.port
    return RedirectResponse(f"http://127.0.0.1:{port}/ok", status_code=302)


async def _loop(request: Request) -> Response:
    hits.append(request.url.path)
    step = int(request.path_params["step"])
    return RedirectResponse(f"/loop/{step + 1}", status_code=307)


@pytest.fixture(scope="module")
def server() -> Iterator[LocalServer]:
    local = LocalServer(
        [
            Route("/ok", _ok),
            Route("/to-loopback", _to_loopback),
            Route("/loop/{step}", _loop, methods=["GET", "POST"]),
        ]
    )
    local.start()
    yield local
    local.stop()


@pytest.fixture
async def rebinding() -> StaticResolver:
    hits.clear()
    # First answer public (what an up-front check sees), then the attacker's 127.0.0.1.
    return StaticResolver(
        {"evil.test": [["93.184.216.34"], ["127.0.0.1"]], "files.test": [["127.0.0.1"]]}
    )


def client(resolver: StaticResolver, allowed: list[str], redirects: int = 3) -> OutboundClient:
    settings = OutboundSettings(
        connect_timeout_seconds=5, read_timeout_seconds=5, max_redirects=redirects
    )
    return OutboundClient(settings, allowed, resolver=resolver)


class TestConnectTime:
    async def test_dns_rebinding_after_the_check_never_connects(
        self, server: LocalServer, rebinding: StaticResolver
    ) -> None:
        url = server.url("/ok", host="evil.test")
        await check_url_resolves(url, [], rebinding)
        async with client(rebinding, []) as outbound:
            with pytest.raises(URLNotAllowedError) as caught:
                async with outbound.get_stream(url):
                    pass
        assert "loopback" in caught.value.message
        assert hits == []

    async def test_the_connection_goes_to_the_vetted_address_with_the_original_host(
        self, server: LocalServer, rebinding: StaticResolver
    ) -> None:
        async with client(rebinding, ["files.test"]) as outbound:
            async with outbound.get_stream(server.url("/ok", host="files.test")) as response:
                body = await response.aread()
        assert body.decode() == f"files.test:{server.port}"
        assert rebinding.lookups == ["files.test"]

    async def test_a_redirect_to_a_private_address_is_refused(
        self, server: LocalServer, rebinding: StaticResolver
    ) -> None:
        async with client(rebinding, ["files.test"]) as outbound:
            with pytest.raises(URLNotAllowedError):
                async with outbound.get_stream(server.url("/to-loopback", host="files.test")):
                    pass
        assert hits == ["/to-loopback"]

    async def test_a_redirect_chain_stops_at_the_limit(
        self, server: LocalServer, rebinding: StaticResolver
    ) -> None:
        async with client(rebinding, ["files.test"], redirects=3) as outbound:
            with pytest.raises(TooManyRedirectsError) as caught:
                async with outbound.get_stream(server.url("/loop/0", host="files.test")):
                    pass
        assert caught.value.error_code == "too_many_redirects"
        assert hits == ["/loop/0", "/loop/1", "/loop/2", "/loop/3"]

    async def test_post_does_not_follow_redirects(
        self, server: LocalServer, rebinding: StaticResolver
    ) -> None:
        async with client(rebinding, ["files.test"]) as outbound:
            status = await outbound.post(
                server.url("/loop/0", host="files.test"), content=b"{}", headers={}
            )
        assert status == 307
        assert hits == ["/loop/0"]
