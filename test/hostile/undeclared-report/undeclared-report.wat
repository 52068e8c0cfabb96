;; undeclared-report: submits report `surprise`.
;;
;; A report no scenario declares for it: the host must fault the child.
;; Only when ROM `input` is the bytes `go`: with any other input (or none) it submits report `ok`
;; with the bytes of `input`, so a scenario can start it cleanly first.
;;
;; Memory: names from 16, the return area of `read` at 64, the heap from 1024 (the one page).
(module
  (import "romhost:component/rom@0.1.0" "read" (func $read (param i32 i32 i32)))
  (import "romhost:component/report@0.1.0" "submit" (func $submit (param i32 i32 i32 i32)))
  (memory (export "memory") 1)
  (data (i32.const 16) "input")
  (data (i32.const 24) "ok")
  (data (i32.const 32) "surprise")
  ;; Bump allocation, reset at the end of every update; traps when the page is full.
  (global $heap (mut i32) (i32.const 1024))
  (func (export "cabi_realloc") (param i32 i32) (param $align i32) (param $size i32) (result i32)
    (local $ptr i32)
    (local.set $ptr (i32.and (i32.add (global.get $heap) (i32.sub (local.get $align) (i32.const 1)))
                             (i32.sub (i32.const 0) (local.get $align))))
    (global.set $heap (i32.add (local.get $ptr) (local.get $size)))
    (if (i32.gt_u (global.get $heap) (i32.const 65536)) (then unreachable))
    (local.get $ptr))

  ;; Whether ROM `input` is `go`; otherwise submits it as report `ok`.
  (func $go (result i32)
    (local $ptr i32) (local $len i32)
    (call $read (i32.const 16) (i32.const 5) (i32.const 64))
    (if (i32.load8_u (i32.const 64))
      (then
        (local.set $ptr (i32.load (i32.const 68)))
        (local.set $len (i32.load (i32.const 72)))
        (if (i32.eq (local.get $len) (i32.const 2))
          (then (if (i32.eq (i32.load16_u align=1 (local.get $ptr)) (i32.const 0x6f67)) ;; "go"
            (then (return (i32.const 1))))))))
    (call $submit (i32.const 24) (i32.const 2) (local.get $ptr) (local.get $len))
    (i32.const 0))

  (func (export "update") (param i32 i32)
    (if (call $go) (then (call $submit (i32.const 32) (i32.const 8) (i32.const 32) (i32.const 8))))
    (global.set $heap (i32.const 1024)))
)
