"""Page images with boxes drawn on them: parse blocks and extraction citations, for people.

Results people would rather look at than read get a picture: one PNG per page with each layout
block outlined in its type's colour and labelled ``<reading order> <type>``, or each cited value's
polygon labelled with its field path.

The page underneath comes from the source itself where Docket can draw it without converting:
PDFs are rendered by pdfium (page rotation applied, so boxes land where they were read) and
images are decoded with Pillow (EXIF orientation applied, like OCR reads them). Office, HTML,
e-mail and text documents have no page image of their own — their layout is computed, not
rendered — so their boxes are drawn on a blank white page of the parsed page size.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from docket.domain.document import BlockType, PageInfo, ParsedDocument
from docket.domain.extraction import ExtractionResult
from docket.engines.ocr.images import open_image, read_frame
from docket.errors import DocketError, ErrorCode

if TYPE_CHECKING:
    from PIL.Image import Image
    from PIL.ImageFont import FreeTypeFont, ImageFont

Rgb = tuple[int, int, int]
Progress = Callable[[int, int], None]

DEFAULT_SCALE = 2.0  # output pixels per page unit (1/72 inch): 144 dpi
MAX_PAGE_PIXELS = 40_000_000  # the scale shrinks for huge pages instead of exhausting memory

BLOCK_COLOURS: dict[BlockType, Rgb] = {
    BlockType.HEADING: (214, 39, 40),
    BlockType.TEXT: (31, 119, 180),
    BlockType.LIST_ITEM: (23, 190, 207),
    BlockType.TABLE: (44, 160, 44),
    BlockType.FIGURE: (255, 127, 14),
    BlockType.KEY_VALUE: (148, 103, 189),
    BlockType.HEADER: (127, 127, 127),
    BlockType.FOOTER: (127, 127, 127),
    BlockType.PAGE_NUMBER: (188, 189, 34),
    BlockType.FORMULA: (227, 119, 194),
    BlockType.BARCODE: (140, 86, 75),
}
# Citations: a schema field keeps one colour on every page and in every array item.
FIELD_PALETTE: tuple[Rgb, ...] = (
    (214, 39, 40),
    (31, 119, 180),
    (44, 160, 44),
    (255, 127, 14),
    (148, 103, 189),
    (140, 86, 75),
    (227, 119, 194),
    (23, 190, 207),
    (188, 189, 34),
    (127, 127, 127),
)
_FILL_ALPHA = 48


@dataclass(frozen=True)
class Mark:
    """One shape to draw: a polygon in page units (top-left origin), its label and colour."""

    page: int
    polygon: tuple[tuple[float, float], ...]
    label: str
    colour: Rgb


def block_marks(doc: ParsedDocument) -> list[Mark]:
    """Every block, numbered in reading order within its page."""
    marks: list[Mark] = []
    seen: dict[int, int] = {}
    for block in doc.blocks:
        n = seen[block.page] = seen.get(block.page, 0) + 1
        marks.append(
            Mark(
                page=block.page,
                polygon=tuple(block.bbox.polygon()),
                label=f"{n} {block.type.value}",
                colour=BLOCK_COLOURS[block.type],
            )
        )
    return marks


_INDEX = re.compile(r"\[\d+\]")


def field_key(path: str) -> str:
    """The schema field of a value path: ``items[0].qty`` and ``items[5].qty`` share one."""
    return _INDEX.sub("[]", path)


def _leaves(paths: Iterable[str]) -> list[str]:
    """Paths with no cited path below them (an array item's box would cover its fields')."""
    every = list(paths)
    return [p for p in every if not any(q.startswith((p + ".", p + "[")) for q in every)]


def citation_marks(result: ExtractionResult, doc: ParsedDocument) -> list[Mark]:
    """Every leaf value's citation polygons, labelled with its value path."""
    sizes = {p.number: (p.width, p.height) for p in doc.pages}
    colours: dict[str, Rgb] = {}  # per schema field, in order of first appearance
    marks: list[Mark] = []
    many = len(result.outputs) > 1
    for i, output in enumerate(result.outputs):
        prefix = ""
        if many:
            prefix = f"page {output.page}: " if output.table_row is None else f"row {i + 1}: "
        cited = [path for path, meta in output.metadata.items() if meta.citations]
        for path in _leaves(cited):
            for cite in output.metadata[path].citations:
                if len(cite.polygon) < 3 or cite.page not in sizes:
                    continue
                w, h = sizes[cite.page]
                sx = w / cite.page_width if cite.page_width else 1.0
                sy = h / cite.page_height if cite.page_height else 1.0
                marks.append(
                    Mark(
                        page=cite.page,
                        polygon=tuple((p.x * sx, p.y * sy) for p in cite.polygon),
                        label=prefix + path,
                        colour=colours.setdefault(
                            field_key(path), FIELD_PALETTE[len(colours) % len(FIELD_PALETTE)]
                        ),
                    )
                )
    return marks


