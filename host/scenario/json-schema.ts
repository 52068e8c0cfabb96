import { z } from 'zod';
import { scenarioFileSchema } from './schema.js';

/**
 * The JSON Schema of the scenario file, for editors (yaml-language-server, VS Code). Generated
 * from the zod schema so the two cannot drift; draft-07 because every editor reads it.
 * Checks that relate fields (routes, component names) are the parser's alone.
 */
export function scenarioJsonSchema(): Record<string, unknown> {
  const generated = z.toJSONSchema(scenarioFileSchema, { target: 'draft-07' });
  // The header keys first; the spread refills their (same) values without moving them.
  return {
    $schema: generated.$schema,
    // A name, not a location: editors find the file through the `$schema=` comment or settings.
    $id: 'urn:romhost:scenario:0.1',
    title: generated.title,
    description: generated.description,
    ...generated,
  };
}

/** The committed text of scenario.schema.json: what `npm run schema` writes and a test compares. */
export function scenarioJsonSchemaText(): string {
  return `${JSON.stringify(scenarioJsonSchema(), null, 2)}\n`;
}
