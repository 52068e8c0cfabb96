/*
 * romhost.h: writing a romhost component in C. You write one function,
 *
 *     void romhost_update(romhost_changed changed) { ... }
 *
 * and call romhost_read and romhost_submit from it. romhost.c (compiled in by `romhost build`)
 * holds the core ABI of wit/ABI.md: the exports `update`, `cabi_realloc` and `memory`, the
 * imports `read` and `submit`, and the allocator.
 *
 * The rules:
 * - No hidden state. Everything a component knows comes in as ROMs; state it must keep goes out
 *   as a report routed back to one of its own ROMs. A global or static that outlives an update is
 *   hidden state: a restart forgets it and `romhost check` finds the divergence.
 * - Memory belongs to the update. ROM values, the `changed` names and every romhost_alloc block
 *   live until romhost_update returns, then the whole heap is dropped at once: nothing is freed,
 *   and no pointer may be kept for the next update.
 * - No C library: this is freestanding C (no stdio, no malloc, no snprintf). The kit provides
 *   romhost_alloc, romhost_decimal and the mem* functions below; <stdint.h>, <stddef.h> and
 *   <stdbool.h> are there.
 */
#ifndef ROMHOST_H
#define ROMHOST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* One name of the `changed` list: UTF-8, `len` bytes, not NUL-terminated. */
typedef struct {
  const char *bytes;
  size_t len;
} romhost_name;

/* The ROMs that changed (on a start or restart: every routed ROM that has a value). A hint:
 * what a component reports must depend on its ROMs alone. */
typedef struct {
  const romhost_name *names;
  size_t count;
} romhost_changed;

/* Yours to write: called on every start, restart and change of a routed ROM. */
void romhost_update(romhost_changed changed);

/* Whether `name` is among the changed ROMs. */
bool romhost_changed_has(romhost_changed changed, const char *name);

/* The current value of ROM `name` and its length in *len, or NULL (and *len 0) when the ROM has
 * no route or no value yet. An empty value is a non-NULL pointer with *len 0. The bytes are in
 * this update's heap: valid until romhost_update returns; any bytes, not NUL-terminated. */
const uint8_t *romhost_read(const char *name, size_t *len);

/* Submits report `name` with `len` bytes of `data`; the host copies both before returning. */
void romhost_submit(const char *name, const void *data, size_t len);

/* `size` bytes, 8-aligned, valid until romhost_update returns; never NULL (traps when memory
 * cannot grow). There is no free: the heap is dropped as a whole after each update. */
void *romhost_alloc(size_t size);

/* Writes `value` in decimal ASCII to `out` (no sign, no leading zeros, no NUL); returns the
 * number of bytes written, 1 to 20. */
size_t romhost_decimal(uint64_t value, char out[20]);

/* The usual ones, since there is no C library (memcpy, memmove and memset compile to
 * memory.copy and memory.fill). */
void *memcpy(void *restrict dst, const void *restrict src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);

#endif
