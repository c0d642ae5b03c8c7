"""Who may see and change course profiles: named predicates and loader-checkers."""

from __future__ import annotations

from flask import abort
from flask_login import current_user

from coil.accounts.models import Role
from coil.accounts.permissions import Actor, is_signed_in
from coil.courses.models import Course
from coil.extensions import db


def can_view_course(actor: Actor, course: Course) -> bool:
    """Tell whether ``actor`` may see ``course``.

    Open, paired and closed courses are visible to everyone signed in (the partner directory);
    drafts only to their lecturer, their institution's coordinators and admins.
    """
    if not is_signed_in(actor):
        return False
    if course.status != "draft":
        return True
    return is_course_owner(actor, course) or _coordinates(actor, course)


def is_course_owner(actor: Actor, course: Course) -> bool:
    """Tell whether ``actor`` is the lecturer who owns ``course``."""
    return is_signed_in(actor) and actor.role == Role.LECTURER and course.owner_id == actor.id


def _coordinates(actor: Actor, course: Course) -> bool:
    if actor.role == Role.ADMIN:
        return True
    return actor.role == Role.COORDINATOR and actor.institution_id == course.institution_id


def can_edit_course(actor: Actor, course: Course) -> bool:
    """Tell whether ``actor`` may edit ``course`` (its own lecturer only)."""
    return is_course_owner(actor, course)


def can_see_matches(actor: Actor, course: Course) -> bool:
    """Tell whether ``actor`` may see ``course``'s partner matches (lecturer, coordinators)."""
    return is_course_owner(actor, course) or (is_signed_in(actor) and _coordinates(actor, course))


def get_course_or_404(course_id: int, *, edit: bool = False) -> Course:
    """Load a course the current user may see (or edit), or stop with 404 / 403."""
    course = db.session.get(Course, course_id) or abort(404)
    allowed = can_edit_course if edit else can_view_course
    if not allowed(current_user, course):
        abort(403)
    return course
