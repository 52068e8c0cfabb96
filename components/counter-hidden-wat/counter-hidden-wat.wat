;; counter-hidden-wat: what NOT to do. It keeps its count in a global, hidden from the host.
;;
;; Each update that lists ROM `input` as changed adds one and submits report `count` (decimal).
;; It never reads or submits `state`, so a restart loses the count and starts again at 0: the
;; example that fails the state-machine check (`romhost check`, DESIGN.md section 3.4).
;; Compare counter-wat, which keeps the same count in a report routed back to itself.
;;
;; Core ABI: wit/ABI.md. Memory: names at 16..32, the heap from 1024 up, reset at the end of
;; every update.
(module
  (import "romhost:component/report@0.1.0" "submit" (func $submit (param i32 i32 i32 i32)))

  (memory (export "memory") 1)
  (data (i32.const 16) "input")
  (data (i32.const 24) "count")

  (global $heap_base i32 (i32.const 1024))
  (global $heap (mut i32) (i32.const 1024))
  ;; The hidden state: it lives only as long as this instance.
  (global $count (mut i64) (i64.const 0))

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

  (func $bytes_equal (param $a i32) (param $a_len i32) (param $b i32) (param $b_len i32) (result i32)
    (local $i i32)
    (if (i32.ne (local.get $a_len) (local.get $b_len)) (then (return (i32.const 0))))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $i) (local.get $a_len)))
        (if (i32.ne (i32.load8_u (i32.add (local.get $a) (local.get $i)))
                    (i32.load8_u (i32.add (local.get $b) (local.get $i))))
          (then (return (i32.const 0))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $next)))
    (i32.const 1))

  ;; Whether the list of (ptr, len) strings at $list holds the name at $name.
  (func $listed (param $list i32) (param $count i32) (param $name i32) (param $name_len i32) (result i32)
    (local $end i32)
    (local.set $end (i32.add (local.get $list) (i32.shl (local.get $count) (i32.const 3))))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $list) (local.get $end)))
        (if (call $bytes_equal (i32.load (local.get $list)) (i32.load offset=4 (local.get $list))
                               (local.get $name) (local.get $name_len))
          (then (return (i32.const 1))))
        (local.set $list (i32.add (local.get $list) (i32.const 8)))
        (br $next)))
    (i32.const 0))

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
    (local $buf i32)
    (if (call $listed (local.get $changed) (local.get $changed_len) (i32.const 16) (i32.const 5))
      (then (global.set $count (i64.add (global.get $count) (i64.const 1)))))
    (local.set $buf (call $alloc (i32.const 1) (i32.const 20)))
    (call $submit (i32.const 24) (i32.const 5)
      (local.get $buf) (call $format_decimal (global.get $count) (local.get $buf)))
    (global.set $heap (global.get $heap_base)))
)
