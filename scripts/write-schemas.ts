// `npm run schemas`: writes the published JSON Schemas from the zod schemas they are derived from.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { jsonSchemaFiles } from '../src/contracts/json-schemas.js';

for (const [path, schema] of Object.entries(jsonSchemaFiles())) {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, `${JSON.stringify(schema, null, 2)}\n`);
  console.log(`wrote ${path}`);
}
