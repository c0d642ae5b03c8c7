"""The keyboard focus ring stands out (WCAG 1.4.11, 3:1) on every background it is drawn on."""

from __future__ import annotations

import re

import pytest

from coil import ROOT

CSS = (ROOT / "static" / "css" / "coil.css").read_text()


def variable(name: str) -> str:
    found = re.search(rf"--{name}:\s*(#[0-9a-fA-F]{{6}})", CSS)
    assert found, name
    return found.group(1)


def luminance(colour: str) -> float:
    """WCAG 2 relative luminance of a #rrggbb colour."""
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    r, g, b = (c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: str, b: str) -> float:
    light, dark = sorted((luminance(a), luminance(b)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def test_contrast_formula_matches_the_published_extremes():
    assert contrast("#000000", "#ffffff") == pytest.approx(21)
    assert contrast("#ffbf47", "#ffffff") == pytest.approx(1.64, abs=0.01)  # the old amber ring


@pytest.mark.parametrize(
    "background",
    ["paper", "soft", "brand-dark", "#eef4fb", "#fff1cc"],  # page, panels, header, messages
)
def test_focus_ring_reaches_three_to_one(background):
    colour = background if background.startswith("#") else variable(background)
    assert contrast(variable("focus"), colour) >= 3, (variable("focus"), colour)


def test_every_outline_uses_the_focus_colour():
    for rule in re.findall(r"outline:\s*([^;}]+)", CSS):
        assert rule.strip() == "none" or "var(--focus)" in rule, rule
