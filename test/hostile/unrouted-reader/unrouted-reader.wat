;; unrouted-reader: reads ROMs it has no route to, and reports which ones answered.
;;
;; It reads `secret`, `../input`, `input/other` and `` (the empty name), none of which a scenario
;; routes to it, and submits report `seen`: `none` when every read returned none (as it must: no
;; ambient authority), else a JSON array of the names that returned a value, e.g. ["secret"].
;; Only when ROM `input` is the bytes `go`: with any other input (or none) it submits report `ok`
;; with the bytes of `input`, so a scenario can start it cleanly first.
;;
;; Memory: names from 16, the return area of `read` at 64, the report `seen` built from 512, the
;; heap from 1024 (the one page).
(module
  (import "romhost:component/rom@0.1.0" "read" (func $read (param i32 i32 i32)))
  (import "romhost:component/report@0.1.0" "submit" (func $submit (param i32 i32 i32 i32)))
  (memory (export "memory") 1)
  (data (i32.const 16) "input")
  (data (i32.const 24) "ok")
  (data (i32.const 28) "seen")
  (data (i32.const 32) "none")
  ;; Each name as read (at +1, length at +0) and as quoted in the report (length at +16, text at +17).
  (data (i32.const 128) "\06secret")            (data (i32.const 144) "\08\22secret\22")
  (data (i32.const 160) "\08../input")          (data (i32.const 176) "\0a\22../input\22")
  (data (i32.const 192) "\0binput/other")       (data (i32.const 208) "\0d\22input/other\22")
  (data (i32.const 224) "\00")                  (data (i32.const 240) "\02\22\22")

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
    (if (call $go) (then (call $probe)))
    (global.set $heap (i32.const 1024)))

  (func $probe
    (local $name i32) (local $end i32)
    (local.set $end (i32.const 513))
    (i32.store8 (i32.const 512) (i32.const 0x5b)) ;; [
    (local.set $name (i32.const 128))
    (loop $next
      (call $read (i32.add (local.get $name) (i32.const 1)) (i32.load8_u (local.get $name)) (i32.const 64))
      (if (i32.load8_u (i32.const 64))
        (then
          (if (i32.gt_u (local.get $end) (i32.const 513))
            (then
              (i32.store8 (local.get $end) (i32.const 0x2c)) ;; ,
              (local.set $end (i32.add (local.get $end) (i32.const 1)))))
          (memory.copy (local.get $end) (i32.add (local.get $name) (i32.const 17)) (i32.load8_u offset=16 (local.get $name)))
          (local.set $end (i32.add (local.get $end) (i32.load8_u offset=16 (local.get $name))))))
      (br_if $next (i32.lt_u (local.tee $name (i32.add (local.get $name) (i32.const 32))) (i32.const 256))))
    (if (i32.eq (local.get $end) (i32.const 513))
      (then (call $submit (i32.const 28) (i32.const 4) (i32.const 32) (i32.const 4)))
      (else
        (i32.store8 (local.get $end) (i32.const 0x5d)) ;; ]
        (call $submit (i32.const 28) (i32.const 4) (i32.const 512) (i32.sub (i32.add (local.get $end) (i32.const 1)) (i32.const 512))))))
)
