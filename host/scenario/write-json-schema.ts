/**
 * `npm run schema`: writes the scenario's JSON Schema to the path given (the committed copy,
 * host/scenario/scenario.schema.json), after a change to schema.ts.
 */
import { writeFileSync } from 'node:fs';
import { scenarioJsonSchemaText } from './json-schema.js';

const target = process.argv[2];
if (target === undefined) {
  process.stderr.write('usage: node dist/host/scenario/write-json-schema.js OUTPUT.json\n');
  process.exit(2);
}
writeFileSync(target, scenarioJsonSchemaText());
process.stdout.write(`wrote ${target}\n`);
