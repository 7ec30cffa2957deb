"""Exceptions raised by xlcap. Each message names the input, what was wrong and what is valid.

Each class carries the CLI exit code it means, so every command maps an error the same way
(the README's exit-code table is this list):
0 ok; 1 no limit can be given; 2 usage or invalid input; 3 malformed data files;
4 output exists, conflicts or is busy; 5 delivery failed; 6 output cannot be written;
70 internal error; 130 interrupted; 141 stdout closed by its reader.
"""

from __future__ import annotations

EXIT_OK = 0
EXIT_NO_LIMIT = 1
EXIT_USAGE = 2
EXIT_DATA = 3
EXIT_CONFLICT = 4
EXIT_DELIVERY = 5
EXIT_WRITE = 6
EXIT_INTERNAL = 70
EXIT_INTERRUPTED = 130  # Ctrl-C, as shells report SIGINT
EXIT_CLOSED_PIPE = 141  # the reader closed stdout, as shells report SIGPIPE


class XlcapError(Exception):
    """Base class of every error xlcap raises on purpose."""

    code = "error"
    exit_code = EXIT_NO_LIMIT

    def __init__(self, message: str, *, suggestions: tuple[str, ...] = (), exit_code: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.suggestions = suggestions
        if exit_code is not None:
            self.exit_code = exit_code


class InvalidInputError(XlcapError, ValueError):
    """An argument could not be read: negative or non-numeric assets, an impossible date."""

    code = "invalid_input"
    exit_code = EXIT_USAGE


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
    exit_code = EXIT_DATA


class InputFileError(XlcapError):
    """An input file (actuals, recipients) has problems; `problems` lists every one, each with file, row and column."""

    code = "bad_input_file"
    exit_code = EXIT_USAGE

    def __init__(self, problems: list[str]) -> None:
        super().__init__(
            f"{len(problems)} problem{'s' if len(problems) != 1 else ''} found; nothing was written:\n" + "\n".join(problems)
        )
        self.problems = problems


class OutputExistsError(XlcapError):
    """The month's workbooks already exist and --force was not given."""

    code = "output_exists"
    exit_code = EXIT_CONFLICT


class DeliveryError(XlcapError):
    """The mail server refused a message or recipient, or the connection failed; what was delivered is logged."""

    code = "delivery_failed"
    exit_code = EXIT_DELIVERY


class DocumentError(InvalidInputError):
    """A file given as a filed amendment cannot be read as one: missing, empty, binary, too large, scripted, no table."""

    code = "unreadable_document"


class ImportRefusedError(XlcapError):
    """An imported amendment that must not be written: unresolved problems, or the amendment is already on file."""

    code = "import_refused"
    exit_code = EXIT_CONFLICT


class BusyError(XlcapError):
    """Another xlcap run holds the folder's lock (a report or send in progress)."""

    code = "busy"
    exit_code = EXIT_CONFLICT


class OutputWriteError(XlcapError):
    """An output file or folder cannot be written: not a folder, read-only, name too long, disk full."""

    code = "cannot_write"
    exit_code = EXIT_WRITE


class SendLogError(XlcapError):
    """The send log is damaged (a line that is not a whole record, not only a torn last line); nothing is sent."""

    code = "bad_send_log"
    exit_code = EXIT_DATA
