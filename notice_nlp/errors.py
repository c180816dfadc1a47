"""Errors raised by notice_nlp.

Every failure a user can cause (a bad file, bad input type, an over-long
document) raises a subclass of :class:`NoticeError` whose message says what
was wrong and what to do about it.
"""


class NoticeError(Exception):
    """Base class of every error notice_nlp raises on purpose."""


class NoticeTypeError(NoticeError, TypeError):
    """The input is not of the expected type (e.g. bytes where text is needed)."""


class NoticeFileNotFound(NoticeError, FileNotFoundError):
    """The file to read does not exist or is not a regular file."""


class FileUnreadable(NoticeError, OSError):
    """The file exists but cannot be read (permissions, an I/O error, a name too long)."""


class UnsupportedFormat(NoticeError, ValueError):
    """The file type is not one notice_nlp can read."""


class DecodeError(NoticeError, ValueError):
    """The bytes could not be decoded as text in any supported encoding."""


class EmptyDocument(NoticeError, ValueError):
    """The input holds no text (empty or whitespace only)."""


class CorruptFile(NoticeError, ValueError):
    """A .docx/.pdf/.html file is damaged, encrypted or otherwise unreadable."""


class NeedsOCR(NoticeError, ValueError):
    """A PDF without a text layer: it must be OCR'd before it can be tagged."""


class DocumentTooLarge(NoticeError, ValueError):
    """The document exceeds the configured character limit."""


class ModelError(NoticeError, RuntimeError):
    """A model folder is missing or cannot be loaded."""


class RulesError(NoticeError, ValueError):
    """A rule table under notice_nlp/rules/ is malformed: the message names the file, the key
    and what was expected (raised when the module that reads the table is imported)."""
