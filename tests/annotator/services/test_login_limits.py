"""Which address a login is counted by."""

from __future__ import annotations

import pytest
from django.test import RequestFactory, override_settings

from annotator.services.login_limits import client_address


def address(remote: str, forwarded: str | None = None) -> str:
    headers = {} if forwarded is None else {"HTTP_X_FORWARDED_FOR": forwarded}
    return client_address(RequestFactory().post("/api/auth/token/", REMOTE_ADDR=remote, **headers))


def test_without_trusted_proxies_forwarded_for_is_ignored() -> None:
    assert address("192.0.2.1", "198.51.100.7") == "192.0.2.1"


@pytest.mark.parametrize(
    ("proxies", "forwarded", "expected"),
    [
        (1, "198.51.100.7", "198.51.100.7"),
        (1, "6.6.6.6, 198.51.100.7", "198.51.100.7"),  # the client's own entry is not trusted
        (2, "6.6.6.6, 198.51.100.7, 10.0.0.5", "198.51.100.7"),
        (2, "198.51.100.7", "198.51.100.7"),  # fewer entries than proxies: the first
        (1, " , ", "192.0.2.1"),  # nothing usable: the connection's address
    ],
)
def test_trusted_proxies_name_the_client_from_the_right(proxies: int, forwarded: str, expected: str) -> None:
    with override_settings(TRUSTED_PROXY_COUNT=proxies):
        assert address("192.0.2.1", forwarded) == expected


def test_ipv6_clients_count_per_64_block() -> None:
    assert address("2001:db8:1:2::1") == address("2001:db8:1:2:ffff::9") == "2001:db8:1:2::/64"
    assert address("2001:db8:1:3::1") != address("2001:db8:1:2::1")


def test_ipv4_mapped_addresses_count_as_ipv4() -> None:
    assert address("::ffff:192.0.2.1") == "192.0.2.1"
