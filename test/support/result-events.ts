import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { expect } from 'vitest';
import { EVENT_SOURCE } from '../../src/contracts/events.js';
import type { ShareResultDetail } from '../../src/contracts/share.js';

const SCHEMA_DIR = join(import.meta.dirname, '..', '..', 'schemas', 'events');
const ajv = new Ajv2020({ allErrors: true, strict: false });
// The schemas use `format: date-time`; validate it rather than ignore it.
addFormats.default(ajv);
const validators = new Map<string, ReturnType<typeof ajv.compile>>();

const validatorFor = (detailType: string) => {
  const file = schemaFileFor(detailType);
  let validate = validators.get(file);
  if (!validate) {
    validate = ajv.compile(JSON.parse(readFileSync(file, 'utf8')) as object);
    validators.set(file, validate);
  }
  return validate;
};

export const schemaFileFor = (detailType: string) => join(SCHEMA_DIR, `${detailType.toLowerCase().replaceAll(' ', '-')}.schema.json`);

/** Validates an event against the JSON Schema file in schemas/events (not against the zod schema that produced it). */
export const expectValidEvent = (event: { source: string; 'detail-type': string; detail: unknown }): void => {
  const validate = validatorFor(event['detail-type']);
  const valid = validate(event);
  expect(validate.errors ?? [], `${event['detail-type']} does not match its schema`).toEqual([]);
  expect(valid).toBe(true);
};

/** A PutEvents entry of a result event: checks it against its schema and returns the detail. */
export const expectValidResultEvent = (entry: PutEventsRequestEntry | undefined): ShareResultDetail => {
  expect(entry, 'a result event was emitted').toBeDefined();
  const detail = JSON.parse(entry?.Detail ?? 'null') as ShareResultDetail;
  expect(entry?.Source).toBe(EVENT_SOURCE);
  expectValidEvent({ source: entry?.Source ?? '', 'detail-type': entry?.DetailType ?? '', detail });
  return detail;
};
