/*
 * kv-c: a key-value store driven by commands (the kv role of components/ROLES.md), a pure state
 * machine written with romhost.h.
 *
 * The store lives in report `state`, routed back to this child's ROM `state`; ROM `command`
 * holds one command. Commands are idempotent, so applying the current command again after a
 * restart changes nothing.
 *
 * ROM state     KEY NUL VALUE NUL ..., sorted by key (bytewise); empty or absent: empty store
 * ROM command   "set KEY VALUE", "del KEY" or "clear"; anything else is ignored
 * report state  as ROM state
 * report view   the entries as one JSON object, sorted by key, no whitespace
 * report size   the number of entries in decimal ASCII
 */
#include "romhost.h"

typedef struct {
  const uint8_t *bytes;
  size_t len;
} span;

typedef struct {
  span key;
  span value;
} entry;

/* Entries sorted by key, in this update's heap. */
typedef struct {
  entry *entries;
  size_t count;
} store;

static int compare(span a, span b) {
  int order = memcmp(a.bytes, b.bytes, a.len < b.len ? a.len : b.len);
  if (order != 0) return order;
  return a.len < b.len ? -1 : a.len > b.len ? 1 : 0;
}

/* Whether `key` is in the store; *at is its index, or where it would go. */
static bool find(const store *s, span key, size_t *at) {
  size_t low = 0, high = s->count;
  while (low < high) {
    size_t mid = low + (high - low) / 2;
    int order = compare(s->entries[mid].key, key);
    if (order == 0) {
      *at = mid;
      return true;
    }
    if (order < 0) low = mid + 1;
    else high = mid;
  }
  *at = low;
  return false;
}

/* The caller has made room for one more entry. */
static void set(store *s, span key, span value) {
  size_t at;
  if (!find(s, key, &at)) {
    memmove(&s->entries[at + 1], &s->entries[at], (s->count - at) * sizeof(entry));
    s->count++;
  }
  s->entries[at] = (entry){ key, value };
}

static void del(store *s, span key) {
  size_t at;
  if (!find(s, key, &at)) return;
  memmove(&s->entries[at], &s->entries[at + 1], (s->count - at - 1) * sizeof(entry));
  s->count--;
}

static size_t index_of(span in, size_t from, uint8_t byte) {
  while (from < in.len && in.bytes[from] != byte) from++;
  return from;
}

static bool starts_with(span in, const char *prefix) {
  size_t len = strlen(prefix);
  return in.len >= len && memcmp(in.bytes, prefix, len) == 0;
}

static span slice(span in, size_t from, size_t to) {
  return (span){ in.bytes + from, to - from };
}

/* ROM state: KEY NUL VALUE NUL pairs; bytes after the last whole pair are ignored. Room for
 * `extra` more entries. */
static store parse_state(span state, size_t extra) {
  size_t nuls = 0;
  for (size_t i = 0; i < state.len; i++) nuls += state.bytes[i] == 0;
  store s = { romhost_alloc((nuls / 2 + extra) * sizeof(entry)), 0 };
  size_t at = 0;
  for (;;) {
    size_t key_end = index_of(state, at, 0);
    size_t value_end = index_of(state, key_end + 1, 0);
    if (value_end >= state.len) break;
    set(&s, slice(state, at, key_end), slice(state, key_end + 1, value_end));
    at = value_end + 1;
  }
  return s;
}

/* Applies the command if it is valid: "set KEY VALUE", "del KEY" or "clear", with no NUL. */
static void apply(store *s, span command) {
  if (index_of(command, 0, 0) < command.len) return;
  if (command.len == 5 && starts_with(command, "clear")) {
    s->count = 0;
  } else if (starts_with(command, "set ")) {
    size_t space = index_of(command, 4, ' ');
    if (space == 4 || space == command.len) return;
    set(s, slice(command, 4, space), slice(command, space + 1, command.len));
  } else if (starts_with(command, "del ") && command.len > 4) {
    del(s, slice(command, 4, command.len));
  }
}

/* Output in two passes: with `out` NULL it only counts, so that one allocation of the right size
 * follows, then the same calls write. */
typedef struct {
  char *out;
  size_t len;
} writer;

static void put(writer *w, const void *bytes, size_t n) {
  if (w->out != NULL) memcpy(w->out + w->len, bytes, n);
  w->len += n;
}

/* `in` as the contents of a JSON string: `"` and `\` escaped, bytes below 0x20 as \u00XX. */
static void put_json_string(writer *w, span in) {
  static const char hex[] = "0123456789abcdef";
  put(w, "\"", 1);
  for (size_t i = 0; i < in.len; i++) {
    uint8_t byte = in.bytes[i];
    if (byte < 0x20) {
      char escaped[6] = { '\\', 'u', '0', '0', hex[byte >> 4], hex[byte & 15] };
      put(w, escaped, 6);
    } else if (byte == '"' || byte == '\\') {
      char escaped[2] = { '\\', (char)byte };
      put(w, escaped, 2);
    } else {
      put(w, &byte, 1);
    }
  }
  put(w, "\"", 1);
}

/* report view: {"KEY":"VALUE",...} */
static void put_view(writer *w, const store *s) {
  put(w, "{", 1);
  for (size_t i = 0; i < s->count; i++) {
    if (i > 0) put(w, ",", 1);
    put_json_string(w, s->entries[i].key);
    put(w, ":", 1);
    put_json_string(w, s->entries[i].value);
  }
  put(w, "}", 1);
}

/* report state: KEY NUL VALUE NUL ... */
static void put_state(writer *w, const store *s) {
  for (size_t i = 0; i < s->count; i++) {
    put(w, s->entries[i].key.bytes, s->entries[i].key.len);
    put(w, "\0", 1);
    put(w, s->entries[i].value.bytes, s->entries[i].value.len);
    put(w, "\0", 1);
  }
}

static void submit(const char *name, const store *s, void (*write)(writer *, const store *)) {
  writer count = { NULL, 0 };
  write(&count, s);
  writer w = { romhost_alloc(count.len), 0 };
  write(&w, s);
  romhost_submit(name, w.out, w.len);
}

void romhost_update(romhost_changed changed) {
  (void)changed; /* every update reads both ROMs: the command is idempotent */
  span state = { NULL, 0 };
  state.bytes = romhost_read("state", &state.len);
  store s = parse_state(state, 1);

  span command = { NULL, 0 };
  command.bytes = romhost_read("command", &command.len);
  if (command.bytes != NULL) apply(&s, command);

  submit("state", &s, put_state);
  submit("view", &s, put_view);
  char size[20];
  romhost_submit("size", size, romhost_decimal(s.count, size));
}
