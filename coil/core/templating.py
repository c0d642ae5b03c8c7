"""Template helpers: dates in the viewer's zone, navigation per role, the language switch."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from babel.dates import format_datetime as babel_format_datetime
from flask import Flask, g, has_request_context, request
from flask_babel import format_datetime, get_locale, get_timezone
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from coil.accounts.models import Role
from coil.accounts.permissions import invitable_roles, is_signed_in
from coil.core.i18n import TZ_COOKIE
from coil.core.reference import country_names, language_names
from coil.core.time import local, utcnow

# (endpoint, label, roles that see it)
NAVIGATION: list[tuple[str, Any, tuple[Role, ...]]] = [
    ("home.index", _l("Home"), tuple(Role)),
    ("courses.index", _l("Courses"), (Role.COORDINATOR, Role.LECTURER)),
    ("pairings.index", _l("Proposals"), (Role.COORDINATOR, Role.LECTURER)),
    ("exchanges.index", _l("Exchanges"), tuple(Role)),
    ("chat.index", _l("Rooms"), (Role.COORDINATOR, Role.LECTURER, Role.STUDENT)),
    ("institutions.index", _l("Institutions"), (Role.ADMIN, Role.COORDINATOR, Role.LECTURER)),
    ("accounts.invitations", _l("Invitations"), (Role.ADMIN, Role.COORDINATOR, Role.LECTURER)),
    ("accounts.profile", _l("Profile"), tuple(Role)),
]


def navigation() -> list[tuple[str, Any]]:
    """Return the navigation entries for the current user's role."""
    if not is_signed_in(current_user):
        return []
    return [
        (endpoint, label) for endpoint, label, roles in NAVIGATION if current_user.role in roles
    ]


def when(value: datetime | None, format: str = "medium") -> str:
    """Format an aware UTC datetime in the viewer's time zone and language."""
    return "" if value is None else format_datetime(value, format)


def when_in(value: datetime | None, tz: str, format: str = "medium") -> str:
    """Format an aware datetime in another zone (a partner's local time) in the UI language."""
    if value is None:
        return ""
    return babel_format_datetime(
        local(value, tz), format, tzinfo=local(value, tz).tzinfo, locale=get_locale()
    )


def country_name(code: str) -> str:
    """Name an ISO 3166 country in the UI language."""
    return country_names(str(get_locale())).get(code, code)


def language_name(code: str) -> str:
    """Name an ISO 639-1 language in the UI language."""
    return language_names(str(get_locale())).get(code, code)


def _unread() -> int:
    if not is_signed_in(current_user):
        return 0
    from coil.notifications.services import unread_count

    return unread_count(current_user)


def viewer_rooms() -> list[tuple[Any, int]]:
    """Return the viewer's rooms with unread counts, computed once per request."""
    if not is_signed_in(current_user) or current_user.role == Role.ADMIN:
        return []  # admins open rooms from an exchange page; they are in none
    if "coil_viewer_rooms" not in g:
        from coil.chat.rooms import rooms_for

        g.coil_viewer_rooms = rooms_for(current_user)
    rooms: list[tuple[Any, int]] = g.coil_viewer_rooms
    return rooms


def rooms_nav() -> dict[str, int] | None:
    """Return ``{"rooms", "unread"}`` for the navigation's Rooms link, or None when it has none."""
    if not is_signed_in(current_user) or current_user.role == Role.ADMIN:
        return None
    listed = viewer_rooms()
    return {"rooms": len(listed), "unread": sum(n for _room, n in listed)}


def exchange_space(exchange: Any) -> Any:
    """Return the whole-exchange space of ``exchange``, if it exists yet."""
    from sqlalchemy import select

    from coil.extensions import db
    from coil.spaces.models import Space

    return db.session.scalar(
        select(Space).where(Space.exchange_id == exchange.id, Space.team_id.is_(None))
    )


def exchange_staff(exchange: Any) -> bool:
    """Tell whether the viewer runs or follows ``exchange`` (for its navigation)."""
    from coil.exchanges.permissions import is_exchange_staff

    return is_exchange_staff(current_user, exchange)


def install_template_helpers(app: Flask) -> None:
    """Register filters and globals used by every template."""
    app.add_template_global(exchange_space, "exchange_space")
    app.add_template_global(exchange_staff, "exchange_staff")
    app.add_template_filter(when, "when")
    app.add_template_filter(when_in, "when_in")
    app.add_template_filter(country_name, "country_name")
    app.add_template_filter(language_name, "language_name")

    @app.context_processor
    def inject() -> dict[str, Any]:
        from coil.accounts.forms import LocaleForm

        if not has_request_context():  # mail rendered by the CLI or a background job
            return {"now": utcnow()}
        locale_form = LocaleForm(formdata=None)  # never re-read the request (it may be too large)
        locale_form.locale.data = str(get_locale())
        return {
            "navigation": navigation(),
            "current_locale": str(get_locale()),
            "viewer_timezone": str(get_timezone()),
            "locale_form": locale_form,
            "can_invite": bool(invitable_roles(current_user)),
            "now": utcnow(),
            "tz_cookie": TZ_COOKIE,
            "Role": Role,
            "request_path": request.full_path.rstrip("?"),
            "unread_notifications": _unread(),
            "rooms_nav": rooms_nav(),
        }
