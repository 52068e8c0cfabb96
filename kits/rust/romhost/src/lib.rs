//! romhost: write a component of the world `romhost:component/state-machine` in Rust.
//!
//! The component holds only logic: an `update(changed)` function that reads ROMs with [`read`]
//! and submits reports with [`submit`], exported with [`export!`]. This crate is the core ABI
//! of wit/ABI.md underneath: the imports, `cabi_realloc`, lifting `changed`, the return area of
//! `read`, and who frees what.
//!
//! Memory: every block the host asks for through `cabi_realloc` comes from the global allocator
//! (std's, unless the component sets another), so it can be owned by ordinary Rust values. A ROM
//! value from [`read`] is a `Vec<u8>` that owns the host's block; the `changed` list and its
//! strings are freed by this crate after `update` returns.
#![no_std]

extern crate alloc;

use alloc::alloc::{alloc, dealloc, realloc, Layout};
use alloc::vec::Vec;

#[link(wasm_import_module = "romhost:component/rom@0.1.0")]
extern "C" {
    #[link_name = "read"]
    fn rom_read(name_ptr: *const u8, name_len: usize, ret_ptr: *mut ReadResult);
}

#[link(wasm_import_module = "romhost:component/report@0.1.0")]
extern "C" {
    #[link_name = "submit"]
    fn report_submit(name_ptr: *const u8, name_len: usize, data_ptr: *const u8, data_len: usize);
}

/// The return area of `read`: 12 bytes, 4-aligned; `ptr` and `len` are written only when `tag` is 1.
#[repr(C)]
struct ReadResult {
    tag: u8,
    ptr: *mut u8,
    len: usize,
}

/// The current value of the ROM routed to `name`, or `None` when it has no route or no value yet.
pub fn read(name: &str) -> Option<Vec<u8>> {
    let mut ret = ReadResult { tag: 0, ptr: core::ptr::null_mut(), len: 0 };
    unsafe {
        rom_read(name.as_ptr(), name.len(), &mut ret);
        if ret.tag == 0 {
            return None;
        }
        // The host allocated the value with cabi_realloc(0, 0, 1, len): the global allocator's
        // Layout::array::<u8>(len), or a dangling pointer when len is 0 (never freed at capacity 0).
        Some(Vec::from_raw_parts(ret.ptr, ret.len, ret.len))
    }
}

/// Submits report `name`: its new value is `content`. The host copies both before returning.
pub fn submit(name: &str, content: impl AsRef<[u8]>) {
    let content = content.as_ref();
    unsafe { report_submit(name.as_ptr(), name.len(), content.as_ptr(), content.len()) }
}

/// One entry of the `changed` list: a string in guest memory.
#[repr(C)]
struct Name {
    ptr: *mut u8,
    len: usize,
}

/// Exports `$update`, a `fn(&[&str])`, as the component's `update`, along with `cabi_realloc`.
/// Use it once, in the component's crate: `romhost::export!(update);`.
#[macro_export]
macro_rules! export {
    ($update:path) => {
        const _: () = {
            #[export_name = "update"]
            unsafe extern "C" fn __romhost_update(list_ptr: *mut u8, list_len: usize) {
                $crate::__private::update(list_ptr, list_len, $update)
            }

            #[export_name = "cabi_realloc"]
            unsafe extern "C" fn __romhost_cabi_realloc(
                old_ptr: *mut u8,
                old_size: usize,
                align: usize,
                new_size: usize,
            ) -> *mut u8 {
                $crate::__private::cabi_realloc(old_ptr, old_size, align, new_size)
            }
        };
    };
}

#[doc(hidden)]
pub mod __private {
    use super::*;

    /// Lifts `changed` (list_len entries of (u32 ptr, u32 len) at list_ptr), calls the
    /// component's update, then frees the list and its strings: the host handed them over.
    pub unsafe fn update(list_ptr: *mut u8, list_len: usize, update: impl FnOnce(&[&str])) {
        let entries: &[Name] = match list_len {
            0 => &[],
            _ => core::slice::from_raw_parts(list_ptr as *const Name, list_len),
        };
        // Valid UTF-8: the host lifts names as the canonical ABI's `string` (wit/ABI.md, Strings).
        let names: Vec<&str> = entries
            .iter()
            .map(|name| core::str::from_utf8_unchecked(core::slice::from_raw_parts(name.ptr, name.len)))
            .collect();
        update(&names);
        drop(names);
        for name in entries {
            free(name.ptr, name.len, 1);
        }
        free(list_ptr, list_len * 8, 4);
    }

    /// The canonical ABI's allocator over the global allocator. A zero-size block is the
    /// alignment itself (non-zero, aligned, never freed); failure traps.
    pub unsafe fn cabi_realloc(old_ptr: *mut u8, old_size: usize, align: usize, new_size: usize) -> *mut u8 {
        if new_size == 0 {
            free(old_ptr, old_size, align);
            return align as *mut u8;
        }
        let ptr = if old_size == 0 {
            alloc(Layout::from_size_align_unchecked(new_size, align))
        } else {
            realloc(old_ptr, Layout::from_size_align_unchecked(old_size, align), new_size)
        };
        if ptr.is_null() {
            trap()
        }
        ptr
    }

    unsafe fn free(ptr: *mut u8, size: usize, align: usize) {
        if size != 0 {
            dealloc(ptr, Layout::from_size_align_unchecked(size, align));
        }
    }

    /// Out of memory: no way to tell the host but a trap (wit/ABI.md, cabi_realloc).
    fn trap() -> ! {
        #[cfg(target_arch = "wasm32")]
        core::arch::wasm32::unreachable();
        #[cfg(not(target_arch = "wasm32"))]
        panic!("romhost: out of memory");
    }
}
