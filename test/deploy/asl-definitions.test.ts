import { readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { aslStates } from '@portfolio-share-orchestrator/local-aws';
import { describe, expect, it } from 'vitest';
import { definition } from '../support/workflow-harness.js';

const validate = createRequire(import.meta.url)('asl-validator') as (definition: unknown) => { isValid: boolean; errors: unknown[] };

const files = readdirSync('statemachines').filter((file) => file.endsWith('.asl.json'));

describe.each(files)('%s', (file) => {
  it('passes asl-validator once its substitutions are made', () => {
    const result = validate(definition(file));
    expect(result.errors).toEqual([]);
    expect(result.isValid).toBe(true);
  });

  it('calls AWS through SDK integrations and the project functions only', () => {
    for (const { name, state } of aslStates(definition(file)).filter(({ state }) => state.Type === 'Task')) {
      expect(state.Resource, name).toMatch(
        /^(arn:aws:states:::aws-sdk:(servicecatalog|organizations):\w+|arn:aws:states:::events:putEvents|arn:aws:states:::states:startExecution\.sync:2|arn:aws:lambda:us-east-1:123456789012:function:\w+)$/,
      );
    }
  });
});
