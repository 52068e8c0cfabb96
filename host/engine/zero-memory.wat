;; Zeroes the memory it is given, romhost's MemoryPool's cleaner (memory-pool.ts; its bytes are there).
;; Page by 4 KiB page: a page that reads as all zero is left alone, any other is filled with zeros.
;; So a page the last instance never wrote is never written here either: it stays unbacked (read,
;; it maps the kernel's one zero page), and zeroing costs what the instance dirtied, not the memory's size.
(module
  (import "romhost" "memory" (memory 0))
  (func (export "zero")
    (local $page i32) (local $at i32) (local $end i32)
    (local.set $end (i32.shl (memory.size) (i32.const 16)))
    (block $done
      (loop $pages
        (br_if $done (i32.ge_u (local.get $page) (local.get $end)))
        (local.set $at (local.get $page))
        (block $dirty
          (loop $scan
            (br_if $dirty
              (v128.any_true
                (v128.or
                  (v128.or (v128.load (local.get $at)) (v128.load offset=16 (local.get $at)))
                  (v128.or (v128.load offset=32 (local.get $at)) (v128.load offset=48 (local.get $at))))))
            (local.set $at (i32.add (local.get $at) (i32.const 64)))
            (br_if $scan (i32.lt_u (local.get $at) (i32.add (local.get $page) (i32.const 4096)))))
          (local.set $page (i32.add (local.get $page) (i32.const 4096)))
          (br $pages))
        (memory.fill (local.get $page) (i32.const 0) (i32.const 4096))
        (local.set $page (i32.add (local.get $page) (i32.const 4096)))
        (br $pages))))
)