def _font(size: int) -> FreeTypeFont | ImageFont:
    from PIL import ImageFont

    try:
        return ImageFont.load_default(size=size)
    except TypeError:  # Pillow < 10.1: the fixed bitmap font
        return ImageFont.load_default()


def _scale_for(page: PageInfo, scale: float) -> float:
    pixels = page.width * page.height * scale * scale
    if pixels > MAX_PAGE_PIXELS:
        scale *= (MAX_PAGE_PIXELS / pixels) ** 0.5
    return scale


class _Backgrounds:
    """Page pictures from the source: pdfium for PDFs, Pillow for images, else blank paper."""

    def __init__(self, data: bytes, doc: ParsedDocument, password: str | None) -> None:
        self._data = data
        self._pdf: object | None = None
        self._kind = "blank"
        if data[:1024].lstrip().startswith(b"%PDF-") or doc.mime_type == "application/pdf":
            import pypdfium2

            try:
                self._pdf = pypdfium2.PdfDocument(data, password=password)
                self._kind = "pdf"
            except pypdfium2.PdfiumError as exc:
                raise DocketError(
                    f"cannot render the PDF: {exc}", code=ErrorCode.CORRUPT_FILE
                ) from None
        elif doc.mime_type.startswith("image/"):
            self._kind = "image"

    def page(self, info: PageInfo, size: tuple[int, int]) -> Image:
        from PIL import Image as PilImage

        if self._kind == "pdf":
            import pypdfium2

            assert isinstance(self._pdf, pypdfium2.PdfDocument)
            page = self._pdf[info.number - 1]
            scale = size[0] / info.width if info.width else 1.0
            picture: Image = page.render(scale=scale).to_pil().convert("RGB")
        elif self._kind == "image":
            with open_image(self._data) as (image, _frames):
                picture = read_frame(image, info.number).image.convert("RGB")
        else:
            return PilImage.new("RGB", size, (255, 255, 255))
        if picture.size != size:
            picture = picture.resize(size, PilImage.Resampling.LANCZOS)
        return picture

    def close(self) -> None:
        close = getattr(self._pdf, "close", None)
        if close is not None:
            close()


def draw_page(picture: Image, marks: Sequence[Mark], scale: float) -> Image:
    """``picture`` with the marks drawn: translucent fill, solid outline, a label tab."""
    from PIL import Image as PilImage
    from PIL import ImageDraw

    base = picture.convert("RGBA")
    layer = PilImage.new("RGBA", base.size, (0, 0, 0, 0))
    draw = ImageDraw.Draw(layer)
    width = max(1, round(scale))
    font = _font(max(9, round(7 * scale)))
    for mark in marks:
        pts = [(x * scale, y * scale) for x, y in mark.polygon]
        draw.polygon(pts, fill=(*mark.colour, _FILL_ALPHA))
        draw.line([*pts, pts[0]], fill=(*mark.colour, 255), width=width)
    for mark in marks:  # labels last, so no box is drawn over a label
        left = min(x for x, _ in mark.polygon) * scale
        top = min(y for _, y in mark.polygon) * scale
        box = draw.textbbox((0, 0), mark.label, font=font)
        tw, th = box[2] - box[0] + 4, box[3] - box[1] + 4
        y = top - th if top - th >= 0 else top
        draw.rectangle((left, y, left + tw, y + th), fill=(*mark.colour, 230))
        draw.text((left + 2 - box[0], y + 2 - box[1]), mark.label, fill="white", font=font)
    return PilImage.alpha_composite(base, layer).convert("RGB")


def render_overlays(
    data: bytes,
    doc: ParsedDocument,
    marks: Iterable[Mark],
    out_dir: Path,
    stem: str,
    *,
    pages: Iterable[int] | None = None,
    password: str | None = None,
    scale: float = DEFAULT_SCALE,
    progress: Progress | None = None,
) -> list[Path]:
    """Write ``<stem>-page-<n>.png`` for each of ``pages`` (default: every parsed page).

    Each image has the page's aspect ratio at ``scale`` pixels per page unit.
    """
    by_page: dict[int, list[Mark]] = {}
    for mark in marks:
        by_page.setdefault(mark.page, []).append(mark)
    infos = {p.number: p for p in doc.pages}
    wanted = [n for n in (pages if pages is not None else infos) if n in infos]
    out_dir.mkdir(parents=True, exist_ok=True)
    digits = max(3, len(str(max(infos, default=1))))
    backgrounds = _Backgrounds(data, doc, password)
    written: list[Path] = []
    try:
        for done, number in enumerate(wanted, 1):
            info = infos[number]
            s = _scale_for(info, scale)
            size = (max(1, round(info.width * s)), max(1, round(info.height * s)))
            picture = draw_page(backgrounds.page(info, size), by_page.get(number, []), s)
            path = out_dir / f"{stem}-page-{number:0{digits}d}.png"
            picture.save(path, optimize=True)
            written.append(path)
            if progress is not None:
                progress(done, len(wanted))
    finally:
        backgrounds.close()
    return written
