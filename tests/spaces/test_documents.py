"""Documents: versions with author and time, conflict detection, history, restore, safe HTML."""

from __future__ import annotations

import re
from html.parser import HTMLParser

from coil.spaces.documents import MAX_BODY_BYTES
from coil.spaces.models import Document, DocumentVersion


def _create(auth, space, title="Plan", body="First draft"):
    url = f"/spaces/{space.id}/documents/new"
    response = auth.post(url, {"title": title, "body": body})
    assert response.status_code == 302, response.get_data(as_text=True)
    return response.headers["Location"]


def _versions(db, title="Plan"):
    db.session.expire_all()
    document = db.session.query(Document).filter_by(title=title).one()
    return [(v.number, v.body, v.author_id, v.restored_from) for v in document.versions]


def test_every_save_is_a_version_and_restore_copies_an_old_one(login, world, db):
    anna = login(world.member)
    doc_url = _create(anna, world.space)
    edit = f"{doc_url}/edit"
    form = anna.client.get(edit).get_data(as_text=True)
    assert 'name="base_version"' in form
    response = anna.post(edit, {"title": "Plan", "body": "Second draft", "base_version": "1"})
    assert response.status_code == 302
    assert _versions(db) == [
        (1, "First draft", world.member.id, None),
        (2, "Second draft", world.member.id, None),
    ]

    history = anna.client.get(f"{doc_url}/history").get_data(as_text=True)
    assert "Anna" in history and "<time datetime=" in history
    old = anna.client.get(f"{doc_url}/versions/1").get_data(as_text=True)
    assert "First draft" in old and "This is an old version" in old

    assert (
        anna.post(f"{doc_url}/versions/1/restore", {}, f"{doc_url}/versions/1").status_code == 302
    )
    assert _versions(db)[-1] == (3, "First draft", world.member.id, 1)
    assert "First draft" in anna.client.get(doc_url).get_data(as_text=True)


def test_two_saves_from_the_same_base_conflict_and_nothing_is_overwritten(login, world, db):
    anna, dewi = login(world.member), login(world.teammate)
    doc_url = _create(anna, world.space, body="Intro\nMethod\n")
    edit = f"{doc_url}/edit"
    # Both open the editor on version 1.
    anna_token, dewi_token = (_token(a.client, edit) for a in (anna, dewi))

    first = anna.client.post(
        edit, data={"csrf_token": anna_token, "title": "Plan", "body": "Intro\nAnna's method\n",
                    "base_version": "1"},
    )  # fmt: skip
    assert first.status_code == 302
    second = dewi.client.post(
        edit, data={"csrf_token": dewi_token, "title": "Plan", "body": "Intro\nDewi's method\n",
                    "base_version": "1"},
    )  # fmt: skip
    assert second.status_code == 409
    page = second.get_data(as_text=True)
    assert "Someone else saved a newer version" in page
    assert "Anna&#39;s method" in page and "Dewi&#39;s method" in page  # side by side
    assert "+Dewi&#39;s method" in page and "-Anna&#39;s method" in page  # the diff
    assert "Save my text as a new version anyway" in page
    assert [v[1] for v in _versions(db)] == ["Intro\nMethod\n", "Intro\nAnna's method\n"]

    # Saving anyway is explicit: the conflict page names the version Dewi has now seen.
    assert re.search(r'name="seen_version"[^>]*value="2"|value="2"[^>]*name="seen_version"', page)
    forced = dewi.client.post(
        edit, data={"csrf_token": dewi_token, "title": "Plan", "body": "Intro\nDewi's method\n",
                    "base_version": "1", "seen_version": "2"},
    )  # fmt: skip
    assert forced.status_code == 302
    assert [(v[0], v[2]) for v in _versions(db)] == [
        (1, world.member.id),
        (2, world.member.id),
        (3, world.teammate.id),
    ]
    # Having seen version 2 does not allow overwriting version 3 unseen.
    stale = dewi.client.post(
        edit, data={"csrf_token": dewi_token, "title": "Plan", "body": "Again",
                    "base_version": "1", "seen_version": "2"},
    )  # fmt: skip
    assert stale.status_code == 409
    assert len(_versions(db)) == 3


def _token(client, url):
    from tests.conftest import csrf_token

    return csrf_token(client, url)


class _Tags(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


def test_markdown_renders_without_scripts_handlers_or_javascript_links(login, world):
    body = (
        "# Findings\n\n<script>alert(1)</script>\n\n<img src=x onerror=alert(1)>\n\n"
        '<a href="javascript:alert(1)" onclick="x()">raw</a>\n\n'
        "[click](javascript:alert(1)) [safe](https://example.org) **bold**\n"
    )
    anna = login(world.member)
    html = anna.client.get(_create(anna, world.space, body=body)).get_data(as_text=True)
    article = html.split('<article class="document">')[1].split("</article>")[0]
    parser = _Tags()
    parser.feed(article)
    tags = parser.tags
    assert {tag for tag, _ in tags} <= {"h1", "p", "a", "strong"}
    assert all(not name.startswith("on") for _, attrs in tags for name in attrs)
    links = [attrs for tag, attrs in tags if tag == "a"]
    assert links == [{"href": "https://example.org", "rel": "noopener noreferrer nofollow"}]
    assert "<strong>bold</strong>" in article and "<h1>Findings</h1>" in article


def test_a_body_over_the_limit_is_refused(login, world, db):
    anna = login(world.member)
    url = f"/spaces/{world.space.id}/documents/new"
    response = anna.post(url, {"title": "Huge", "body": "é" * (MAX_BODY_BYTES // 2 + 1)})
    assert response.status_code == 422
    assert "The text is longer than 200 kB" in response.get_data(as_text=True)
    assert db.session.query(DocumentVersion).count() == 0


def test_coordinators_read_documents_but_cannot_edit_or_restore(login, world):
    doc_url = _create(login(world.member), world.space)
    cora = login(world.coordinator)
    page = cora.client.get(doc_url)
    assert page.status_code == 200 and "/edit" not in page.get_data(as_text=True)
    assert cora.client.get(f"{doc_url}/edit").status_code == 403
    assert cora.post(f"{doc_url}/versions/1/restore", {}, doc_url).status_code == 403
    assert login(world.other_team).client.get(doc_url).status_code == 403
