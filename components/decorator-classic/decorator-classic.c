/*
 * decorator-classic: the look of the window manager of examples/windows (its README is the
 * contract), after a 1990s desktop: grey frames, a navy title bar on the focused window, the close
 * button at the right end of the title bar.
 *
 * ROM window_layout   the windows on screen, bottom to top
 * ROM pointer         the mouse
 * report margins      constant: {"top":24,"right":4,"bottom":4,"left":4}
 * report hover        what the pointer is over (topmost window first)
 * report decorations  the shapes to draw around each window
 *
 * It keeps no state: every update reads both ROMs and submits all three reports. Everything it
 * allocates comes from the kit's heap, which is dropped when romhost_update returns, so memory
 * does not grow across updates. Geometry is computed in 64 bits, so no input overflows.
 */
#include "romhost.h"

typedef struct {
  const uint8_t *bytes;
  size_t len;
} span;

/* ---------------------------------------------------------------------------------------------
 * Reading JSON. Only what the protocol needs is decoded (integers, booleans, the raw tokens of
 * strings); everything else is validated and skipped, so a value that is not JSON is rejected as
 * a whole (the contract treats it as absent) rather than half read.
 */

typedef struct {
  const uint8_t *bytes;
  size_t len;
  size_t at;
  /* skip_value's stack of open containers; allocated once per ROM, on first need, because a
   * recursive skipper would overflow the 64 KiB stack on deeply nested input. */
  uint8_t *open;
} reader;

static void skip_space(reader *r) {
  while (r->at < r->len) {
    uint8_t c = r->bytes[r->at];
    if (c != ' ' && c != '\t' && c != '\n' && c != '\r') break;
    r->at++;
  }
}

/* Consumes `c` after any whitespace, if it is next. */
static bool eat(reader *r, uint8_t c) {
  skip_space(r);
  if (r->at < r->len && r->bytes[r->at] == c) {
    r->at++;
    return true;
  }
  return false;
}

