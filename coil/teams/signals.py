"""What happens to teams, for the domains above that react (team rooms, team spaces).

Receivers run in the sender's transaction, so what they write commits or rolls back with it.
"""

from blinker import Namespace

_signals = Namespace()

#: The lecturers published the teams of ``sender`` (an Exchange); ``teams`` lists them.
teams_published = _signals.signal("teams-published")
