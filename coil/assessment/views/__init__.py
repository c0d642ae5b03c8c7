"""Assessment pages: the student's own (``student``) and the lecturers' and coordinators'
(``staff``). Importing this package attaches them to ``bp``."""

from coil.assessment.views import staff, student

__all__ = ["staff", "student"]
