"""Methods: the catalogue (``catalogue``: entries, options, presets) and the parts methods are
composed of -- descents, line searches, schedules, the trust region and its subproblems, Adam,
exact step rules.  A method says what one step does; the one loop lives in :mod:`optkit.run`."""
