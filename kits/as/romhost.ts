/**
 * romhost's AssemblyScript kit: the core ABI of `romhost:component/state-machine` (wit/ABI.md),
 * so that a component is only its logic. A component's source imports from "romhost" and
 * exports `update(changed: string[]): void`; `romhost build` compiles it with this kit and
 * kits/as/entry.ts, which exports the ABI's `update` and `cabi_realloc` around it.
 *
 * Memory: the host's blocks (the `changed` list and its names, ROM values) come from
 * `cabi_realloc` as `heap.alloc` blocks, never as garbage-collected objects (the collector would
 * free them, not knowing the host holds them). The kit copies each into a managed object as soon
 * as it gets it and frees the block; everything the component sees is managed. The build uses
 * the minimal runtime: nothing is collected while `update` runs, and the entry collects once
 * after it, when no managed value is left on the stack.
 */

// @ts-ignore: decorator
@external("romhost:component/rom@0.1.0", "read")
declare function romRead(namePtr: usize, nameLen: usize, retPtr: usize): void;

// @ts-ignore: decorator
@external("romhost:component/report@0.1.0", "submit")
declare function reportSubmit(namePtr: usize, nameLen: usize, dataPtr: usize, dataLen: usize): void;

/** `read`'s return area: u8 tag at 0 (1 = some), u32 pointer at 4, u32 length at 8. */
const RETURN_AREA: usize = memory.data(12, 4);

/** The current value of the ROM routed to `name`; null when it has no route or no value yet. */
export function read(name: string): Uint8Array | null {
  const encoded = String.UTF8.encode(name);
  romRead(changetype<usize>(encoded), <usize>encoded.byteLength, RETURN_AREA);
  if (load<u8>(RETURN_AREA) == 0) return null;
  const ptr = load<u32>(RETURN_AREA, 4);
  const len = load<u32>(RETURN_AREA, 8);
  const value = new Uint8Array(<i32>len);
  memory.copy(value.dataStart, ptr, len);
  release(ptr, len);
  return value;
}

/** Submits report `name`; the host copies `content` before this returns. */
export function submit(name: string, content: Uint8Array): void {
  const encoded = String.UTF8.encode(name);
  reportSubmit(changetype<usize>(encoded), <usize>encoded.byteLength, content.dataStart, <usize>content.byteLength);
}

/** Submits report `name` with `text` in UTF-8. */
export function submitText(name: string, text: string): void {
  submit(name, Uint8Array.wrap(String.UTF8.encode(text)));
}

// ---- for kits/as/entry.ts only ----

/** Lifts `update`'s argument (8-byte (ptr, len) entries) into strings and frees the host's blocks. */
export function liftChanged(listPtr: usize, listLen: usize): string[] {
  const names = new Array<string>(0);
  for (let i: usize = 0; i < listLen; i++) {
    const entry = listPtr + (i << 3);
    const ptr = load<u32>(entry);
    const len = load<u32>(entry, 4);
    names.push(String.UTF8.decodeUnsafe(ptr, len));
    release(ptr, len);
  }
  release(listPtr, listLen << 3);
  return names;
}

/** After `update`: every managed value of the update is garbage unless a global holds it. */
export function afterUpdate(): void {
  __collect();
}

/**
 * The canonical ABI's allocator. Blocks are `heap.alloc` blocks (16-aligned, enough for every
 * alignment this world asks for: 1 and 4); an empty one is the alignment itself, never freed.
 * Traps when memory cannot grow.
 */
export function cabi_realloc(oldPtr: usize, oldSize: usize, align: usize, newSize: usize): usize {
  if (align > 16) unreachable();
  const held = oldPtr != 0 && oldSize != 0;
  if (newSize == 0) {
    if (held) heap.free(oldPtr);
    return align;
  }
  return held ? heap.realloc(oldPtr, newSize) : heap.alloc(newSize);
}

/** Frees a block that `cabi_realloc` handed out for `len` bytes. */
function release(ptr: usize, len: usize): void {
  if (len != 0) heap.free(ptr);
}
