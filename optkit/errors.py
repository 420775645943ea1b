"""The one exception type a user sees as a one-line error."""


class OptkitError(Exception):
    """Bad input or an impossible request; the CLI prints ``Error: <message>`` and exits 2."""
