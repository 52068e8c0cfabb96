/*
 * counter-c: counts the distinct values of its ROM `input` (the counter role of
 * components/ROLES.md), a pure state machine written with romhost.h.
 *
 * It keeps nothing between updates: the count and the input counted last go out as report
 * `state`, which the scenario routes back to this child's ROM `state`. A restart finds the
 * input already counted there and re-submits the same bytes: nobody downstream notices.
 *
 * ROM state     absent, or "COUNT" (nothing counted yet), or "COUNT\nLAST" (LAST: the exact
 *               bytes of the input counted last, possibly none)
 * ROM input     any bytes
 * report count  COUNT in decimal ASCII
 * report state  as ROM state
 */
#include "romhost.h"

/* The value of 1 to 19 decimal digits, or -1 when the bytes are not that. */
static int64_t parse_decimal(const uint8_t *digits, size_t len) {
  if (len == 0 || len > 19) return -1;
  uint64_t value = 0;
  for (size_t i = 0; i < len; i++) {
    if (digits[i] < '0' || digits[i] > '9') return -1;
    value = value * 10 + (digits[i] - '0');
  }
  return (int64_t)value;
}

void romhost_update(romhost_changed changed) {
  uint64_t count = 0;
  bool counted = false;
  const uint8_t *last = NULL;
  size_t last_len = 0;

  /* ROM state: "COUNT" or "COUNT\nLAST"; absent or unreadable: nothing counted yet. */
  size_t state_len;
  const uint8_t *state = romhost_read("state", &state_len);
  if (state != NULL) {
    size_t digits = 0;
    while (digits < state_len && state[digits] != '\n') digits++;
    int64_t parsed = parse_decimal(state, digits);
    if (parsed >= 0) {
      count = (uint64_t)parsed;
      if (digits < state_len) {
        counted = true;
        last = state + digits + 1;
        last_len = state_len - digits - 1;
      }
    }
  }

  /* ROM input: counted when it changed and differs from the input counted last. */
  if (romhost_changed_has(changed, "input")) {
    size_t input_len;
    const uint8_t *input = romhost_read("input", &input_len);
    if (input != NULL && (!counted || input_len != last_len || memcmp(input, last, last_len) != 0)) {
      count++;
      counted = true;
      last = input;
      last_len = input_len;
    }
  }

  char digits[20];
  size_t digits_len = romhost_decimal(count, digits);
  romhost_submit("count", digits, digits_len);

  /* report state: COUNT, then "\n" and the input counted last once there is one. */
  size_t len = digits_len + (counted ? 1 + last_len : 0);
  char *out = romhost_alloc(len);
  memcpy(out, digits, digits_len);
  if (counted) {
    out[digits_len] = '\n';
    memcpy(out + digits_len + 1, last, last_len);
  }
  romhost_submit("state", out, len);
}
