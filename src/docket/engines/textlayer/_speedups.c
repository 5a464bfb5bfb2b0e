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

#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#ifndef M_PI
#define M_PI 3.14159265358979323846
#endif

#define DOCKET_SPEEDUPS_ABI 3 /* bump with any signature change: Python checks it */

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
typedef void *(*segment_fn)(void *path, int index);
typedef int (*segment_point_fn)(void *segment, float *x, float *y);
typedef int (*segment_int_fn)(void *segment);

int docket_speedups_abi(void) { return DOCKET_SPEEDUPS_ABI; }

/* A word separator of the Python reference's word pattern [^\s\x00\ufffe]+ (str.isspace() on
 * the BMP, NUL, and pdfium's line-end hyphen U+FFFE); tests compare the two on every code unit. */
static int is_separator(uint16_t c) {
    if (c <= 0x20)
        return c == 0 || c == 0x20 || (c >= 0x09 && c <= 0x0D) || c >= 0x1C;
    if (c < 0x85)
        return 0;
    return c == 0x85 || c == 0xA0 || c == 0x1680 || (c >= 0x2000 && c <= 0x200A) ||
           c == 0x2028 || c == 0x2029 || c == 0x202F || c == 0x205F || c == 0x3000 || c == 0xFFFE;
}

static uint64_t mix(uint64_t x) { /* splitmix64's finaliser */
    x ^= x >> 30;
    x *= 0xbf58476d1ce4e5b9ULL;
    x ^= x >> 27;
    x *= 0x94d049bb133111ebULL;
    return x ^ (x >> 31);
}

typedef struct { /* open addressing; the caller sizes it to at least twice the entries */
    size_t mask;
    uint64_t *keys; /* objects: their address; styles: unused */
    int32_t *values; /* -1: empty */
} table;

static int table_init(table *t, size_t entries, int with_keys) {
    size_t size = 16;
    while (size < 2 * entries + 2)
        size <<= 1;
    t->mask = size - 1;
    t->keys = with_keys ? calloc(size, sizeof(uint64_t)) : NULL;
    t->values = malloc(size * sizeof(int32_t));
    if ((with_keys && !t->keys) || !t->values)
        return -1;
    for (size_t i = 0; i < size; i++)
        t->values[i] = -1;
    return 0;
}

static void table_free(table *t) {
    free(t->keys);
    free(t->values);
}

/* The style index of (font, size bits), added to the style arrays if new. */
static int32_t style_index(table *styles, uint64_t font, double size, int32_t first,
                           uint64_t *style_fonts, double *style_sizes, int32_t *style_firsts,
                           int32_t *count) {
    uint64_t bits;
    memcpy(&bits, &size, sizeof bits);
    for (size_t at = mix(font ^ mix(bits)) & styles->mask;; at = (at + 1) & styles->mask) {
        int32_t found = styles->values[at];
        if (found < 0) {
            found = (*count)++;
            style_fonts[found] = font;
            style_sizes[found] = size;
            style_firsts[found] = first;
            styles->values[at] = found;
            return found;
        }
        uint64_t other;
        memcpy(&other, &style_sizes[found], sizeof other);
        if (style_fonts[found] == font && other == bits) /* bitwise: 0.0 and -0.0 stay apart */
            return found;
    }
}

/*
 * The words of a text page from its UTF-16 text (one code unit per character: the caller
 * handles surrogate pairs itself), in one pass instead of ~4 ctypes calls a word.
 *
 * starts/ends (room for (chars + 1) / 2 each): the [start, end) span of each word.
 * boxes (4 a word): the union of the loose boxes of the word's first and last glyph, left/right
 * and bottom/top put in order; with upright set, mapped to top-left page units as
 * (left - dx, dy - top, right - dx, dy - bottom), else left, top, right, bottom in user space.
 * style_of (a word): index into style_fonts/style_sizes/style_firsts, the distinct (font handle,
 * font size) pairs, where a word's size is that of the first word of its text object on the
 * page (its own without one), its font that object's (0 without), first the first word with
 * the style. votes[4]: the text-direction vote of direction.py over every (n / samples)-th word.
 * counts[0], counts[1]: words, styles. Returns 0, or -1 on bad arguments, -2 out of memory,
 * -3 a NaN or infinite glyph angle (the caller's reference path decides what that means).
 */
