"""Exceptions raised by xlcap. Each message names the input, what was wrong and what is valid."""

from __future__ import annotations


class XlcapError(Exception):
    """Base class of every error xlcap raises on purpose."""

    code = "error"

    def __init__(self, message: str, *, suggestions: tuple[str, ...] = ()) -> None:
        super().__init__(message)
        self.message = message
        self.suggestions = suggestions


class InvalidInputError(XlcapError, ValueError):
    """An argument could not be read: negative or non-numeric assets, an impossible date."""

    code = "invalid_input"


class UnknownPortfolioError(XlcapError, LookupError):
    """No portfolio of that name (or alias) is in the schedule in force."""

    code = "unknown_portfolio"


class NoScheduleError(XlcapError, LookupError):
    """No amendment on file is in force on the date asked."""

    code = "no_schedule"


class TermEndedError(XlcapError, LookupError):
    """The portfolio's limitation term ended before the date asked, with no continuance recorded."""

    code = "term_ended"


class ScheduleDataError(XlcapError):
    """A data file under xlcap/data is malformed; the message names the file and the field."""

    code = "bad_data"


class InputFileError(XlcapError):
    """An input file (actuals, recipients) has problems; `problems` lists every one, each with file, row and column."""

    code = "bad_input_file"

    def __init__(self, problems: list[str]) -> None:
        super().__init__(
            f"{len(problems)} problem{'s' if len(problems) != 1 else ''} found; nothing was written:\n" + "\n".join(problems)
        )
        self.problems = problems


class OutputExistsError(XlcapError):
    """The month's workbooks already exist and --force was not given."""

    code = "output_exists"


class DeliveryError(XlcapError):
    """The mail server refused a message or recipient, or the connection failed; what was delivered is logged."""

    code = "delivery_failed"


class DocumentError(InvalidInputError):
    """A file given as a filed amendment cannot be read as one: missing, empty, binary, too large, scripted, no table."""

    code = "unreadable_document"


class ImportRefusedError(XlcapError):
    """An imported amendment that must not be written: unresolved problems, or the amendment is already on file."""

    code = "import_refused"
