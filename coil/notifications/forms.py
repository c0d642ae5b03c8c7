"""Notification forms."""

from __future__ import annotations

from flask_wtf import FlaskForm


class NotificationActionForm(FlaskForm):
    """A button that opens or marks notifications; it carries only the CSRF token."""
