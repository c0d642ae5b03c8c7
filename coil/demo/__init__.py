"""The demo world: institutions, people and courses on real calendars (``seed``), the courses
(``courses``) and a running exchange with published teams and live rooms (``rooms``)."""
