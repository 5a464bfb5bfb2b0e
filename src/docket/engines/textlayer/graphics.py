"""Ruling-line candidates and image boxes of a PDF page, from pdfium's page objects.

Table detection reads rules (thin filled rectangles, axis-aligned path segments) and layout
reads image boxes. Objects nested in form XObjects count too. Every native call here runs under
the text layer's pdfium lock (the caller holds it); handles travel as plain addresses
(see :class:`~docket.engines.textlayer.native.Calls`).
"""

from __future__ import annotations

import ctypes
from typing import Any

from docket.domain.geometry import BBox
from docket.engines.textlayer.frame import Budget, Frame
from docket.engines.textlayer.native import Speedups, calls

_MAX_PATH_SEGMENTS = 4000
_MAX_OBJECTS = 200_000  # page objects visited for graphics, nested forms included
_CHECK_EVERY = 4096
_CHECK_MASK = _CHECK_EVERY - 1  # a power of two: a cheap test
_RULE_MAX_THICKNESS = 3.0
_RULE_MIN_LENGTH = 4.0

Matrix = tuple[float, float, float, float, float, float]
_IDENTITY: Matrix = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)


def _compose(inner: Matrix, outer: Matrix) -> Matrix:
    """The transform that applies ``inner`` first, then ``outer`` (PDF row-vector order)."""
    a1, b1, c1, d1, e1, f1 = inner
    a2, b2, c2, d2, e2, f2 = outer
    return (
        a1 * a2 + b1 * c2,
        a1 * b2 + b1 * d2,
        c1 * a2 + d1 * c2,
        c1 * b2 + d1 * d2,
        e1 * a2 + f1 * c2 + e2,
        e1 * b2 + f1 * d2 + f2,
    )


def _outer_box(
    m: Matrix, left: float, bottom: float, right: float, top: float
) -> tuple[float, float, float, float]:
    """Bounds of a form-space rectangle in the enclosing space."""
    a, b, c, d, e, f = m
    xs = [a * x + c * y + e for x in (left, right) for y in (bottom, top)]
    ys = [b * x + d * y + f for x in (left, right) for y in (bottom, top)]
    return min(xs), min(ys), max(xs), max(ys)


def read_graphics(
    page: Any, frame: Frame, raw: Any, count: int, budget: Budget, fast: Speedups | None = None
) -> tuple[list[BBox], list[BBox]]:
    """Ruling-line candidates and image boxes, including those nested in form XObjects.

    Objects inside a form report bounds in the form's space, so the forms' matrices are
    composed on the way down. Text objects (most of a page) are skipped after one type call,
    in ``fast``'s compiled loop when given.
    """
    rules: list[BBox] = []
    images: list[BBox] = []
    native = calls()
    lft, btm, rgt, top = ctypes.c_float(), ctypes.c_float(), ctypes.c_float(), ctypes.c_float()
    refs = (ctypes.byref(lft), ctypes.byref(btm), ctypes.byref(rgt), ctypes.byref(top))
    get_object, obj_type = native.page_object, native.object_type
    text_kind, form_kind = raw.FPDF_PAGEOBJ_TEXT, raw.FPDF_PAGEOBJ_FORM
    path_kind, image_kind = raw.FPDF_PAGEOBJ_PATH, raw.FPDF_PAGEOBJ_IMAGE
    forms: list[tuple[int, Matrix]] = []  # a queue: page order first, then the forms' contents
    wanted: list[tuple[int, int, Matrix]] = []

    def take(obj: int, kind: int, outer: Matrix) -> None:
        if kind == form_kind:
            forms.append((obj, outer))
        elif kind in (path_kind, image_kind):
            wanted.append((obj, kind, outer))

    def visit(obj: int | None, outer: Matrix) -> None:
        if not obj:
            return
        kind = obj_type(obj)
        if kind != text_kind:
            take(obj, kind, outer)

    page_raw = ctypes.cast(page, ctypes.c_void_p).value  # a pdfium page handle
    seen = min(count, _MAX_OBJECTS)
    if fast is not None:
        for obj, kind in fast.scan_objects(page_raw or 0, max(0, seen), form=False):
            take(obj, kind, _IDENTITY)
    else:
        for i in range(seen):
            visit(get_object(page_raw, i), _IDENTITY)
    done = 0
    matrix = raw.FS_MATRIX()
    matrix_ref = ctypes.byref(matrix)
    while done < len(forms) and seen < _MAX_OBJECTS:
        form, outer = forms[done]
        done += 1
        budget.check()
        if not native.matrix(form, matrix_ref):
            continue
        inner = _compose((matrix.a, matrix.b, matrix.c, matrix.d, matrix.e, matrix.f), outer)
        n = min(int(native.form_count(form)), _MAX_OBJECTS - seen)
        seen += n
        if fast is not None:
            for obj, kind in fast.scan_objects(form, max(0, n), form=True):
                take(obj, kind, inner)
        else:
            for j in range(n):
                visit(native.form_object(form, j), inner)
    for k, (obj, kind, outer) in enumerate(wanted):
        if k & _CHECK_MASK == _CHECK_MASK:
            budget.check()
        if not native.bounds(obj, *refs):
            continue
        bounds = (lft.value, btm.value, rgt.value, top.value)
        if outer is not _IDENTITY:
            bounds = _outer_box(outer, *bounds)
        box = frame.box(*bounds)
        if kind == path_kind:
            segs = native.segment_count(obj)
            if segs <= 6 or box.width <= _RULE_MAX_THICKNESS or box.height <= _RULE_MAX_THICKNESS:
                rules.extend(_rules_from_box(box))
            elif segs <= _MAX_PATH_SEGMENTS:
                rules.extend(_rules_from_segments(obj, frame, raw, outer, fast))
        elif box.width > 8 and box.height > 8:
            images.append(box)
    return rules, images


