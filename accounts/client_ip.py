"""The client's address for lockouts, throttling and logs: never one it chose.

Without `TRUSTED_PROXIES` X-Forwarded-For is ignored: the address is the TCP
peer (REMOTE_ADDR). Behind trusted proxies the header is read from the right
(each proxy appends the peer it saw), skipping the proxies, and the first
address that is not one of them is the client's. Entries further left were
written by the client and are never used.
"""

import ipaddress

from django.conf import settings
from rest_framework import throttling

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


def client_ip(request) -> str | None:
    """The client address of a Django (or DRF) request; AXES_CLIENT_IP_CALLABLE."""
    meta = request.META
    return client_ip_from(meta.get("REMOTE_ADDR"), meta.get("HTTP_X_FORWARDED_FOR", ""))


def client_ip_from(remote_addr: str | None, forwarded_for: str = "") -> str | None:
    peer = _parse(remote_addr or "")
    if peer is None:
        return None  # no TCP peer (e.g. a Unix socket without a proxy)
    trusted = settings.TRUSTED_PROXIES
    if not trusted:
        return str(peer)
    hops = [_parse(item) for item in forwarded_for.split(",")] if forwarded_for else []
    nearest = peer
    for distance, hop in enumerate(reversed([*hops, peer])):
        if hop is None:
            return str(nearest)  # garbage forwarded by a proxy: the proxy is the client
        if not _is_proxy(hop, distance, trusted):
            return str(hop)
        nearest = hop
    return str(nearest)  # every hop is a proxy: the furthest one


def _is_proxy(address: IPAddress, distance: int, trusted) -> bool:
    if isinstance(trusted, int):
        return distance < trusted  # the `trusted` nearest hops are our proxies
    return any(address in network for network in trusted)


def _parse(value: str) -> IPAddress | None:
    value = value.strip()
    if value.startswith("[") and "]" in value:  # [v6]:port
        value = value[1 : value.index("]")]
    elif value.count(":") == 1:  # v4:port
        value = value.split(":")[0]
    try:
        address = ipaddress.ip_address(value)
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        return address.ipv4_mapped
    return address


class ClientIPThrottleMixin:
    """DRF throttles identify anonymous clients by client_ip(), not DRF's
    X-Forwarded-For reading (which trusts the client's leftmost entry)."""

    def get_ident(self, request):
        return client_ip(request) or ""


class AnonRateThrottle(ClientIPThrottleMixin, throttling.AnonRateThrottle):
    pass


class ScopedRateThrottle(ClientIPThrottleMixin, throttling.ScopedRateThrottle):
    pass


class UserRateThrottle(ClientIPThrottleMixin, throttling.UserRateThrottle):
    pass
