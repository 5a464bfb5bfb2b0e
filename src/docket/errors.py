"""One error tree with stable codes.

Every failure a user can see is a :class:`DocketError` with a code from :class:`ErrorCode`; the
HTTP status and the ``retryable`` hint travel with the code so that each wire protocol renders
errors in exactly one place and never leaks a traceback.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any


class ErrorCode(StrEnum):
    INVALID_REQUEST = "INVALID_REQUEST"
    INVALID_CONFIG_OPTIONS = "INVALID_CONFIG_OPTIONS"
    INVALID_CONFIGURATION = "INVALID_CONFIGURATION"
    UNAUTHORIZED = "UNAUTHORIZED"
    NOT_FOUND = "NOT_FOUND"
    RATE_LIMIT_EXCEEDED = "RATE_LIMIT_EXCEEDED"
    INTERNAL_ERROR = "INTERNAL_ERROR"
    UNABLE_TO_DOWNLOAD_FILE = "UNABLE_TO_DOWNLOAD_FILE"
    FILE_TYPE_NOT_SUPPORTED = "FILE_TYPE_NOT_SUPPORTED"
    FILE_SIZE_TOO_LARGE = "FILE_SIZE_TOO_LARGE"
    CORRUPT_FILE = "CORRUPT_FILE"
    PASSWORD_PROTECTED_FILE = "PASSWORD_PROTECTED_FILE"
    OCR_ERROR = "OCR_ERROR"
    FAILED_TO_CONVERT_TO_PDF = "FAILED_TO_CONVERT_TO_PDF"
    FAILED_TO_GENERATE_TARGET_FORMAT = "FAILED_TO_GENERATE_TARGET_FORMAT"
    CHUNKING_ERROR = "CHUNKING_ERROR"
    TIMEOUT = "TIMEOUT"
    MODEL_PROVIDER_ERROR = "MODEL_PROVIDER_ERROR"
    FAILED_TO_PROCESS_FILE = "FAILED_TO_PROCESS_FILE"


# (HTTP status, retryable) per code; the single source both wire protocols read.
_CODE_INFO: dict[ErrorCode, tuple[int, bool]] = {
    ErrorCode.INVALID_REQUEST: (400, False),
    ErrorCode.INVALID_CONFIG_OPTIONS: (400, False),
    ErrorCode.INVALID_CONFIGURATION: (400, False),
    ErrorCode.UNAUTHORIZED: (401, False),
    ErrorCode.NOT_FOUND: (404, False),
    ErrorCode.RATE_LIMIT_EXCEEDED: (429, True),
    ErrorCode.INTERNAL_ERROR: (500, True),
    ErrorCode.UNABLE_TO_DOWNLOAD_FILE: (400, False),
    ErrorCode.FILE_TYPE_NOT_SUPPORTED: (400, False),
    ErrorCode.FILE_SIZE_TOO_LARGE: (413, False),
    ErrorCode.CORRUPT_FILE: (422, False),
    ErrorCode.PASSWORD_PROTECTED_FILE: (422, False),
    ErrorCode.OCR_ERROR: (422, True),
    ErrorCode.FAILED_TO_CONVERT_TO_PDF: (422, False),
    ErrorCode.FAILED_TO_GENERATE_TARGET_FORMAT: (422, False),
    ErrorCode.CHUNKING_ERROR: (422, False),
    ErrorCode.TIMEOUT: (504, True),
    ErrorCode.MODEL_PROVIDER_ERROR: (502, True),
    ErrorCode.FAILED_TO_PROCESS_FILE: (422, False),
}


class DocketError(Exception):
    """A failure with a stable, documented code."""

    code: ErrorCode = ErrorCode.INTERNAL_ERROR

    def __init__(self, message: str, *, code: ErrorCode | None = None, **details: Any) -> None:
        super().__init__(message)
        if code is not None:
            self.code = code
        self.message = message
        self.details = details

    @property
    def http_status(self) -> int:
        return _CODE_INFO[self.code][0]

    @property
    def retryable(self) -> bool:
        return _CODE_INFO[self.code][1]

    def __str__(self) -> str:
        return f"{self.code.value}: {self.message}"


class InvalidRequest(DocketError):
    code = ErrorCode.INVALID_REQUEST


class InvalidConfigOptions(DocketError):
    code = ErrorCode.INVALID_CONFIG_OPTIONS


class InvalidConfiguration(DocketError):
    code = ErrorCode.INVALID_CONFIGURATION


class ModelProviderError(DocketError):
    """A configured LLM endpoint failed after retries (or answered something unusable)."""

    code = ErrorCode.MODEL_PROVIDER_ERROR


class NotFound(DocketError):
    code = ErrorCode.NOT_FOUND


class FileTypeNotSupported(DocketError):
    code = ErrorCode.FILE_TYPE_NOT_SUPPORTED


class FileSizeTooLarge(DocketError):
    code = ErrorCode.FILE_SIZE_TOO_LARGE


class CorruptFile(DocketError):
    code = ErrorCode.CORRUPT_FILE


class PasswordProtectedFile(DocketError):
    code = ErrorCode.PASSWORD_PROTECTED_FILE


class OcrError(DocketError):
    code = ErrorCode.OCR_ERROR


def code_info(code: ErrorCode) -> tuple[int, bool]:
    """HTTP status and retryable flag of a code."""
    return _CODE_INFO[code]
