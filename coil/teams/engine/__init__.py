"""The team formation engine: pure functions over plain data (no Flask, no database).

Availability is a 672-bit int: bit ``k`` is the ``k``-th 15-minute slot of the week counted from
Monday 00:00 UTC, set when the student is free in that slot in every week of the exchange.
Each module imports only those listed before it:

- ``model``: constants and the plain data types (``Student``, ``Settings``, ``Result`` ...)
- ``rules``: team sizes and the hard constraints (``check_hard``)
- ``score``: the soft criteria (``Scorer``) and ``evaluate``
- ``diagnose``: input checks, the number of teams, and diagnoses proved before the search
- ``build``: construction and repair of a plan that keeps the hard constraints
- ``exact``: the exact search (OR-Tools CP-SAT) on the hard constraints, for cohorts the repair
  cannot fix: it finds a plan or proves that none exists
- ``improve``: the local search, with its fallback to ``exact``
- ``search``: ``form_teams``
- ``changes``: late joiners and drop-outs
- ``english``: English rendering of reasons, for logs, benches and tests

The web layer (``coil.teams.cohort``) loads students and settings, calls ``form_teams``, stores
the teams, and validates a lecturer's manual swap with ``check_hard``.
"""
