"""The secretariat runs the observatory; everyone reads it."""

from cityloom.network.permissions import is_secretariat


def can_manage(user) -> bool:
    """Register feeds, add publications, see the feeds' errors."""
    return is_secretariat(user)
