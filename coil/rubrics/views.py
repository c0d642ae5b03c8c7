"""Rubric pages (an institution's own rubrics come with the assessment work)."""
