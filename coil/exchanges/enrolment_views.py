"""Enrolment pages: join links, CSV rosters, the student profile for team formation."""

from coil.exchanges import bp  # noqa: F401
