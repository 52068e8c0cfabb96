/** The JSON commands of wast2json (wabt 1.0.32), as far as the runner reads them. */

export interface Value {
  readonly type: string;
  /** Absent in a result pattern that matches any value of the type (e.g. any non-null funcref). */
  readonly value?: string;
}

export interface Action {
  readonly type: 'invoke' | 'get';
  readonly module?: string;
  readonly field: string;
  readonly args?: readonly Value[];
}

interface Base {
  readonly line: number;
}

export type Command = Base &
  (
    | { readonly type: 'module'; readonly name?: string; readonly filename: string }
    | { readonly type: 'register'; readonly name?: string; readonly as: string }
    | { readonly type: 'action'; readonly action: Action; readonly expected: readonly Value[] }
    | { readonly type: 'assert_return'; readonly action: Action; readonly expected: readonly Value[] }
    | { readonly type: 'assert_trap' | 'assert_exhaustion'; readonly action: Action; readonly text: string; readonly expected: readonly Value[] }
    | {
        readonly type: 'assert_invalid' | 'assert_malformed' | 'assert_unlinkable' | 'assert_uninstantiable';
        readonly filename: string;
        readonly text: string;
        readonly module_type: 'binary' | 'text';
      }
  );

export type CommandType = Command['type'];
