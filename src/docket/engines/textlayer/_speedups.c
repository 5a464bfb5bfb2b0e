/*
 * Docket text-layer speedups: the per-word and per-object pdfium loops, run natively.
 *
 * Plain C with no Python or pdfium headers: Python (ctypes) passes the pdfium functions in as
 * addresses taken from pypdfium2's bindings, so this library links against nothing and does
 * not depend on the Python ABI. Each call here replaces thousands of ctypes calls (~0.5 us
 * each). Built at install time by hatch_build.py; without it the pure-Python path in
 * pdfium.py / graphics.py runs and gives the same output (that path is the reference).
 *
 * Every entry point validates its arguments and returns -1 on bad ones, never touching memory
 * it was not given; pdfium itself validates character indexes and handles.
 */

#include <stddef.h>
#include <stdint.h>

#define DOCKET_SPEEDUPS_ABI 1 /* bump with any signature change: Python checks it */

typedef struct {
    float left, top, right, bottom;
} docket_rectf; /* pdfium's FS_RECTF */

typedef int (*loose_box_fn)(void *textpage, int index, docket_rectf *rect);
typedef void *(*text_object_fn)(void *textpage, int index);
typedef double (*font_size_fn)(void *textpage, int index);
typedef void *(*font_of_fn)(void *text_object);
typedef void *(*page_object_fn)(void *page, int index);
typedef void *(*form_object_fn)(void *form, unsigned long index);
typedef int (*object_type_fn)(void *object);

int docket_speedups_abi(void) { return DOCKET_SPEEDUPS_ABI; }

/*
 * Boxes and text objects of n words given as [start, end) character spans (2n int32).
 *
 * boxes (4n doubles): the union of the loose boxes of each word's first and last glyph,
 * left/right and bottom/top put in order; with upright set, mapped to top-left page units as
 * (left - dx, dy - top, right - dx, dy - bottom), otherwise left, top, right, bottom in PDF
 * user space. keys (n): the word's text object (0 if none). sizes and fonts (n): the font
 * size of the word's first glyph and its text object's font, filled only where the text
 * object changes from the previous word's (or is 0): the first word of each object always
 * has them, which is all the caller reads. Returns n, or -1 on bad arguments.
 */
int docket_word_boxes(void *textpage, int chars, const int32_t *spans, int n, void *loose_box,
                      void *text_object, void *font_size, void *font_of, int upright, double dx,
                      double dy, double *boxes, uint64_t *keys, double *sizes, uint64_t *fonts) {
    if (n == 0)
        return 0; /* nothing to read (empty arrays may come as NULL) */
    if (!textpage || !spans || !loose_box || !text_object || !font_size || !font_of || !boxes ||
        !keys || !sizes || !fonts || n < 0 || chars < 0 || n > chars)
        return -1;
    for (int k = 0; k < n; k++) {
        int32_t start = spans[2 * k], end = spans[2 * k + 1];
        if (start < 0 || end <= start || end > chars)
            return -1;
    }
    loose_box_fn box_of = (loose_box_fn)loose_box;
    text_object_fn object_of = (text_object_fn)text_object;
    font_size_fn size_of = (font_size_fn)font_size;
    font_of_fn face_of = (font_of_fn)font_of;
    uint64_t previous = 0;
    for (int k = 0; k < n; k++) {
        int start = spans[2 * k], last = spans[2 * k + 1] - 1;
        docket_rectf a = {0, 0, 0, 0}, b = {0, 0, 0, 0};
        box_of(textpage, start, &a);
        float left = a.left, top = a.top, right = a.right, bottom = a.bottom;
        if (last > start) {
            box_of(textpage, last, &b);
            if (b.left < left)
                left = b.left;
            if (b.right > right)
                right = b.right;
            if (b.top > top)
                top = b.top;
            if (b.bottom < bottom)
                bottom = b.bottom;
        }
        if (left > right) {
            float t = left;
            left = right;
            right = t;
        }
        if (bottom > top) {
            float t = bottom;
            bottom = top;
            top = t;
        }
        double *out = boxes + 4 * (size_t)k;
        if (upright) {
            out[0] = (double)left - dx;
            out[1] = dy - (double)top;
            out[2] = (double)right - dx;
            out[3] = dy - (double)bottom;
        } else {
            out[0] = left;
            out[1] = top;
            out[2] = right;
            out[3] = bottom;
        }
        void *object = object_of(textpage, start);
        uint64_t key = (uint64_t)(uintptr_t)object;
        keys[k] = key;
        if (k == 0 || key == 0 || key != previous) {
            sizes[k] = size_of(textpage, start);
            fonts[k] = object ? (uint64_t)(uintptr_t)face_of(object) : 0;
        } else {
            sizes[k] = 0.0;
            fonts[k] = 0;
        }
        previous = key;
    }
    return n;
}

/*
 * The first `count` objects of a page (get_page_object) or a form (get_form_object; exactly one
 * of the two is given) that are not NULL and not of type text_kind: their handles and types go
 * to handles/kinds (room for `count` each). Returns how many, or -1 on bad arguments.
 */
int docket_scan_objects(void *parent, int count, void *get_page_object, void *get_form_object,
                        void *get_type, int text_kind, uint64_t *handles, int32_t *kinds) {
    if (count == 0)
        return 0; /* nothing to read (empty arrays may come as NULL) */
    if (!parent || count < 0 || !get_type || !handles || !kinds ||
        (!get_page_object) == (!get_form_object))
        return -1;
    page_object_fn page_object = (page_object_fn)get_page_object;
    form_object_fn form_object = (form_object_fn)get_form_object;
    object_type_fn type_of = (object_type_fn)get_type;
    int found = 0;
    for (int i = 0; i < count; i++) {
        void *object = page_object ? page_object(parent, i) : form_object(parent, (unsigned long)i);
        if (!object)
            continue;
        int kind = type_of(object);
        if (kind == text_kind)
            continue;
        handles[found] = (uint64_t)(uintptr_t)object;
        kinds[found] = kind;
        found++;
    }
    return found;
}
