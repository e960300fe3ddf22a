// Keeps src/service-catalog/model.ts true to the published Service Catalog model (botocore's
// service-2.json, when botocore is installed) and checks that the module serves every operation in it.
import { describe, expect, it } from 'vitest';
import { type OperationModel, operationModels, type ShapeModel, shapes } from '../src/service-catalog/model.js';
import { botocoreUnavailableReason, loadServiceModel, type ServiceModel } from './botocore-model.js';
import { createHarness, MANAGEMENT } from './service-catalog/fakes.js';

/** The same extraction that produced model.ts: input shapes reachable from each operation, constraints only. */
function extract(
  model: ServiceModel,
  operations: string[],
): { operations: Record<string, OperationModel>; shapes: Record<string, ShapeModel> } {
  const extracted: Record<string, ShapeModel> = {};
  const walk = (name: string): void => {
    if (extracted[name]) return;
    const source = model.shapes[name];
    if (!source) throw new Error(`botocore lacks shape ${name}`);
    const shape: ShapeModel = { type: source.type };
    for (const key of ['required', 'min', 'max', 'pattern', 'enum'] as const) {
      if (source[key] !== undefined) Object.assign(shape, { [key]: source[key] });
    }
    extracted[name] = shape;
    if (source.members) {
      shape.members = Object.fromEntries(Object.entries(source.members).map(([member, ref]) => [member, ref.shape]));
      for (const ref of Object.values(source.members)) walk(ref.shape);
    }
    if (source.member) {
      shape.member = source.member.shape;
      walk(source.member.shape);
    }
    if (source.key && source.value) {
      shape.key = source.key.shape;
      shape.value = source.value.shape;
      walk(source.key.shape);
      walk(source.value.shape);
    }
  };
  const extractedOperations: Record<string, OperationModel> = {};
  for (const name of operations) {
    const operation = model.operations[name];
    if (!operation?.input) throw new Error(`botocore lacks operation ${name}`);
    extractedOperations[name] = { input: operation.input.shape, errors: (operation.errors ?? []).map((error) => error.shape) };
    walk(operation.input.shape);
  }
  return { operations: extractedOperations, shapes: extracted };
}

describe('Service Catalog model', () => {
  it.skipIf(botocoreUnavailableReason() !== undefined)('matches the installed botocore model for every served operation', () => {
    const expected = extract(loadServiceModel('servicecatalog'), Object.keys(operationModels));
    expect(operationModels).toEqual(expected.operations);
    expect(shapes).toEqual(expected.shapes);
  });

  it('serves every operation of the model', async () => {
    const h = createHarness();
    for (const operation of Object.keys(operationModels)) {
      const outcome = await h.sc
        .handle(
          operation,
          {},
          {
            caller: { accountId: MANAGEMENT, arn: `arn:aws:iam::${MANAGEMENT}:root`, userId: MANAGEMENT, accessKeyId: 'k' },
            region: 'us-east-1',
            requestId: 'r',
          },
        )
        .then(
          () => 'ok',
          (error: { code?: string }) => error.code,
        );
      expect([operation, outcome]).not.toEqual([operation, 'UnknownOperationException']);
    }
    expect(Object.keys(operationModels)).toHaveLength(28);
  });
});
