"""Running a method: :func:`minimize` (the one loop, ``driver``) and its plain records
(``results``: Status, Record, Result with a JSON round trip)."""