int docket_page_words(void *textpage, const uint16_t *text, int chars, void *loose_box,
                      void *text_object, void *font_size, void *font_of, void *char_angle,
                      int samples, int rotation, int upright, double dx, double dy,
                      int32_t *starts, int32_t *ends, double *boxes, int32_t *style_of,
                      uint64_t *style_fonts, double *style_sizes, int32_t *style_firsts,
                      int32_t *counts, int64_t *votes) {
    if (!counts || !votes || chars < 0)
        return -1;
    counts[0] = counts[1] = 0;
    for (int q = 0; q < 4; q++)
        votes[q] = 0;
    if (chars == 0)
        return 0;
    if (!textpage || !text || !loose_box || !text_object || !font_size || !font_of ||
        !char_angle || samples < 1 || rotation < 0 || rotation % 90 || !starts || !ends ||
        !boxes || !style_of || !style_fonts || !style_sizes || !style_firsts)
        return -1;
    int n = 0;
    for (int i = 0; i < chars;) {
        if (is_separator(text[i])) {
            i++;
            continue;
        }
        int start = i;
        while (i < chars && !is_separator(text[i]))
            i++;
        starts[n] = start;
        ends[n] = i;
        n++;
    }
    counts[0] = n;
    if (n == 0)
        return 0;

    float (*angle_of)(void *, int) = (float (*)(void *, int))char_angle;
    int step = n / samples > 1 ? n / samples : 1;
    for (int k = 0; k < n; k += step) {
        double angle = angle_of(textpage, starts[k]);
        if (angle != angle || angle > 1e15) /* NaN, inf: Python's round() raises */
            return -3;
        if (angle < 0) /* pdfium's error value */
            continue;
        double turns = nearbyint(angle * (180.0 / M_PI) / 90); /* Python's round: half to even */
        int64_t quarter = ((int64_t)turns + rotation / 90) % 4;
        votes[quarter < 0 ? quarter + 4 : quarter] += ends[k] - starts[k];
    }

    table objects = {0, NULL, NULL}, styles = {0, NULL, NULL};
    if (table_init(&objects, (size_t)n, 1) || table_init(&styles, (size_t)n, 0)) {
        table_free(&objects);
        table_free(&styles);
        return -2;
    }
    loose_box_fn box_of = (loose_box_fn)loose_box;
    text_object_fn object_of = (text_object_fn)text_object;
    font_size_fn size_of = (font_size_fn)font_size;
    font_of_fn face_of = (font_of_fn)font_of;
    uint64_t previous = 0;
    int32_t previous_style = -1;
    for (int k = 0; k < n; k++) {
        int start = starts[k], last = ends[k] - 1;
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
        int32_t style;
        if (!key) {
            style = style_index(&styles, 0, size_of(textpage, start), k, style_fonts, style_sizes,
                                style_firsts, &counts[1]);
        } else if (key == previous) {
            style = previous_style;
        } else {
            size_t at = mix(key) & objects.mask;
            while (objects.values[at] >= 0 && objects.keys[at] != key)
                at = (at + 1) & objects.mask;
            if (objects.values[at] >= 0) {
                style = objects.values[at];
            } else {
                uint64_t font = (uint64_t)(uintptr_t)face_of(object);
                style = style_index(&styles, font, size_of(textpage, start), k, style_fonts,
                                    style_sizes, style_firsts, &counts[1]);
                objects.keys[at] = key;
                objects.values[at] = style;
            }
        }
        style_of[k] = style;
        previous = key;
        previous_style = style;
    }
    table_free(&objects);
    table_free(&styles);
    return 0;
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

/* Python's min(a, b) and max(a, b): the first unless the second is strictly beyond it. */
static double py_min(double a, double b) { return b < a ? b : a; }
static double py_max(double a, double b) { return b > a ? b : a; }

/* A page point from a user-space point, as graphics.Frame.point (frame: left, bottom, width0,
 * height0). */
static void frame_point(const double *frame, int rotation, double x, double y, double *px,
                        double *py) {
    double u = x - frame[0];
    double v = frame[3] - (y - frame[1]);
    if (rotation == 90) {
        *px = frame[3] - v;
        *py = u;
    } else if (rotation == 180) {
        *px = frame[2] - u;
        *py = frame[3] - v;
    } else if (rotation == 270) {
        *px = v;
        *py = frame[2] - u;
    } else {
        *px = u;
        *py = v;
    }
}

/* graphics._axis_segment: appends the box of p-q to out if it is a horizontal or vertical rule. */
static int axis_segment(double x1, double y1, double x2, double y2, double min_length,
                        double *out) {
    int horizontal = fabs(y1 - y2) <= 1.0 && fabs(x1 - x2) >= min_length;
    if (!horizontal && !(fabs(x1 - x2) <= 1.0 && fabs(y1 - y2) >= min_length))
        return 0;
    out[0] = py_min(x1, x2);
    out[1] = py_min(y1, y2);
    out[2] = py_max(x1, x2);
    out[3] = py_max(y1, y2);
    return 1;
}

/*
 * graphics._rules_from_segments after its matrix step: the axis-aligned straight segments of
 * the first `count` segments of a path, as boxes (4 doubles each, room for 2 * count) in page
 * units. m: the path's matrix composed with its forms' (a, b, c, d, e, f); frame: left, bottom,
 * width0, height0. Returns how many boxes, or -1 on bad arguments.
 */
int docket_path_rules(void *path, int count, void *get_segment, void *get_point, void *get_type,
                      void *get_close, const double *m, const double *frame, int rotation,
                      int lineto, int moveto, double min_length, double *out) {
    if (count == 0)
        return 0;
    if (!path || count < 0 || !get_segment || !get_point || !get_type || !get_close || !m ||
        !frame || !out)
        return -1;
    segment_fn segment_of = (segment_fn)get_segment;
    segment_point_fn point_of = (segment_point_fn)get_point;
    segment_int_fn type_of = (segment_int_fn)get_type, close_of = (segment_int_fn)get_close;
    int found = 0, have_prev = 0, have_start = 0;
    double prev_x = 0, prev_y = 0, start_x = 0, start_y = 0;
    for (int i = 0; i < count; i++) {
        void *segment = segment_of(path, i);
        float x = 0, y = 0;
        if (!segment || !point_of(segment, &x, &y))
            continue;
        double px = m[0] * (double)x + m[2] * (double)y + m[4];
        double py = m[1] * (double)x + m[3] * (double)y + m[5];
        double cx, cy;
        frame_point(frame, rotation, px, py, &cx, &cy);
        int kind = type_of(segment);
        if (kind == lineto && have_prev)
            found += axis_segment(prev_x, prev_y, cx, cy, min_length, out + 4 * (size_t)found);
        if (kind == moveto) {
            start_x = cx;
            start_y = cy;
            have_start = 1;
        } else if (close_of(segment) && have_start) {
            found += axis_segment(cx, cy, start_x, start_y, min_length, out + 4 * (size_t)found);
        }
        prev_x = cx;
        prev_y = cy;
        have_prev = 1;
    }
    return found;
}
