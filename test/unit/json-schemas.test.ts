import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { jsonSchemaFiles } from '../../src/contracts/json-schemas.js';

describe('published JSON Schemas', () => {
  it.each(Object.entries(jsonSchemaFiles()))('%s is up to date with the zod schema (npm run schemas)', (path, schema) => {
    expect(JSON.parse(readFileSync(path, 'utf8'))).toEqual(schema);
  });
});
