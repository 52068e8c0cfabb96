;; Counts the primes below n, with a sieve of Eratosthenes in linear memory: the compute-heavy
;; example (bench/fuel-overhead.ts meters it). Reads ROM `n` (decimal ASCII; absent or not a
;; number: 0) and submits report `count` (decimal ASCII).
(module
  (import "romhost:component/rom@0.1.0" "read" (func $read (param i32 i32 i32)))
  (import "romhost:component/report@0.1.0" "submit" (func $submit (param i32 i32 i32 i32)))
  (memory (export "memory") 1)
  (global $heap (mut i32) (i32.const 1024))
  (data (i32.const 16) "n")
  (data (i32.const 32) "count")
  ;; 64..75: read's return area; 96..127: digits

  ;; A bump allocator that grows memory as needed; update resets it when done.
  (func $alloc (export "cabi_realloc") (param $old i32) (param $old_size i32) (param $align i32) (param $size i32) (result i32)
    (local $ptr i32) (local $end i32)
    (local.set $ptr (i32.and (i32.add (global.get $heap) (i32.sub (local.get $align) (i32.const 1)))
                             (i32.sub (i32.const 0) (local.get $align))))
    (local.set $end (i32.add (local.get $ptr) (local.get $size)))
    (if (i32.gt_u (local.get $end) (i32.shl (memory.size) (i32.const 16)))
      (then
        (if (i32.eq (memory.grow (i32.shr_u (i32.add (i32.sub (local.get $end) (i32.shl (memory.size) (i32.const 16)))
                                                     (i32.const 65535))
                                            (i32.const 16)))
                    (i32.const -1))
          (then unreachable))))
    (global.set $heap (local.get $end))
    (if (local.get $old_size)
      (then (memory.copy (local.get $ptr) (local.get $old)
                         (select (local.get $old_size) (local.get $size) (i32.lt_u (local.get $old_size) (local.get $size))))))
    (local.get $ptr))

  ;; The decimal value of `len` bytes at `ptr`; 0 when any is not a digit.
  (func $parse (param $ptr i32) (param $len i32) (result i32)
    (local $value i32) (local $digit i32)
    (block $done
      (loop $next
        (br_if $done (i32.eqz (local.get $len)))
        (local.set $digit (i32.sub (i32.load8_u (local.get $ptr)) (i32.const 48)))
        (if (i32.gt_u (local.get $digit) (i32.const 9)) (then (return (i32.const 0))))
        (local.set $value (i32.add (i32.mul (local.get $value) (i32.const 10)) (local.get $digit)))
        (local.set $ptr (i32.add (local.get $ptr) (i32.const 1)))
        (local.set $len (i32.sub (local.get $len) (i32.const 1)))
        (br $next)))
    (local.get $value))

  ;; The number of primes below n: a byte per number, 1 = composite.
  (func $count_primes (param $n i32) (result i32)
    (local $sieve i32) (local $i i32) (local $j i32) (local $count i32)
    (if (i32.lt_u (local.get $n) (i32.const 3)) (then (return (i32.const 0))))
    (local.set $sieve (call $alloc (i32.const 0) (i32.const 0) (i32.const 1) (local.get $n)))
    (memory.fill (local.get $sieve) (i32.const 0) (local.get $n))
    (local.set $i (i32.const 2))
    (loop $outer
      (if (i32.eqz (i32.load8_u (i32.add (local.get $sieve) (local.get $i))))
        (then
          (local.set $count (i32.add (local.get $count) (i32.const 1)))
          ;; From i*i; past i = 65535 that is 2^32 or more, above any n (and i*i would wrap).
          (local.set $j (select (i32.mul (local.get $i) (local.get $i)) (local.get $n)
                                (i32.lt_u (local.get $i) (i32.const 65536))))
          (block $marked
            (loop $mark
              (br_if $marked (i32.ge_u (local.get $j) (local.get $n)))
              (i32.store8 (i32.add (local.get $sieve) (local.get $j)) (i32.const 1))
              (local.set $j (i32.add (local.get $j) (local.get $i)))
              (br $mark)))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $outer (i32.lt_u (local.get $i) (local.get $n))))
    (local.get $count))

  (func (export "update") (param $list i32) (param $len i32)
    (local $n i32) (local $value i32) (local $end i32) (local $ptr i32)
    (call $read (i32.const 16) (i32.const 1) (i32.const 64))
    (if (i32.load8_u (i32.const 64))
      (then (local.set $n (call $parse (i32.load (i32.const 68)) (i32.load (i32.const 72))))))
    (local.set $value (call $count_primes (local.get $n)))
    ;; decimal digits, written backwards from 128
    (local.set $end (i32.const 128))
    (local.set $ptr (i32.const 128))
    (loop $digit
      (local.set $ptr (i32.sub (local.get $ptr) (i32.const 1)))
      (i32.store8 (local.get $ptr) (i32.add (i32.const 48) (i32.rem_u (local.get $value) (i32.const 10))))
      (local.set $value (i32.div_u (local.get $value) (i32.const 10)))
      (br_if $digit (local.get $value)))
    (call $submit (i32.const 32) (i32.const 5) (local.get $ptr) (i32.sub (local.get $end) (local.get $ptr)))
    (global.set $heap (i32.const 1024))))
