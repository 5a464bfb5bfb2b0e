"""Spreadsheets: XLSX/XLSM through openpyxl, legacy XLS through xlrd.

Each sheet becomes a section (a heading with the sheet's name) holding its used range as a
table; merged cells become spans; formulas are read as the values the spreadsheet saved with
them (the file's cached results; nothing is recalculated). Hidden sheets are skipped.
"""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

from docket.engines.office.flow import Flow, FlowPage
from docket.engines.office.safety import check_zip
from docket.engines.office.text import table_pages
from docket.errors import CorruptFile, DocketError, ErrorCode, FileSizeTooLarge

MAX_CELLS = 2_000_000
MAX_XLSX_INFLATED = 128 * 1024 * 1024  # openpyxl holds the whole sheet tree in memory


def _missing(pkg: str) -> DocketError:
    return DocketError(
        f"reading spreadsheets needs {pkg}; install it with `pip install 'docket[office]'`",
        code=ErrorCode.INVALID_CONFIGURATION,
    )


def cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(" ")
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    return str(value)


def read_xlsx(data: bytes) -> list[FlowPage]:
    check_zip(data, max_uncompressed=MAX_XLSX_INFLATED)
    try:
        import openpyxl
    except ImportError as exc:  # pragma: no cover - depends on the install
        raise _missing("openpyxl") from exc
    try:
        wb = openpyxl.load_workbook(io.BytesIO(data), data_only=True, read_only=False)
    except Exception as exc:  # openpyxl raises many types for damaged parts
        raise CorruptFile(f"the workbook cannot be read: {exc}") from exc
    flow = Flow()
    cells = 0
    try:
        for ws in wb.worksheets:
            if ws.sheet_state != "visible":
                continue
            cells += ws.max_row * ws.max_column
            if cells > MAX_CELLS:
                raise FileSizeTooLarge(f"the workbook has more than {MAX_CELLS} cells")
            r0, c0 = ws.min_row, ws.min_column
            rows = [
                [cell_text(v) for v in row]
                for row in ws.iter_rows(min_row=r0, min_col=c0, values_only=True)
            ]
            spans = {
                (m.min_row - r0, m.min_col - c0): (
                    m.max_row - m.min_row + 1,
                    m.max_col - m.min_col + 1,
                )
                for m in ws.merged_cells.ranges
                if m.min_row >= r0 and m.min_col >= c0
            }
            if flow.page.blocks:
                flow.page_break()
            table_pages(_trim(rows), title=ws.title, flow=flow, spans=spans)
    finally:
        wb.close()
    return flow.pages


def read_xls(data: bytes) -> list[FlowPage]:
    try:
        import xlrd
    except ImportError as exc:  # pragma: no cover - depends on the install
        raise _missing("xlrd") from exc
    try:
        book = xlrd.open_workbook(file_contents=data, formatting_info=True, on_demand=True)
    except Exception as exc:  # xlrd raises XLRDError, struct.error, AssertionError…
        raise CorruptFile(f"the workbook cannot be read: {exc}") from exc
    flow = Flow()
    cells = 0
    try:
        for index in range(book.nsheets):
            sh = book.sheet_by_index(index)
            if getattr(sh, "visibility", 0):
                continue
            cells += sh.nrows * sh.ncols
            if cells > MAX_CELLS:
                raise FileSizeTooLarge(f"the workbook has more than {MAX_CELLS} cells")
            rows = [[_xls_value(book, sh.cell(r, c)) for c in range(sh.ncols)]
                    for r in range(sh.nrows)]  # fmt: skip
            spans = {(r0, c0): (r1 - r0, c1 - c0) for r0, r1, c0, c1 in sh.merged_cells}
            if flow.page.blocks:
                flow.page_break()
            table_pages(_trim(rows), title=sh.name, flow=flow, spans=spans)
    finally:
        book.release_resources()
    return flow.pages


def _xls_value(book: Any, cell: Any) -> str:
    import xlrd

    if cell.ctype == xlrd.XL_CELL_DATE:
        try:
            return cell_text(xlrd.xldate.xldate_as_datetime(cell.value, book.datemode))
        except (ValueError, OverflowError):
            return cell_text(cell.value)
    if cell.ctype == xlrd.XL_CELL_BOOLEAN:
        return cell_text(bool(cell.value))
    if cell.ctype == xlrd.XL_CELL_ERROR:
        return xlrd.error_text_from_code.get(cell.value, "#ERR")  # type: ignore[no-any-return]
    return cell_text(cell.value)


def _trim(rows: list[list[str]]) -> list[list[str]]:
    """Drop trailing empty rows and columns (formatting often stretches the used range)."""
    while rows and not any(c.strip() for c in rows[-1]):
        rows.pop()
    width = max((i + 1 for r in rows for i, c in enumerate(r) if c.strip()), default=0)
    return [r[:width] for r in rows]
