"""File-level errors: they stop the import before anything becomes visible."""

from django.core.management.base import CommandError


class FileError(CommandError):
    """A problem with a whole file, located as precisely as we can (file, line, column)."""

    def __init__(self, path, problem: str, *, line: int | None = None, column: str | None = None):
        where = [str(path)]
        if line is not None:
            where.append(f"ligne {line}")
        if column:
            where.append(f"colonne {column}")
        super().__init__(f"{', '.join(where)} : {problem}")
        self.path, self.line, self.column = str(path), line, column


class RefusedImport(CommandError):
    """The import was refused by a guard (too few rows); the previous data stays online."""
