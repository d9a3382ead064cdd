"""Errors every layer may raise for input a person must fix."""


class InputError(ValueError):
    """Bad input; the message says what was wrong and how to fix it, fit to show as it is."""
