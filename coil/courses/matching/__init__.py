"""The partner matching engine: pure functions over plain data (no Flask, no database).

- ``profile``: ``CourseProfile`` (what a lecturer describes) and its prepared form, ``prepare``,
  ``dump`` / ``load`` (the only step that calls zoneinfo is ``prepare``)
- ``weeks``: weekly segments of UTC weeks that meet the same way, and the minutes two share
- ``bounds``: a columnar NumPy snapshot that bounds many candidates' scores at once
- ``reasons``: the ``Reason`` type (a code and its parameters) and its English wording
- ``verdicts``: builds a ``Match`` (score, components, reasons) and explains exclusions
- ``rank``: the hard constraints, the weighted score and ``rank`` itself

``coil.courses.partner_search`` runs it against the database; ``coil.courses.describe`` words
its reasons in the viewer's language.
"""
