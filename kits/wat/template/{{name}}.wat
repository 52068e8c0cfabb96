;; {{name}}: counts the changes of ROM `input`, a pure state machine (made by `romhost new`).
;;
;; It keeps nothing between updates: the count and the last input it counted go out as report
;; `state`, which the scenario routes back to this child's ROM `state`. Because the state remembers
;; what was counted, a restart (update with every routed ROM listed as changed) finds the input
;; already counted and re-submits byte-identical reports: the restart is invisible.
;;
;; ROM state    absent, or "COUNT" (nothing counted yet) or "COUNT\nLAST" (LAST = the exact
;;              bytes of the input counted last)
;; ROM input    any bytes
;; report count COUNT in decimal ASCII
;; report state as ROM state
;;
;; Core ABI: wit/ABI.md. Memory: names at 16..40, the return area of `read` at 64, the heap
;; from 1024 up; the heap is reset at the end of every update, never at its start (the host
;; allocates the `changed` list in the heap before it calls update).
(module
  (import "romhost:component/rom@0.1.0" "read" (func $read (param i32 i32 i32)))
  (import "romhost:component/report@0.1.0" "submit" (func $submit (param i32 i32 i32 i32)))

  (memory (export "memory") 1)
  (data (i32.const 16) "state")
  (data (i32.const 24) "input")
  (data (i32.const 32) "count")

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
    (local $count i64) (local $counted i32) (local $last i32) (local $last_len i32)
    (local $ptr i32) (local $len i32) (local $digits i32) (local $buf i32)

    ;; ROM state: "COUNT" or "COUNT\nLAST"; absent or unreadable = nothing counted yet.
    (call $read (i32.const 16) (i32.const 5) (global.get $ret))
    (if (i32.load8_u (global.get $ret))
      (then
        (local.set $ptr (i32.load offset=4 (global.get $ret)))
        (local.set $len (i32.load offset=8 (global.get $ret)))
        (block $found
          (loop $scan
            (br_if $found (i32.ge_u (local.get $digits) (local.get $len)))
            (br_if $found (i32.eq (i32.load8_u (i32.add (local.get $ptr) (local.get $digits))) (i32.const 10)))
            (local.set $digits (i32.add (local.get $digits) (i32.const 1)))
            (br $scan)))
        (local.set $count (call $parse_decimal (local.get $ptr) (local.get $digits)))
        (if (i64.eq (local.get $count) (i64.const -1))
          (then (local.set $count (i64.const 0)))
          (else
            (if (i32.lt_u (local.get $digits) (local.get $len))
              (then
                (local.set $counted (i32.const 1))
                (local.set $last (i32.add (i32.add (local.get $ptr) (local.get $digits)) (i32.const 1)))
                (local.set $last_len (i32.sub (i32.sub (local.get $len) (local.get $digits)) (i32.const 1)))))))))

    ;; ROM input: counted when it changed and differs from the input counted last.
    (if (call $listed (local.get $changed) (local.get $changed_len) (i32.const 24) (i32.const 5))
      (then
        (call $read (i32.const 24) (i32.const 5) (global.get $ret))
        (if (i32.load8_u (global.get $ret))
          (then
            (local.set $ptr (i32.load offset=4 (global.get $ret)))
            (local.set $len (i32.load offset=8 (global.get $ret)))
            (if (i32.or (i32.eqz (local.get $counted))
                        (i32.eqz (call $bytes_equal (local.get $last) (local.get $last_len)
                                                    (local.get $ptr) (local.get $len))))
              (then
                (local.set $count (i64.add (local.get $count) (i64.const 1)))
                (local.set $counted (i32.const 1))
                (local.set $last (local.get $ptr))
                (local.set $last_len (local.get $len))))))))

    ;; report count
    (local.set $buf (call $alloc (i32.const 1) (i32.const 20)))
    (local.set $digits (call $format_decimal (local.get $count) (local.get $buf)))
    (call $submit (i32.const 32) (i32.const 5) (local.get $buf) (local.get $digits))

    ;; report state: COUNT, then "\n" and the last counted input once there is one
    (local.set $len (local.get $digits))
    (if (local.get $counted)
      (then (local.set $len (i32.add (local.get $len) (i32.add (local.get $last_len) (i32.const 1))))))
    (local.set $buf (call $alloc (i32.const 1) (local.get $len)))
    (drop (call $format_decimal (local.get $count) (local.get $buf)))
    (if (local.get $counted)
      (then
        (i32.store8 (i32.add (local.get $buf) (local.get $digits)) (i32.const 10))
        (memory.copy (i32.add (i32.add (local.get $buf) (local.get $digits)) (i32.const 1))
                     (local.get $last) (local.get $last_len))))
    (call $submit (i32.const 16) (i32.const 5) (local.get $buf) (local.get $len))

    ;; Everything allocated during this update (the changed list, ROM values, reports) is done with.
    (global.set $heap (global.get $heap_base)))
)
