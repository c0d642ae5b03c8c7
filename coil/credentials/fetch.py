"""Fetch another issuer's public JSON (a key, a revocation list) without server-side forgery.

Only HTTPS, unless the issuer's address is one the admin listed as trusted
(``CREDENTIALS_TRUSTED_ISSUERS``: URL prefixes such as ``http://127.0.0.1:5001/``); never a
private, loopback, link-local or otherwise reserved address unless trusted, checked for every
DNS answer and again after every redirect (at most three); at most 64 KB and 3 seconds.
"""

from __future__ import annotations

import ipaddress
import json
import socket
from collections.abc import Callable, Sequence
from typing import Any
from urllib.parse import urljoin, urlsplit

import requests

MAX_BYTES = 64 * 1024
TIMEOUT = 3.0
MAX_REDIRECTS = 3

Resolver = Callable[[str], Sequence[str]]  # host -> IP addresses


class FetchRefused(Exception):
    """A URL we will not fetch, or a response we will not read; the message says why."""


def system_resolver(host: str) -> list[str]:
    """Return every address DNS gives for ``host``."""
    try:
        infos = socket.getaddrinfo(host, None, proto=socket.IPPROTO_TCP)
    except (socket.gaierror, UnicodeError) as error:
        raise FetchRefused(f"cannot resolve {host}") from error
    return [str(info[4][0]) for info in infos]


def is_trusted(url: str, trusted: Sequence[str]) -> bool:
    """Tell whether ``url`` lies under one of the ``trusted`` prefixes."""
    return any(prefix and url.startswith(prefix) for prefix in trusted)


def check_url(url: str, trusted: Sequence[str], resolve: Resolver) -> None:
    """Raise :class:`FetchRefused` unless ``url`` may be fetched."""
    parts = urlsplit(url)
    if not parts.hostname or parts.username or parts.password:
        raise FetchRefused("not a plain web address")
    if is_trusted(url, trusted):
        return
    if parts.scheme != "https":
        raise FetchRefused("only HTTPS addresses are fetched for untrusted issuers")
    for address in resolve(parts.hostname):
        ip = ipaddress.ip_address(address.split("%")[0])
        if not ip.is_global or ip.is_multicast:
            raise FetchRefused(f"{parts.hostname} points to a non-public address")


def fetch_json(
    url: str,
    trusted: Sequence[str],
    *,
    resolve: Resolver = system_resolver,
    get: Callable[..., Any] = requests.get,
) -> Any:
    """Return the JSON at ``url``, following at most three checked redirects."""
    for _hop in range(MAX_REDIRECTS + 1):
        check_url(url, trusted, resolve)
        try:
            response = get(url, timeout=TIMEOUT, allow_redirects=False, stream=True)
        except requests.RequestException as error:
            raise FetchRefused("the issuer did not answer") from error
        with response:
            if response.status_code in (301, 302, 303, 307, 308):
                url = urljoin(url, response.headers.get("Location", ""))
                continue
            if response.status_code != 200:
                raise FetchRefused(f"the issuer answered {response.status_code}")
            body = b""
            for chunk in response.iter_content(8192):
                body += chunk
                if len(body) > MAX_BYTES:
                    raise FetchRefused("the answer is too large")
        try:
            return json.loads(body)
        except (ValueError, RecursionError) as error:
            raise FetchRefused("the answer is not JSON") from error
    raise FetchRefused("too many redirects")
