/**
 * Wrapping a core module as a component of a WIT world (jco componentEmbed + componentNew),
 * after checking the WIT on its own so that a fault names the right file: the WIT, or the source.
 */
import { fail } from '../errors.js';
import { readText } from './read-text.js';
import { oneLine } from './tool-message.js';

export interface WitWorld {
  /** The WIT file. */
  readonly wit: string;
  readonly world: string;
}

export async function wrapAsComponent(core: Uint8Array, target: WitWorld, source: string): Promise<Uint8Array> {
  // jco takes ~0.8 s to import: only a build pays for it.
  const { componentEmbed, componentNew } = await import('@bytecodealliance/jco');
  const witSource = readText(target.wit, (reason, cause) => fail('build-failed', { file: target.wit, reason }, cause));
  try {
    // A dummy module built from the WIT alone: fails only for the WIT and the world name.
    await componentEmbed({ dummy: true, witSource, world: target.world });
  } catch (e) {
    return fail('build-failed', { file: target.wit, reason: `world ${target.world}: ${oneLine(e)}` }, e);
  }
  try {
    return await componentNew(await componentEmbed({ binary: core, witSource, world: target.world }));
  } catch (e) {
    return fail('build-failed', { file: source, reason: `does not fit world ${target.world} of ${target.wit}: ${oneLine(e)}` }, e);
  }
}
