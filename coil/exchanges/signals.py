"""What happens to exchanges, for the domains above that react (rooms, spaces).

Receivers run in the sender's transaction, so what they write commits or rolls back with it.
"""

from blinker import Namespace

_signals = Namespace()

#: A course joined ``sender`` (an Exchange), which it may have just created.
course_joined = _signals.signal("exchange-course-joined")
