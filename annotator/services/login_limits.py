"""One limit on password guessing for every way in: the API token endpoint, the web UI's
session login and the Django admin's login form.

Failed logins are counted twice, per client address and per user name, in fixed windows of
LOGIN_FAILURE_WINDOW_SECONDS. A client or user name at its limit is refused before the
password is even checked, so the right password does not help either until the window ends.

The counters live in Django's default cache, Redis (settings.CACHES), so every gunicorn
worker and every machine shares them. When Redis does not answer, the counters fall back to
the process's own memory (the "local" cache) and an error is logged: logins keep working and
stay limited, though each process then counts on its own, so the effective limit is
multiplied by the number of web processes until Redis is back (retried every
_REDIS_RETRY_SECONDS).

The client address is REMOTE_ADDR, unless TRUSTED_PROXY_COUNT says how many proxies in front
of the app append to X-Forwarded-For: then it is the entry that many places from the right
(what the nearest trusted proxy saw). Entries further left are written by the client and are
never trusted. IPv6 addresses count per /64, which one client usually holds whole.
"""

from __future__ import annotations

import hashlib
import ipaddress
import logging
import time
from typing import Any

from django.conf import settings
from django.contrib.auth import authenticate
from django.core.cache import BaseCache, caches
from django.http import HttpRequest
from redis.exceptions import RedisError

log = logging.getLogger(__name__)

_REDIS_RETRY_SECONDS = 30
_redis_down_until = 0.0


class LoginThrottled(Exception):
    """Too many failed logins from this client or for this user name."""

    def __init__(self, retry_after: int) -> None:
        self.retry_after = retry_after
        super().__init__(f"too many failed logins; try again in {retry_after} seconds")


def client_address(request: HttpRequest) -> str:
    """The address the limits count by (see the module's docstring)."""
    remote = request.META.get("REMOTE_ADDR", "") or "unknown"
    proxies = settings.TRUSTED_PROXY_COUNT
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if proxies > 0 and forwarded:
        entries = [entry.strip() for entry in forwarded.split(",") if entry.strip()]
        if entries:
            remote = entries[-min(proxies, len(entries))]
    try:
        address = ipaddress.ip_address(remote)
    except ValueError:
        return remote[:100]
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped is not None:
            return str(address.ipv4_mapped)
        return str(ipaddress.ip_network(f"{address}/64", strict=False))
    return str(address)


def _keys(address: str, username: str) -> list[tuple[str, int]]:
    """(cache key, limit) for the client's counter and the user name's in the current window."""
    window = int(time.time()) // settings.LOGIN_FAILURE_WINDOW_SECONDS
    # User names are case-folded so "Alice" and "alice" share a counter; both are hashed so
    # any input makes a short, safe key.
    name = hashlib.sha256(username.casefold().encode()).hexdigest()[:32]
    client = hashlib.sha256(address.encode()).hexdigest()[:32]
    return [
        (f"login-failures:client:{client}:{window}", settings.LOGIN_FAILURES_PER_CLIENT),
        (f"login-failures:user:{name}:{window}", settings.LOGIN_FAILURES_PER_USERNAME),
    ]


def _retry_after() -> int:
    window = settings.LOGIN_FAILURE_WINDOW_SECONDS
    return max(1, window - int(time.time()) % window)


def _counters(operation: Any) -> Any:
    """Run `operation(cache)` on the shared cache, or on this process's memory when the
    shared cache does not answer (logged, and retried after _REDIS_RETRY_SECONDS)."""
    global _redis_down_until
    if time.monotonic() >= _redis_down_until:
        try:
            return operation(caches["default"])
        except (RedisError, OSError) as error:
            _redis_down_until = time.monotonic() + _REDIS_RETRY_SECONDS
            log.error(
                "login limits: the shared cache is unreachable (%s); counting failed logins in this "
                "process only for %d s",
                error,
                _REDIS_RETRY_SECONDS,
            )
    return operation(caches["local"])


def check_login_allowed(request: HttpRequest, *, username: str) -> None:
    """Raise LoginThrottled when this client or this user name has used up its failures."""
    keys = _keys(client_address(request), username)

    def over(cache: BaseCache) -> bool:
        counts = cache.get_many([key for key, _ in keys])
        return any(counts.get(key, 0) >= limit for key, limit in keys)

    if _counters(over):
        raise LoginThrottled(_retry_after())


def record_failed_login(request: HttpRequest, *, username: str) -> None:
    keys = _keys(client_address(request), username)
    timeout = settings.LOGIN_FAILURE_WINDOW_SECONDS + 5

    def count(cache: BaseCache) -> None:
        for key, _ in keys:
            # add() starts the counter only if missing; incr() is atomic in Redis.
            cache.add(key, 0, timeout)
            try:
                cache.incr(key)
            except ValueError:  # expired between the two calls: this failure starts a new count
                cache.add(key, 1, timeout)

    _counters(count)


def forget_failed_logins(request: HttpRequest, *, username: str) -> None:
    """After a successful login, the user name starts afresh. The client's count stays: an
    attacker could otherwise clear it by logging in to an account of their own."""
    user_key = _keys(client_address(request), username)[1][0]
    _counters(lambda cache: cache.delete(user_key))


def authenticate_limited(request: HttpRequest, *, username: str, password: str) -> Any:
    """Django's authenticate() behind the limits: the active user, or None for wrong
    credentials (counted); raises LoginThrottled without checking the password when the
    client or the user name is at its limit."""
    check_login_allowed(request, username=username)
    user = authenticate(request, username=username, password=password)
    if user is None or not user.is_active:
        record_failed_login(request, username=username)
        return None
    forget_failed_logins(request, username=username)
    return user
