"""Legacy and ODF formats (RTF, ODT/ODS/ODP, DOC, PPT…) converted to PDF by LibreOffice.

LibreOffice is a system package, not a pip one, so this is only available where ``soffice``
is on PATH; otherwise the request fails with FAILED_TO_CONVERT_TO_PDF saying what to install.
Each conversion runs in a fresh profile directory with a timeout, so a hung or hostile file
cannot block the worker or leak state between jobs.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

from docket.errors import DocketError, ErrorCode

TIMEOUT_S = 120.0


def soffice_path() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def convert_to_pdf(data: bytes, suffix: str, timeout: float = TIMEOUT_S) -> bytes:
    """PDF bytes of the document; ``suffix`` (e.g. ``.rtf``) tells LibreOffice the filter."""
    binary = soffice_path()
    if binary is None:
        raise DocketError(
            f"converting {suffix} files needs LibreOffice; install it (e.g. `apt-get install "
            "libreoffice-core libreoffice-writer`) so that `soffice` is on PATH",
            code=ErrorCode.FAILED_TO_CONVERT_TO_PDF,
        )
    with tempfile.TemporaryDirectory(prefix="docket-lo-") as tmp:
        work = Path(tmp)
        src = work / f"input{suffix}"
        src.write_bytes(data)
        cmd = [
            binary,
            f"-env:UserInstallation={(work / 'profile').as_uri()}",
            "--headless",
            "--norestore",
            "--convert-to",
            "pdf",
            "--outdir",
            str(work / "out"),
            str(src),
        ]
        try:
            subprocess.run(cmd, capture_output=True, timeout=timeout, check=False)
        except subprocess.TimeoutExpired as exc:
            raise DocketError(
                f"LibreOffice did not finish converting the file within {timeout:.0f} s",
                code=ErrorCode.FAILED_TO_CONVERT_TO_PDF,
            ) from exc
        except OSError as exc:
            raise DocketError(
                f"LibreOffice could not be started: {exc}", code=ErrorCode.FAILED_TO_CONVERT_TO_PDF
            ) from exc
        out = work / "out" / "input.pdf"
        if not out.is_file() or out.stat().st_size == 0:
            raise DocketError(
                "LibreOffice could not convert the file to PDF (damaged or unsupported content)",
                code=ErrorCode.FAILED_TO_CONVERT_TO_PDF,
            )
        return out.read_bytes()