static int hex_digit(uint8_t c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

/* The length of the well-formed UTF-8 sequence (RFC 3629: no overlongs, no surrogates, at most
 * U+10FFFF) that starts with a byte >= 0x80 at `s`, or 0. Titles are copied raw into the
 * reports, so a title that is not UTF-8 would make them something other than JSON text. */
static size_t utf8_sequence(const uint8_t *s, size_t available) {
  uint8_t lead = s[0], low = 0x80, high = 0xbf;
  size_t n;
  if (lead >= 0xc2 && lead <= 0xdf) {
    n = 2;
  } else if (lead >= 0xe0 && lead <= 0xef) {
    n = 3;
    if (lead == 0xe0) low = 0xa0;
    if (lead == 0xed) high = 0x9f;
  } else if (lead >= 0xf0 && lead <= 0xf4) {
    n = 4;
    if (lead == 0xf0) low = 0x90;
    if (lead == 0xf4) high = 0x8f;
  } else {
    return 0;
  }
  if (available < n || s[1] < low || s[1] > high) return 0;
  for (size_t i = 2; i < n; i++) {
    if (s[i] < 0x80 || s[i] > 0xbf) return 0;
  }
  return n;
}

/* A string token, validated; *token is its raw bytes, quotes and escapes included. */
static bool read_string(reader *r, span *token) {
  skip_space(r);
  size_t start = r->at;
  if (r->at >= r->len || r->bytes[r->at] != '"') return false;
  r->at++;
  while (r->at < r->len) {
    uint8_t c = r->bytes[r->at];
    if (c == '"') {
      r->at++;
      *token = (span){ r->bytes + start, r->at - start };
      return true;
    }
    if (c < 0x20) return false;
    if (c == '\\') {
      if (r->at + 1 >= r->len) return false;
      uint8_t e = r->bytes[r->at + 1];
      if (e == 'u') {
        if (r->len - r->at < 6) return false;
        for (size_t i = 2; i < 6; i++) {
          if (hex_digit(r->bytes[r->at + i]) < 0) return false;
        }
        r->at += 6;
      } else if (e == '"' || e == '\\' || e == '/' || e == 'b' || e == 'f' || e == 'n' || e == 'r' || e == 't') {
        r->at += 2;
      } else {
        return false;
      }
    } else if (c < 0x80) {
      r->at++;
    } else {
      size_t n = utf8_sequence(r->bytes + r->at, r->len - r->at);
      if (n == 0) return false;
      r->at += n;
    }
  }
  return false;
}

/* Whether the string token `token` (already validated) decodes to `name`, an ASCII name:
 * "\u0069d" is the key id as much as "id" is. */
static bool key_is(span token, const char *name) {
  size_t i = 1, end = token.len - 1, n = 0;
  while (i < end) {
    uint8_t c = token.bytes[i];
    if (c == '\\') {
      uint8_t e = token.bytes[i + 1];
      if (e == 'u') {
        int value = 0;
        for (size_t k = 2; k < 6; k++) value = value * 16 + hex_digit(token.bytes[i + k]);
        if (value >= 0x80) return false;
        c = (uint8_t)value;
        i += 6;
      } else {
        c = e == 'b' ? '\b' : e == 'f' ? '\f' : e == 'n' ? '\n' : e == 'r' ? '\r' : e == 't' ? '\t' : e;
        i += 2;
      }
    } else {
      i++;
    }
    if (name[n] == '\0' || (uint8_t)name[n] != c) return false;
    n++;
  }
  return name[n] == '\0';
}

static bool digit(reader *r) {
  return r->at < r->len && r->bytes[r->at] >= '0' && r->bytes[r->at] <= '9';
}

/* A number token. *value is its value and *whole true when it is an integer in the range of a
 * signed 32-bit integer (no fraction, no exponent), the only numbers the protocol has. */
static bool read_number(reader *r, int64_t *value, bool *whole) {
  skip_space(r);
  bool negative = r->at < r->len && r->bytes[r->at] == '-';
  if (negative) r->at++;
  if (!digit(r)) return false;
  /* Stops accumulating past 2^31 so that a thousand digits cannot overflow: still out of range. */
  int64_t magnitude = 0;
  bool leading_zero = r->bytes[r->at] == '0';
  while (digit(r)) {
    if (magnitude <= ((int64_t)1 << 31)) magnitude = magnitude * 10 + (r->bytes[r->at] - '0');
    r->at++;
    if (leading_zero) break; /* "0" is a whole integer part; "012" is not JSON (the 1 is left) */
  }
  *whole = true;
  if (r->at < r->len && r->bytes[r->at] == '.') {
    r->at++;
    if (!digit(r)) return false;
    while (digit(r)) r->at++;
    *whole = false;
  }
  if (r->at < r->len && (r->bytes[r->at] == 'e' || r->bytes[r->at] == 'E')) {
    r->at++;
    if (r->at < r->len && (r->bytes[r->at] == '+' || r->bytes[r->at] == '-')) r->at++;
    if (!digit(r)) return false;
    while (digit(r)) r->at++;
    *whole = false;
  }
  *value = negative ? -magnitude : magnitude;
  if (*value < INT32_MIN || *value > INT32_MAX) *whole = false;
  return true;
}

/* A required integer of the protocol: a number that is not one makes the value absent. */
static bool read_int(reader *r, int64_t *value) {
  bool whole;
  return read_number(r, value, &whole) && whole;
}

/* Consumes the literal `word` (true, false or null) if it is next. */
static bool eat_word(reader *r, const char *word) {
  skip_space(r);
  size_t n = strlen(word);
  if (r->len - r->at < n || memcmp(r->bytes + r->at, word, n) != 0) return false;
  r->at += n;
  return true;
}

static bool read_bool(reader *r, bool *value) {
  if (eat_word(r, "true")) {
    *value = true;
    return true;
  }
  *value = false;
  return eat_word(r, "false");
}

/* Skips one JSON value of any depth, validating it: iterative, with the containers still open
 * in r->open (at most one per byte of the ROM). */
static bool skip_value(reader *r) {
  size_t depth = 0;
  for (;;) {
    /* A value is expected here. */
    skip_space(r);
    if (r->at >= r->len) return false;
    uint8_t c = r->bytes[r->at];
    if (c == '{' || c == '[') {
      if (r->open == NULL) r->open = romhost_alloc(r->len);
      r->open[depth++] = c == '{' ? '}' : ']';
      r->at++;
      if (eat(r, r->open[depth - 1])) {
        depth--;
      } else {
        span key;
        if (c == '{' && !(read_string(r, &key) && eat(r, ':'))) return false;
        continue;
      }
    } else if (c == '"') {
      span token;
      if (!read_string(r, &token)) return false;
    } else if (c == 't' || c == 'f' || c == 'n') {
      if (!eat_word(r, "true") && !eat_word(r, "false") && !eat_word(r, "null")) return false;
    } else {
      int64_t value;
      bool whole;
      if (!read_number(r, &value, &whole)) return false;
    }
    /* After a value: close the containers it completes, then expect the next value. */
    for (;;) {
      if (depth == 0) return true;
      if (eat(r, r->open[depth - 1])) {
        depth--;
        continue;
      }
      if (!eat(r, ',')) return false;
      span key;
      if (r->open[depth - 1] == '}' && !(read_string(r, &key) && eat(r, ':'))) return false;
      break;
    }
  }
}

/* The members of an object, one at a time; `r` is past its '{'. Returns 1 with the key's token
 * and `r` past the ':', 0 past the closing '}', -1 on a syntax error. */
static int next_member(reader *r, bool first, span *key) {
  if (eat(r, '}')) return 0;
  if (!first && !eat(r, ',')) return -1;
  if (!read_string(r, key) || !eat(r, ':')) return -1;
  return 1;
}

/* Whether nothing but whitespace is left. */
static bool at_end(reader *r) {
  skip_space(r);
  return r->at == r->len;
}

/* ---------------------------------------------------------------------------------------------
 * The protocol's values.
 */

typedef struct {
  int64_t id, x, y, w, h;
  span title; /* the raw token, quotes included */
  bool focused;
} window;

typedef struct {
  window *items;
  size_t count;
} layout;

typedef struct {
  int64_t x, y, w, h;
} rect;

/* The geometry. Margins: 24 on top (a 4 px border and the 20 px title area), 4 elsewhere. */
enum {
  TOP = 24,
  SIDE = 4,    /* right, bottom and left margins */
  EDGE = 4,    /* the resize border: the outer 4 px of the frame */
  CORNER = 16, /* a corner's zone along each edge, from the frame's corner */
  BAR = 20,    /* the title bar starts this far above the content */
  BAR_H = 18,  /* and leaves a 2 px grey gap above the content */
  BUTTON = 14, /* the close button's side */
  BUTTON_X = 16, /* its left edge, to the left of the content's right edge */
  BUTTON_Y = 18, /* its top edge, above the content */
};

static rect frame_of(const window *w) {
  return (rect){ w->x - SIDE, w->y - TOP, w->w + 2 * SIDE, w->h + TOP + SIDE };
}

static rect bar_of(const window *w) {
  return (rect){ w->x, w->y - BAR, w->w, BAR_H };
}

static rect button_of(const window *w) {
  return (rect){ w->x + w->w - BUTTON_X, w->y - BUTTON_Y, BUTTON, BUTTON };
}

static bool inside(rect r, int64_t x, int64_t y) {
  return x >= r.x && x < r.x + r.w && y >= r.y && y < r.y + r.h;
}

static bool int32(int64_t v) {
  return v >= INT32_MIN && v <= INT32_MAX;
}

/* Whether every number the decorations of `w` hold is a signed 32-bit integer, as the protocol's
 * numbers must be: the frame encloses every other shape except a narrow window's close button. */
static bool drawable(const window *w) {
  if (w->id <= 0 || w->w < 0 || w->h < 0) return false;
  rect f = frame_of(w), b = button_of(w);
  return int32(f.x) && int32(f.y) && int32(f.w) && int32(f.h) && int32(f.x + f.w) && int32(f.y + f.h) && int32(b.x);
}

enum { ID = 1, TITLE = 2, X = 4, Y = 8, W = 16, H = 32, FOCUSED = 64, ALL = 127 };

/* One window of window_layout: all seven keys are required, unknown ones skipped. */
static bool read_window(reader *r, window *w) {
  if (!eat(r, '{')) return false;
  unsigned seen = 0;
  for (bool first = true;; first = false) {
    span key;
    int member = next_member(r, first, &key);
    if (member < 0) return false;
    if (member == 0) break;
    /* A duplicate key is read again: the last one counts, as in JSON.parse. */
    bool ok = true;
    unsigned which = 0;
    if (key_is(key, "id")) ok = read_int(r, &w->id), which = ID;
    else if (key_is(key, "title")) ok = read_string(r, &w->title), which = TITLE;
    else if (key_is(key, "x")) ok = read_int(r, &w->x), which = X;
    else if (key_is(key, "y")) ok = read_int(r, &w->y), which = Y;
    else if (key_is(key, "w")) ok = read_int(r, &w->w), which = W;
    else if (key_is(key, "h")) ok = read_int(r, &w->h), which = H;
    else if (key_is(key, "focused")) ok = read_bool(r, &w->focused), which = FOCUSED;
    else ok = skip_value(r);
    if (!ok) return false;
    seen |= which;
  }
  return seen == ALL && drawable(w);
}

/* ROM window_layout; false when it is absent or is not a valid layout (then it counts as absent). */
static bool read_layout(span rom, layout *out) {
  if (rom.bytes == NULL) return false;
  reader r = { rom.bytes, rom.len, 0, NULL };
  /* Grown as windows are read, doubling, so that memory follows the windows there are rather
   * than the bytes (an upper bound from the ROM's size could outgrow the memory cap and trap). */
  size_t capacity = 16;
  out->items = romhost_alloc(capacity * sizeof(window));
  out->count = 0;
  if (!eat(&r, '[')) return false;
  if (!eat(&r, ']')) {
    do {
      if (out->count == capacity) {
        window *grown = romhost_alloc(2 * capacity * sizeof(window));
        memcpy(grown, out->items, capacity * sizeof(window));
        out->items = grown;
        capacity *= 2;
      }
      if (!read_window(&r, &out->items[out->count])) return false;
      out->count++;
    } while (eat(&r, ','));
    if (!eat(&r, ']')) return false;
  }
  return at_end(&r);
}

typedef struct {
  int64_t x, y;
} point;

/* ROM pointer: `x` and `y` are required; `pressed` is the layouter's business and is skipped
 * like any other key. */
static bool read_pointer(span rom, point *p) {
  if (rom.bytes == NULL) return false;
  reader r = { rom.bytes, rom.len, 0, NULL };
  if (!eat(&r, '{')) return false;
  unsigned seen = 0;
  for (bool first = true;; first = false) {
    span key;
    int member = next_member(&r, first, &key);
    if (member < 0) return false;
    if (member == 0) break;
    bool ok = true;
    unsigned which = 0;
    if (key_is(key, "x")) ok = read_int(&r, &p->x), which = X;
    else if (key_is(key, "y")) ok = read_int(&r, &p->y), which = Y;
    else ok = skip_value(&r);
    if (!ok) return false;
    seen |= which;
  }
  return seen == (X | Y) && at_end(&r);
}

/* ---------------------------------------------------------------------------------------------
 * Hover.
 */

enum { NORTH = 1, SOUTH = 2, EAST = 4, WEST = 8 };

typedef enum { OVER_NOTHING, OVER_CONTENT, OVER_TITLE, OVER_CLOSE, OVER_BORDER } element;

typedef struct {
  element over;
  size_t window; /* its index in the layout, unless over nothing */
  unsigned edges; /* OVER_BORDER: the edges a press there resizes */
} hover;

/* The edges of the frame `f` that the border pixel (x, y) resizes: its own edge first (so the
 * strips of a small frame are never mistaken for each other), then the corner zones. */
static unsigned edges_at(rect f, int64_t x, int64_t y) {
  unsigned edges = 0;
  int64_t right = f.x + f.w, bottom = f.y + f.h;
  if (y < f.y + EDGE) edges |= NORTH;
  else if (y >= bottom - EDGE) edges |= SOUTH;
  else if (y < f.y + CORNER) edges |= NORTH;
  else if (y >= bottom - CORNER) edges |= SOUTH;
  if (x < f.x + EDGE) edges |= WEST;
  else if (x >= right - EDGE) edges |= EAST;
  else if (x < f.x + CORNER) edges |= WEST;
  else if (x >= right - CORNER) edges |= EAST;
  return edges;
}

/* Topmost window first: the last of the layout is on top. */
static hover hover_at(const layout *l, point p) {
  for (size_t i = l->count; i-- > 0;) {
    const window *w = &l->items[i];
    rect f = frame_of(w);
    if (!inside(f, p.x, p.y)) continue;
    hover h = { OVER_TITLE, i, 0 };
    rect content = { w->x, w->y, w->w, w->h };
    rect within_border = { f.x + EDGE, f.y + EDGE, f.w - 2 * EDGE, f.h - 2 * EDGE };
    if (inside(content, p.x, p.y)) {
      h.over = OVER_CONTENT;
    } else if (!inside(within_border, p.x, p.y)) {
      h.over = OVER_BORDER;
      h.edges = edges_at(f, p.x, p.y);
    } else if (inside(button_of(w), p.x, p.y)) {
      h.over = OVER_CLOSE;
    }
    /* else the title area: the title bar and the grey gap below it, off the button */
    return h;
  }
  return (hover){ OVER_NOTHING, 0, 0 };
}

/* ---------------------------------------------------------------------------------------------
 * Writing. One growing buffer per report, in the update's heap (the kit drops it afterwards).
 */

typedef struct {
  uint8_t *bytes;
  size_t len, capacity;
} buffer;

/* Room for `n` more bytes, doubling. Out of line: it runs about once a report. */
__attribute__((noinline)) static void grow(buffer *b, size_t n) {
  size_t capacity = 2 * b->capacity + n + 256;
  uint8_t *grown = romhost_alloc(capacity);
  if (b->len > 0) memcpy(grown, b->bytes, b->len);
  b->bytes = grown;
  b->capacity = capacity;
}

/* Byte by byte: the fragments are short, and memory.copy costs more to call than they take to
 * copy. */
static void put(buffer *b, const void *bytes, size_t n) {
  if (b->len + n > b->capacity) grow(b, n);
  uint8_t *to = b->bytes + b->len;
  const uint8_t *from = bytes;
  for (size_t i = 0; i < n; i++) to[i] = from[i];
  b->len += n;
}

static void put_span(buffer *b, span s) {
  put(b, s.bytes, s.len);
}

/* A string literal as a span, measured by the compiler (-ffreestanding folds no strlen). */
#define LIT(literal) ((span){ (const uint8_t *)(literal), sizeof(literal) - 1 })
#define PUT(b, literal) put_span((b), LIT(literal))

/* Every number written is a 32-bit one (drawable() sees to it), and 32-bit division by 10 is a
 * multiplication where the kit's 64-bit romhost_decimal divides for real: it took half the
 * time of an update. The kit stays the fallback for anything larger. */
static void put_int(buffer *b, int64_t value) {
  char digits[20];
  if (value < 0) PUT(b, "-");
  uint64_t magnitude = value < 0 ? 0 - (uint64_t)value : (uint64_t)value;
  if (magnitude > UINT32_MAX) {
    put(b, digits, romhost_decimal(magnitude, digits));
    return;
  }
  size_t at = sizeof digits;
  uint32_t rest = (uint32_t)magnitude;
  do {
    digits[--at] = (char)('0' + rest % 10);
    rest /= 10;
  } while (rest != 0);
  put(b, digits + at, sizeof digits - at);
}

/* The colours. */
#define GREY "#c0c0c0"
#define DARK_GREY "#808080"
#define NAVY "#000080"
#define WHITE "#ffffff"
#define BLACK "#000000"

/* The fixed text of the shapes, in as few pieces as the numbers between them allow. */
#define SHAPE(part, type) "{\"part\":\"" part "\",\"type\":\"" type "\","
#define FILL(color) ",\"fill\":\"" color "\""
#define STROKE(color) ",\"stroke\":\"" color "\""

/* A rect shape: `head` is SHAPE(part, "rect") "\"x\":", `paint` its fill, stroke and closing
 * brace. */
static void put_rect(buffer *b, span head, rect r, span paint) {
  put_span(b, head);
  put_int(b, r.x);
  PUT(b, ",\"y\":");
  put_int(b, r.y);
  PUT(b, ",\"w\":");
  put_int(b, r.w);
  PUT(b, ",\"h\":");
  put_int(b, r.h);
  put_span(b, paint);
}

/* One stroke of the close button's ×. */
static void put_stroke(buffer *b, int64_t x1, int64_t y1, int64_t x2, int64_t y2) {
  PUT(b, "," SHAPE("close", "line") "\"x1\":");
  put_int(b, x1);
  PUT(b, ",\"y1\":");
  put_int(b, y1);
  PUT(b, ",\"x2\":");
  put_int(b, x2);
  PUT(b, ",\"y2\":");
  put_int(b, y2);
  PUT(b, STROKE(BLACK) ",\"width\":2}");
}

/* One window's entry: frame, the highlighted border strips, title bar, title, close button. */
static void put_window(buffer *b, const window *w, const hover *h, bool hovered) {
  PUT(b, "{\"window\":");
  put_int(b, w->id);
  PUT(b, ",\"shapes\":[");
  rect f = frame_of(w);
  put_rect(b, LIT(SHAPE("frame", "rect") "\"x\":"), f, LIT(FILL(GREY) STROKE(BLACK) "}"));
  /* A hovered border element shows the edges a press there would move. */
  unsigned edges = hovered && h->over == OVER_BORDER ? h->edges : 0;
  span border = LIT("," SHAPE("border", "rect") "\"x\":"), dark = LIT(FILL(DARK_GREY) "}");
  if (edges & NORTH) put_rect(b, border, (rect){ f.x, f.y, f.w, EDGE }, dark);
  if (edges & SOUTH) put_rect(b, border, (rect){ f.x, f.y + f.h - EDGE, f.w, EDGE }, dark);
  if (edges & EAST) put_rect(b, border, (rect){ f.x + f.w - EDGE, f.y, EDGE, f.h }, dark);
  if (edges & WEST) put_rect(b, border, (rect){ f.x, f.y, EDGE, f.h }, dark);

  put_rect(b, LIT("," SHAPE("title", "rect") "\"x\":"), bar_of(w), w->focused ? LIT(FILL(NAVY) "}") : LIT(FILL(DARK_GREY) "}"));
  /* The title, left-aligned; the close button, drawn after it, covers a title too long. */
  PUT(b, "," SHAPE("title", "text") "\"x\":");
  put_int(b, w->x + 4);
  PUT(b, ",\"y\":");
  put_int(b, w->y - 7);
  PUT(b, ",\"text\":");
  put_span(b, w->title);
  if (w->focused) PUT(b, FILL(WHITE) ",\"size\":12,\"anchor\":\"start\",\"weight\":\"bold\"}");
  else PUT(b, FILL(GREY) ",\"size\":12,\"anchor\":\"start\",\"weight\":\"normal\"}");

  rect button = button_of(w);
  bool hot = hovered && h->over == OVER_CLOSE;
  put_rect(b, LIT("," SHAPE("close", "rect") "\"x\":"), button, hot ? LIT(FILL(WHITE) STROKE(BLACK) "}") : LIT(FILL(GREY) STROKE(BLACK) "}"));
  /* The ×: two strokes 6 px long, inset 4 px from the button's edges. */
  put_stroke(b, button.x + 4, button.y + 4, button.x + 10, button.y + 10);
  put_stroke(b, button.x + 10, button.y + 4, button.x + 4, button.y + 10);
  PUT(b, "]}");
}

static void submit(const char *name, const buffer *b) {
  romhost_submit(name, b->bytes, b->len);
}

static const char *const BORDER_NAMES[16] = {
  [NORTH] = "border-n",         [SOUTH] = "border-s",         [EAST] = "border-e",
  [WEST] = "border-w",          [NORTH | EAST] = "border-ne", [NORTH | WEST] = "border-nw",
  [SOUTH | EAST] = "border-se", [SOUTH | WEST] = "border-sw",
};

static const char *element_name(const hover *h) {
  switch (h->over) {
  case OVER_CONTENT: return "content";
  case OVER_TITLE: return "title";
  case OVER_CLOSE: return "close";
  default: return BORDER_NAMES[h->edges];
  }
}

void romhost_update(romhost_changed changed) {
  (void)changed; /* no state: every report follows from the two ROMs as they are now */
  span rom;
  rom.bytes = romhost_read("window_layout", &rom.len);
  layout l = { NULL, 0 };
  if (!read_layout(rom, &l)) l.count = 0; /* absent or invalid: no windows */
  rom.bytes = romhost_read("pointer", &rom.len);
  point p;
  bool pointed = read_pointer(rom, &p);
  hover h = pointed ? hover_at(&l, p) : (hover){ OVER_NOTHING, 0, 0 };

  static const char margins[] = "{\"top\":24,\"right\":4,\"bottom\":4,\"left\":4}";
  romhost_submit("margins", margins, sizeof margins - 1);

  buffer b = { NULL, 0, 0 };
  PUT(&b, "{");
  if (pointed) {
    PUT(&b, "\"x\":");
    put_int(&b, p.x);
    PUT(&b, ",\"y\":");
    put_int(&b, p.y);
    if (h.over != OVER_NOTHING) {
      PUT(&b, ",\"window\":");
      put_int(&b, l.items[h.window].id);
      PUT(&b, ",\"element\":\"");
      const char *name = element_name(&h);
      put(&b, name, strlen(name));
      PUT(&b, "\"");
    }
  }
  PUT(&b, "}");
  submit("hover", &b);

  /* About 700 bytes a window besides its title: one allocation in the common case. */
  size_t estimate = 2;
  for (size_t i = 0; i < l.count; i++) estimate += 768 + l.items[i].title.len;
  b = (buffer){ romhost_alloc(estimate), 0, estimate };
  PUT(&b, "[");
  for (size_t i = 0; i < l.count; i++) {
    if (i > 0) PUT(&b, ",");
    put_window(&b, &l.items[i], &h, h.over != OVER_NOTHING && h.window == i);
  }
  PUT(&b, "]");
  submit("decorations", &b);
}
