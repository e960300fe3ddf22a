// Every workflow step validates its input before it does anything: a step written without its
// input schema would take whatever the state machine hands it.
import { readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { lambdaContext } from '../support/lambda-context.js';

const ROOT = join(import.meta.dirname, '..', '..');
const STEPS = join(ROOT, 'functions', 'steps');
const steps = readdirSync(STEPS, { recursive: true, encoding: 'utf8' })
  .filter((path) => path.endsWith('.ts'))
  .map((path) => relative(ROOT, join(STEPS, path)));

beforeAll(() => {
  // A step that got past validation would call AWS: keep any such call on a closed loopback port.
  process.env.AWS_ENDPOINT_URL = 'http://127.0.0.1:9';
});

describe('workflow steps', () => {
  it('are found', () => {
    expect(steps.length).toBeGreaterThan(0);
  });

  it.each(steps)('%s refuses an input that is not its own, as a ValidationError naming it', async (step) => {
    const { handler } = (await import(pathToFileURL(join(ROOT, step)).href)) as {
      handler: (event: unknown, context: unknown) => Promise<unknown>;
    };
    await expect(handler(42, lambdaContext('step'))).rejects.toMatchObject({
      name: 'ValidationError',
      message: expect.stringMatching(/^Invalid /),
    });
  });
});
