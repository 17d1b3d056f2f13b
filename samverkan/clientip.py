"""The client's address, for lock-outs and the access log.

Behind our TLS proxy the connecting address is the proxy's, and the client's is in
X-Forwarded-For. Only the entries our own proxies appended can be trusted: a client may write
anything at the start of the header. So the address is taken counting from the right:
the last entry, or further left by the number of extra proxies of ours (PROXY_COUNT)."""

import ipaddress

from django.conf import settings


def client_ip(request) -> str | None:
    remote = request.META.get("REMOTE_ADDR") or None
    if not getattr(settings, "BEHIND_TLS_PROXY", False):
        return remote
    forwarded = [
        part.strip()
        for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
        if part.strip()
    ]
    index = getattr(settings, "PROXY_COUNT", 0)
    if len(forwarded) <= index:
        return remote
    candidate = forwarded[-1 - index]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return remote
