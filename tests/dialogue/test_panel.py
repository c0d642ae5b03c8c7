"""The room page's dialogue panel: its strings reach the script, its controls are labelled."""

from __future__ import annotations

import json
import re

from flask import render_template


def test_the_panel_hands_its_translated_strings_to_the_script(app):
    with app.test_request_context("/"):
        html = render_template("chat/_dialogue.html")
    blob = re.search(r'<script type="application/json" id="dialogue-strings">(.*?)</script>', html)
    strings = json.loads(blob.group(1))
    assert strings["speaking"] == "Now speaking: {name}"
    assert strings["left"] == "{time} left"
    assert set(strings["kinds"]) == {"icebreaker", "comparison", "reflection"}
    assert {"you", "spoke", "passed", "waiting", "time_up", "ended", "error"} <= set(strings)
    assert 'src="/static/js/dialogue.js?v=' in html


def test_every_control_of_the_panel_has_a_label(app):
    with app.test_request_context("/"):
        html = render_template("chat/_dialogue.html")
    for control in ("dialogue-turn-length", "dialogue-kind"):
        assert f'<label for="{control}">' in html and f'id="{control}"' in html
    values = re.findall(r'<option value="(\d+)"', html)
    assert values == ["30", "60", "90", "120", "180", "300", "600"]
    assert '<option value="120" selected>' in html
    for label in ("Pass my turn", "Next speaker", "End the round", "Draw a card"):
        assert f">{label}</button>" in html
    assert 'role="timer" aria-live="off"' in html and 'role="status"' in html
