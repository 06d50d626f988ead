import ipaddress

from django.conf import settings


def client_ip(request) -> str:
    """The reader's IP address, as far as it can be trusted.

    Directly served, it is REMOTE_ADDR. Behind our reverse proxies (BEHIND_PROXY), it is
    the address the outermost of them saw: each proxy appends the address it received
    the request from to X-Forwarded-For, so with PROXY_COUNT proxies the trustworthy entry
    is the PROXY_COUNT-th from the right. Anything further left was written by the client
    and is ignored. An entry that is not an address (a proxy misconfigured to pass
    "unknown", or a port glued to it) falls back to REMOTE_ADDR: addresses are stored in
    columns that PostgreSQL types as inet, where anything else fails the request.
    """
    if settings.BEHIND_PROXY:
        hops = [
            hop.strip()
            for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
            if hop.strip()
        ]
        if len(hops) >= settings.PROXY_COUNT:
            try:
                return str(ipaddress.ip_address(hops[-settings.PROXY_COUNT]))
            except ValueError:
                pass
    return request.META.get("REMOTE_ADDR", "")


def address_group(address: str) -> str:
    """The unit that one subscriber's traffic comes from: an IPv4 address as it is, an IPv6
    address by its /64 (a mobile or home subscriber gets a whole /64 and picks addresses
    in it freely). An IPv4-mapped IPv6 address is its IPv4 address; anything that is not
    an address is returned as it is.
    """
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return address
    if ip.version == 6:
        if ip.ipv4_mapped is not None:
            return str(ip.ipv4_mapped)
        return str(ipaddress.IPv6Network((ip, 64), strict=False))
    return str(ip)
