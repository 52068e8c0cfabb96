import { LineCounter, parseDocument, isMap, isScalar, isSeq, type YAMLError } from 'yaml';
import { fail } from '../errors.js';
import { lineOf, type FieldPath } from './yaml-lines.js';

/** A scenario file's YAML as plain data, and the way back from a field to its line. */
export interface YamlFile {
  readonly value: unknown;
  lineOf(path: FieldPath): number;
}

/**
 * The YAML of a scenario file, which must be one document whose top level is a map. Throws
 * `scenario-invalid` for syntax errors, for warnings too (an unknown tag would otherwise be read
 * as a plain string), and for an empty file.
 */
export function readYaml(text: string, file: string): YamlFile {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: true });
  const invalid = (line: number, detail: string): never => fail('scenario-invalid', { file, line, detail });

  const yamlError = doc.errors[0] ?? doc.warnings[0];
  if (yamlError !== undefined) invalid(yamlError.linePos?.[0].line ?? 1, describeYamlError(yamlError, text));
  if (doc.contents === null) {
    invalid(1, 'the file is empty: a scenario needs at least components: and children: (see docs/scenario.md)');
  }
  if (!isMap(doc.contents)) {
    const found = isSeq(doc.contents) ? 'a list' : isScalar(doc.contents) ? 'a single value' : 'not a map';
    invalid(lineOf(doc, lines, []), `the top level must be a map with components: and children:, but is ${found}`);
  }
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: 100 });
  } catch (error) {
    // The document parsed, so only an alias that expands too far (a "billion laughs") gets here.
    invalid(1, `the file cannot be expanded: ${error instanceof Error ? error.message : String(error)}`);
  }
  return { value, lineOf: (path) => lineOf(doc, lines, path) };
}

/**
 * A YAML error or warning in words, without the yaml package's own "at line N, column M" and
 * source excerpt: the line goes in front of the message, as for every other scenario error.
 */
function describeYamlError(error: YAMLError, text: string): string {
  if (error.code === 'DUPLICATE_KEY') {
    const key = text.slice(error.pos[0], error.pos[1]).trim();
    return `duplicate key ${/^["']/.test(key) ? key : `"${key}"`}: a map names each key once`;
  }
  if (error.code === 'MULTIPLE_DOCS') {
    // yaml's own advice (parseAllDocuments) is for programmers, not for authors of scenarios.
    return 'a scenario is one YAML document: remove the second "---" and what follows, or split the file';
  }
  return `YAML: ${error.message.replace(/ at line \d+, column \d+:[\s\S]*$/, '')}`;
}
