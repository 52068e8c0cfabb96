;; trap-at-start: its core module's start section traps, whatever the ROMs say.
;;
;; The start function runs while the module is instantiated (or, rewritten for fuel, when the
;; host calls `romhost_start`): the child never starts. `update` would echo ROM `input` as `ok`.
(module
  (import "romhost:component/rom@0.1.0" "read" (func $read (param i32 i32 i32)))
  (import "romhost:component/report@0.1.0" "submit" (func $submit (param i32 i32 i32 i32)))
  (memory (export "memory") 1)
  (data (i32.const 16) "input")
  (data (i32.const 24) "ok")
  (func $boom unreachable)
  (start $boom)
  (func (export "cabi_realloc") (param i32 i32 i32 i32) (result i32) (i32.const 1024))
  (func (export "update") (param i32 i32)
    (call $read (i32.const 16) (i32.const 5) (i32.const 64))
    (call $submit (i32.const 24) (i32.const 2) (i32.load (i32.const 68)) (i32.load (i32.const 72)))))
