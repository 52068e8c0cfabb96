/**
 * The core module's entry: `romhost build` serves this file beside the component's source (the
 * import below pointing at it) and compiles it instead of the source, so that the module exports
 * the ABI's `update` and `cabi_realloc` while the component exports only its logic.
 */
import { update as componentUpdate } from "./COMPONENT";
import { afterUpdate, liftChanged } from "romhost";

export { cabi_realloc } from "romhost";

export function update(listPtr: usize, listLen: usize): void {
  componentUpdate(liftChanged(listPtr, listLen));
  afterUpdate();
}
