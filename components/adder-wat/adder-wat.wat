;; adder-wat: report `out` = ROM `in` + 1, in decimal ASCII.
;;
;; An absent or unparsable `in` (anything but 1 to 19 decimal digits) counts as 0, so `out` is
;; then `1`. For chains (counter/count -> adder/in) and for a cycle that never settles (two
;; adders feeding each other's `in`).
;;
;; Core ABI: wit/ABI.md. Memory: names at 16..24, the return area of `read` at 64, the heap from
;; 1024 up, reset at the end of every update.
(module
  (import "romhost:component/rom@0.1.0" "read" (func $read (param i32 i32 i32)))
  (import "romhost:component/report@0.1.0" "submit" (func $submit (param i32 i32 i32 i32)))

  (memory (export "memory") 1)
  (data (i32.const 16) "in")
  (data (i32.const 20) "out")

  (global $ret i32 (i32.const 64))
  (global $heap_base i32 (i32.const 1024))
  (global $heap (mut i32) (i32.const 1024))

  ;; Bump allocation of $size bytes aligned to $align (a power of two), growing memory as
  ;; needed; traps when memory cannot grow. Never returns 0, even for $size 0.
  (func $alloc (param $align i32) (param $size i32) (result i32)
    (local $ptr i64) (local $end i64)
    (local.set $ptr
      (i64.and
        (i64.add (i64.extend_i32_u (global.get $heap)) (i64.extend_i32_u (i32.sub (local.get $align) (i32.const 1))))
        (i64.sub (i64.const 0) (i64.extend_i32_u (local.get $align)))))
    (local.set $end (i64.add (local.get $ptr) (i64.extend_i32_u (local.get $size))))
    (if (i64.gt_u (local.get $end) (i64.const 0xffffffff)) (then unreachable))
    (if (i64.gt_u (local.get $end) (i64.shl (i64.extend_i32_u (memory.size)) (i64.const 16)))
      (then
        (if (i32.eq
              (memory.grow
                (i32.sub
                  (i32.wrap_i64 (i64.shr_u (i64.add (local.get $end) (i64.const 0xffff)) (i64.const 16)))
                  (memory.size)))
              (i32.const -1))
          (then unreachable))))
    (global.set $heap (i32.wrap_i64 (local.get $end)))
    (i32.wrap_i64 (local.get $ptr)))

  (func (export "cabi_realloc")
    (param $old_ptr i32) (param $old_size i32) (param $align i32) (param $new_size i32) (result i32)
    (local $ptr i32)
    (local.set $ptr (call $alloc (local.get $align) (local.get $new_size)))
    (if (local.get $old_ptr)
      (then
        (memory.copy (local.get $ptr) (local.get $old_ptr)
          (select (local.get $old_size) (local.get $new_size)
            (i32.lt_u (local.get $old_size) (local.get $new_size))))))
    (local.get $ptr))

  ;; The value of 1 to 19 decimal digits, or -1 when the bytes are not that.
  (func $parse_decimal (param $ptr i32) (param $len i32) (result i64)
    (local $end i32) (local $digit i32) (local $value i64)
    (if (i32.or (i32.eqz (local.get $len)) (i32.gt_u (local.get $len) (i32.const 19)))
      (then (return (i64.const -1))))
    (local.set $end (i32.add (local.get $ptr) (local.get $len)))
    (loop $next
      (local.set $digit (i32.sub (i32.load8_u (local.get $ptr)) (i32.const 48)))
      (if (i32.gt_u (local.get $digit) (i32.const 9)) (then (return (i64.const -1))))
      (local.set $value
        (i64.add (i64.mul (local.get $value) (i64.const 10)) (i64.extend_i32_u (local.get $digit))))
      (local.set $ptr (i32.add (local.get $ptr) (i32.const 1)))
      (br_if $next (i32.lt_u (local.get $ptr) (local.get $end))))
    (local.get $value))

  ;; Writes $value (unsigned) in decimal at $dst (at most 20 bytes); returns the length.
  (func $format_decimal (param $value i64) (param $dst i32) (result i32)
    (local $len i32) (local $rest i64) (local $at i32)
    (local.set $len (i32.const 1))
    (local.set $rest (local.get $value))
    (block $counted
      (loop $more
        (br_if $counted (i64.lt_u (local.get $rest) (i64.const 10)))
        (local.set $rest (i64.div_u (local.get $rest) (i64.const 10)))
        (local.set $len (i32.add (local.get $len) (i32.const 1)))
        (br $more)))
    (local.set $at (i32.add (local.get $dst) (local.get $len)))
    (loop $digit
      (local.set $at (i32.sub (local.get $at) (i32.const 1)))
      (i64.store8 (local.get $at) (i64.add (i64.rem_u (local.get $value) (i64.const 10)) (i64.const 48)))
      (local.set $value (i64.div_u (local.get $value) (i64.const 10)))
      (br_if $digit (i64.ne (local.get $value) (i64.const 0))))
    (local.get $len))

  (func (export "update") (param $changed i32) (param $changed_len i32)
    (local $in i64) (local $buf i32)
    (call $read (i32.const 16) (i32.const 2) (global.get $ret))
    (if (i32.load8_u (global.get $ret))
      (then
        (local.set $in (call $parse_decimal (i32.load offset=4 (global.get $ret))
                                            (i32.load offset=8 (global.get $ret))))
        (if (i64.eq (local.get $in) (i64.const -1)) (then (local.set $in (i64.const 0))))))
    (local.set $buf (call $alloc (i32.const 1) (i32.const 20)))
    (call $submit (i32.const 20) (i32.const 3)
      (local.get $buf) (call $format_decimal (i64.add (local.get $in) (i64.const 1)) (local.get $buf)))
    (global.set $heap (global.get $heap_base)))
)
