"""Fetching another issuer's key or revocation list: HTTPS to public addresses only, unless
trusted; every DNS answer and every redirect checked; bounded size."""

from __future__ import annotations

import pytest

from coil.credentials.fetch import FetchRefused, check_url, fetch_json

TRUSTED = ["http://127.0.0.1:5001/"]


def dns(table):
    return lambda host: table[host]


class Answer:
    def __init__(self, status=200, body=b"{}", location=None):
        self.status_code, self.body = status, body
        self.headers = {"Location": location} if location else {}

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def iter_content(self, size):
        for start in range(0, len(self.body), size):
            yield self.body[start : start + size]


PUBLIC = dns({"issuer.example": ["93.184.216.34"], "evil.example": ["93.184.216.34", "10.0.0.5"]})


@pytest.mark.parametrize(
    ("url", "why"),
    [
        ("http://issuer.example/key.json", "HTTPS"),
        ("https://evil.example/key.json", "non-public"),  # one private DNS answer is enough
        ("https://127.0.0.1/key.json", "non-public"),
        ("https://169.254.169.254/latest", "non-public"),
        ("https://[::1]/key.json", "non-public"),
        ("https://user:pw@issuer.example/", "plain"),
    ],
)
def test_unsafe_addresses_are_refused(url, why):
    resolve = dns(
        {
            "127.0.0.1": ["127.0.0.1"],
            "169.254.169.254": ["169.254.169.254"],
            "::1": ["::1"],
            "issuer.example": ["93.184.216.34"],
            "evil.example": ["93.184.216.34", "10.0.0.5"],
        }
    )
    with pytest.raises(FetchRefused, match=why):
        check_url(url, [], resolve)


def test_a_trusted_prefix_may_be_local_and_plain_http():
    check_url("http://127.0.0.1:5001/issuers/1/keys/a.json", TRUSTED, dns({}))
    with pytest.raises(FetchRefused):
        check_url("http://127.0.0.1:5002/issuers/1/keys/a.json", TRUSTED, dns({}))


def test_a_redirect_to_a_private_address_is_refused():
    answers = iter([Answer(302, location="https://10.1.2.3/key.json")])
    resolve = dns({"issuer.example": ["93.184.216.34"], "10.1.2.3": ["10.1.2.3"]})
    with pytest.raises(FetchRefused, match="non-public"):
        fetch_json(
            "https://issuer.example/k", [], resolve=resolve, get=lambda *a, **k: next(answers)
        )


def test_size_and_json_are_bounded():
    big = lambda *a, **k: Answer(body=b"[" + b"1," * 40000 + b"1]")  # noqa: E731
    with pytest.raises(FetchRefused, match="too large"):
        fetch_json("https://issuer.example/k", [], resolve=PUBLIC, get=big)
    junk = lambda *a, **k: Answer(body=b"<html>")  # noqa: E731
    with pytest.raises(FetchRefused, match="not JSON"):
        fetch_json("https://issuer.example/k", [], resolve=PUBLIC, get=junk)
    ok = lambda *a, **k: Answer(body=b'{"kty": "EC"}')  # noqa: E731
    assert fetch_json("https://issuer.example/k", [], resolve=PUBLIC, get=ok) == {"kty": "EC"}


def test_too_many_redirects():
    loop = lambda *a, **k: Answer(302, location="https://issuer.example/again")  # noqa: E731
    with pytest.raises(FetchRefused, match="redirects"):
        fetch_json("https://issuer.example/k", [], resolve=PUBLIC, get=loop)
