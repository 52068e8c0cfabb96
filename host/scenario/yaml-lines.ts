import { isAlias, isMap, isScalar, isSeq, type Document, type LineCounter } from 'yaml';

/** A place in the parsed file, as the keys and indices leading to it (a zod issue's path). */
export type FieldPath = readonly PropertyKey[];

/**
 * The 1-based line of the field at `path`: the line of its key (or of its item in a list).
 * A field that is missing is reported at the line of the nearest part of the path that exists,
 * e.g. a child without `component:` at the child's own line.
 */
export function lineOf(doc: Document, lines: LineCounter, path: FieldPath): number {
  const lineAt = (node: { range?: readonly number[] | null | undefined } | null | undefined, fallback: number) => {
    const start = node?.range?.[0];
    return start === undefined ? fallback : lines.linePos(start).line;
  };
  let node: unknown = doc.contents;
  let line = lineAt(doc.contents, 1);
  for (const segment of path) {
    // An alias stands for its anchor's node; the line of the alias is the one to report.
    if (isAlias(node)) node = node.resolve(doc);
    if (isMap(node)) {
      const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === String(segment));
      if (pair === undefined) break;
      line = isScalar(pair.key) ? lineAt(pair.key, line) : line;
      node = pair.value;
    } else if (isSeq(node) && typeof segment === 'number') {
      const item: unknown = node.items[segment];
      if (item === undefined) break;
      line = isScalar(item) || isMap(item) || isSeq(item) || isAlias(item) ? lineAt(item, line) : line;
      node = item;
    } else {
      break;
    }
  }
  return line;
}
