"""The profile page: name, UI language, time zone, spoken languages, password change."""

from __future__ import annotations

from coil.accounts.models import Role


def _profile_data(**changes):
    data = {
        "name": "Ana Tester",
        "locale": "nl",
        "timezone": "Asia/Jakarta",
        "languages-0-language": "en",
        "languages-0-level": "B2",
        "languages-1-language": "id",
        "languages-1-level": "C2",
        "languages-2-language": "",
        "languages-2-level": "",
        "languages-3-language": "",
        "languages-3-level": "",
    }
    data.update(changes)
    return data


def test_profile_saves_languages_and_zone(client, auth, factory, db):
    user = factory.user(Role.STUDENT, languages=(("nl", "C2"),))
    auth.login(user.email)
    response = auth.post("/profile", _profile_data())
    assert response.status_code == 302
    db.session.refresh(user)
    assert (user.name, user.locale, user.timezone) == ("Ana Tester", "nl", "Asia/Jakarta")
    assert sorted((lang.language, lang.level) for lang in user.languages) == [
        ("en", "B2"),
        ("id", "C2"),
    ]
    page = client.get("/profile").get_data(as_text=True)
    assert "Je profiel" in page or "Your profile" in page


def test_bad_profile_input_changes_nothing(client, auth, factory, db):
    user = factory.user(Role.STUDENT, timezone="Europe/Amsterdam", languages=(("nl", "C2"),))
    auth.login(user.email)
    for changes, message in [
        ({"timezone": "Not/AZone"}, "Choose a time zone from the list"),
        ({"languages-1-language": "en"}, "List each language once."),
        ({"languages-0-level": ""}, "Choose a level for this language."),
        ({"languages-0-language": "xx"}, "Choose a language from the list."),
    ]:
        response = auth.post("/profile", _profile_data(**changes))
        assert response.status_code == 422, changes
        assert message in response.get_data(as_text=True)
    db.session.expire_all()
    assert user.timezone == "Europe/Amsterdam"
    assert [(lang.language, lang.level) for lang in user.languages] == [("nl", "C2")]


def test_password_change_checks_the_current_one(client, auth, factory):
    user = factory.user(Role.LECTURER)
    auth.login(user.email)
    wrong = auth.post(
        "/profile/password",
        {"current": "nope nope nope", "password": "new secret 123", "confirm": "new secret 123"},
        form_url="/profile",
    )
    assert wrong.status_code == 422
    assert "current password is not right" in wrong.get_data(as_text=True)
    right = auth.post(
        "/profile/password",
        {
            "current": "correct horse battery",
            "password": "new secret 123",
            "confirm": "new secret 123",
        },
        form_url="/profile",
    )
    assert right.status_code == 302
    auth.logout()
    assert auth.login(user.email, "new secret 123").status_code == 302