def _rules_from_box(box: BBox) -> list[BBox]:
    """A thin box is a rule; a larger rectangle contributes its four edges."""
    if box.width <= _RULE_MAX_THICKNESS and box.height >= _RULE_MIN_LENGTH:
        return [box]
    if box.height <= _RULE_MAX_THICKNESS and box.width >= _RULE_MIN_LENGTH:
        return [box]
    if box.width < _RULE_MIN_LENGTH or box.height < _RULE_MIN_LENGTH:
        return []
    return [
        BBox(box.left, box.top, box.right, box.top),
        BBox(box.left, box.bottom, box.right, box.bottom),
        BBox(box.left, box.top, box.left, box.bottom),
        BBox(box.right, box.top, box.right, box.bottom),
    ]


def _rules_from_segments(
    obj: int, frame: Frame, raw: Any, outer: Matrix, fast: Speedups | None
) -> list[BBox]:
    """Axis-aligned straight segments of a complex path (e.g. a whole grid in one path).

    The segment loop below is the reference for ``docket_path_rules``, which ``fast`` runs.
    """
    native = calls()
    matrix = raw.FS_MATRIX()
    if not native.matrix(obj, ctypes.byref(matrix)):
        return []
    own = (matrix.a, matrix.b, matrix.c, matrix.d, matrix.e, matrix.f)
    a, b, c, d, e, f = _compose(own, outer)
    if fast is not None:
        frame_box = (frame.left, frame.bottom, frame.width0, frame.height0)
        count = native.segment_count(obj)
        v = fast.path_rules(
            obj, count, (a, b, c, d, e, f), frame_box, frame.rotation, _RULE_MIN_LENGTH
        )
        return list(map(BBox, v[0::4], v[1::4], v[2::4], v[3::4]))
    x, y = ctypes.c_float(), ctypes.c_float()
    x_ref, y_ref = ctypes.byref(x), ctypes.byref(y)
    out: list[BBox] = []
    prev: tuple[float, float] | None = None
    start: tuple[float, float] | None = None
    lineto, moveto = raw.FPDF_SEGMENT_LINETO, raw.FPDF_SEGMENT_MOVETO
    for i in range(native.segment_count(obj)):
        seg = native.segment(obj, i)
        if not seg or not native.segment_point(seg, x_ref, y_ref):
            continue
        px, py = a * x.value + c * y.value + e, b * x.value + d * y.value + f
        cur = frame.point(px, py)
        kind = native.segment_type(seg)
        if kind == lineto and prev is not None:
            out.extend(_axis_segment(prev, cur))
        if kind == moveto:
            start = cur
        elif native.segment_close(seg) and start is not None:
            out.extend(_axis_segment(cur, start))
        prev = cur
    return out


def _axis_segment(p: tuple[float, float], q: tuple[float, float]) -> list[BBox]:
    (x1, y1), (x2, y2) = p, q
    if abs(y1 - y2) <= 1.0 and abs(x1 - x2) >= _RULE_MIN_LENGTH:
        return [BBox(min(x1, x2), min(y1, y2), max(x1, x2), max(y1, y2))]
    if abs(x1 - x2) <= 1.0 and abs(y1 - y2) >= _RULE_MIN_LENGTH:
        return [BBox(min(x1, x2), min(y1, y2), max(x1, x2), max(y1, y2))]
    return []
