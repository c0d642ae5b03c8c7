"""The pages run under the site's Content-Security-Policy, and a violation fails a browser test."""

from __future__ import annotations

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def test_an_inline_script_is_blocked_and_reported(people):
    (anna,) = people("anna")
    page = anna.open_room()  # the live room works under the policy (its socket connected)
    page.evaluate(
        "() => { const s = document.createElement('script');"
        " s.textContent = 'window.injected = true'; document.body.appendChild(s); }"
    )
    page.wait_for_timeout(300)
    assert page.evaluate("() => window.injected === undefined")
    reported = [e for e in anna.errors if "Content Security Policy" in e or "CSP" in e]
    assert reported, anna.errors
    anna.errors.clear()  # expected here; anywhere else the fixture fails the test
