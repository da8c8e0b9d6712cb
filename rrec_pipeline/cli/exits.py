"""Exit codes shared by every command, and the usage error that maps to 2."""

EXIT_OK, EXIT_INVALID, EXIT_USAGE = 0, 1, 2


class UsageError(Exception):
    """Bad arguments or configuration: reported on stderr with exit code 2."""
