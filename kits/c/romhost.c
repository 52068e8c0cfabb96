/*
 * romhost.c: the core ABI of wit/ABI.md for components written with romhost.h. `romhost build`
 * compiles it beside the component's source; nothing here is the component's to change.
 *
 * Memory: wasm-ld puts the stack first (an overflow traps below address 0 instead of
 * overwriting data), then the data, then the heap from __heap_base. The heap is a bump
 * allocator that is reset when `update` returns, never when it starts: the host allocates the
 * `changed` list through cabi_realloc before it calls `update`, and every ROM value during
 * `read`, re-entrantly. Between updates the heap is empty, so this file keeps no state that a
 * restart could lose.
 */
#include "romhost.h"

__attribute__((import_module("romhost:component/rom@0.1.0"), import_name("read")))
void romhost_import_read(const char *name, size_t name_len, void *ret);

__attribute__((import_module("romhost:component/report@0.1.0"), import_name("submit")))
void romhost_import_submit(const char *name, size_t name_len, const void *data, size_t data_len);

/* Where the heap begins: the end of the data and the stack, placed by wasm-ld. */
extern unsigned char __heap_base;

static uintptr_t heap_top;

static uintptr_t heap_start(void) {
  return (uintptr_t)&__heap_base;
}

/* `size` bytes aligned to `align` (a power of two), growing memory as needed. Never 0, even for
 * size 0; traps when the block does not fit in 4 GiB or memory cannot grow. */
static void *bump(size_t align, size_t size) {
  if (heap_top == 0) heap_top = heap_start();
  uint64_t ptr = ((uint64_t)heap_top + align - 1) & ~((uint64_t)align - 1);
  uint64_t end = ptr + size;
  if (end > UINT32_MAX) __builtin_trap();
  uint64_t have = (uint64_t)__builtin_wasm_memory_size(0) << 16;
  if (end > have) {
    size_t pages = (size_t)((end - have + 0xffff) >> 16);
    if (__builtin_wasm_memory_grow(0, pages) == (size_t)-1) __builtin_trap();
  }
  heap_top = (uintptr_t)end;
  return (void *)(uintptr_t)ptr;
}

__attribute__((export_name("cabi_realloc")))
void *cabi_realloc(void *old_ptr, size_t old_size, size_t align, size_t new_size) {
  void *ptr = bump(align, new_size);
  if (old_ptr != NULL) memcpy(ptr, old_ptr, old_size < new_size ? old_size : new_size);
  return ptr;
}

/* The ABI's list<string> is (u32 ptr, u32 len) pairs: on wasm32 exactly an array of romhost_name. */
_Static_assert(sizeof(romhost_name) == 8 && sizeof(void *) == 4, "romhost_name must match the ABI's string");

__attribute__((export_name("update")))
void romhost_export_update(const romhost_name *names, size_t count) {
  romhost_update((romhost_changed){ .names = names, .count = count });
  /* Everything of this update (its arguments, ROM values, romhost_alloc blocks) is done with. */
  heap_top = heap_start();
}

bool romhost_changed_has(romhost_changed changed, const char *name) {
  size_t len = strlen(name);
  for (size_t i = 0; i < changed.count; i++) {
    if (changed.names[i].len == len && memcmp(changed.names[i].bytes, name, len) == 0) return true;
  }
  return false;
}

const uint8_t *romhost_read(const char *name, size_t *len) {
  /* The return area: tag at 0, then the value's pointer and length at 4 and 8. */
  struct {
    uint8_t tag;
    const uint8_t *ptr;
    uint32_t len;
  } ret;
  _Static_assert(sizeof ret == 12 && __builtin_offsetof(__typeof__(ret), ptr) == 4, "the return area of read");
  romhost_import_read(name, strlen(name), &ret);
  if (ret.tag != 1) {
    *len = 0;
    return NULL;
  }
  *len = ret.len;
  /* A host may give an empty value no room at all; it is still a value, not none. */
  static const uint8_t empty[1];
  return ret.ptr != NULL ? ret.ptr : empty;
}

void romhost_submit(const char *name, const void *data, size_t len) {
  romhost_import_submit(name, strlen(name), data, len);
}

void *romhost_alloc(size_t size) {
  return bump(8, size);
}

size_t romhost_decimal(uint64_t value, char out[20]) {
  size_t len = 1;
  for (uint64_t rest = value; rest >= 10; rest /= 10) len++;
  for (size_t at = len; at > 0; value /= 10) out[--at] = (char)('0' + value % 10);
  return len;
}

void *memcpy(void *restrict dst, const void *restrict src, size_t n) {
  return __builtin_memcpy(dst, src, n);
}

void *memmove(void *dst, const void *src, size_t n) {
  return __builtin_memmove(dst, src, n);
}

void *memset(void *dst, int c, size_t n) {
  return __builtin_memset(dst, c, n);
}

int memcmp(const void *a, const void *b, size_t n) {
  const unsigned char *x = a, *y = b;
  for (size_t i = 0; i < n; i++) {
    if (x[i] != y[i]) return x[i] - y[i];
  }
  return 0;
}

size_t strlen(const char *s) {
  size_t n = 0;
  while (s[n] != '\0') n++;
  return n;
}
