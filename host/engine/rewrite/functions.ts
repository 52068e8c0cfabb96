import type Binaryen from 'binaryen';
import { cFunction, type BinaryenApi } from './binaryen.js';

export interface DefinedFunction {
  readonly func: number;
  /** binaryen's name for it (its index, unless the module kept names): for messages. */
  readonly name: string;
  readonly body: number;
}

/** The functions the module defines (imported ones have no body), in index order. */
export function* definedFunctions(b: BinaryenApi, module: Binaryen.Module): Generator<DefinedFunction> {
  const getBody = cFunction(b, '_BinaryenFunctionGetBody');
  const count = module.getNumFunctions();
  for (let i = 0; i < count; i++) {
    const func = module.getFunctionByIndex(i);
    const body = getBody(func);
    if (body) yield { func, name: b.Function.getName(func), body };
  }
}

/** A global name the module does not use yet, close to `wanted`. */
export function freshGlobalName(module: Binaryen.Module, wanted: string): string {
  let name = wanted;
  for (let n = 1; module.getGlobal(name); n++) name = `${wanted}_${n}`;
  return name;
}
