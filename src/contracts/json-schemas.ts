import { z } from 'zod';
import { DetailType, EVENT_SOURCE } from './events.js';
import { OnboardingWorkflowInput, RefusedAccountEvent } from './onboarding.js';
import { OwnershipTransferRequest, OwnershipTransferWorkflowInput, RefusedOwnershipTransferInput } from './ownership-transfer.js';
import { ReconcileWorkflowInput } from './reconcile.js';
import { RefusedPortfolioRequest } from './refused-request.js';
import { RESULT_DETAIL_SCHEMAS } from './result-details.js';
import { ShareRequest, ShareWorkflowInput } from './share.js';
import { SharingPolicy } from './sharing-policy.js';
import { UnshareRequest, UnshareWorkflowInput } from './unshare.js';

const fileName = (detailType: string) => `${detailType.toLowerCase().replaceAll(' ', '-')}.schema.json`;

const detailSchema = (detail: z.ZodType) => {
  const { $schema: _nested, ...schema } = z.toJSONSchema(detail, { target: 'draft-2020-12', io: 'output', unrepresentable: 'any' });
  return schema;
};

const eventSchema = (detailType: string, detail: z.ZodType) => ({
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  $id: `https://github.com/portfolio-share-orchestrator/schemas/events/${fileName(detailType)}`,
  title: detailType,
  description: `An EventBridge event with source ${EVENT_SOURCE} and detail-type "${detailType}".`,
  type: 'object',
  required: ['source', 'detail-type', 'detail'],
  properties: {
    source: { const: EVENT_SOURCE },
    'detail-type': { const: detailType },
    detail: detailSchema(detail),
  },
});

/**
 * The execution input of each state machine that is started from outside a workflow (its first step
 * checks it again); a request workflow, and the onboarding workflow, also take the refusal of a
 * request (an account event) its intake refused.
 */
const WORKFLOW_INPUTS: Record<string, z.ZodType> = {
  'share-portfolio': z.union([ShareWorkflowInput, RefusedPortfolioRequest]),
  'unshare-portfolio': z.union([UnshareWorkflowInput, RefusedPortfolioRequest]),
  'transfer-ownership': z.union([OwnershipTransferWorkflowInput, RefusedOwnershipTransferInput]),
  'onboard-account': z.union([OnboardingWorkflowInput, RefusedAccountEvent]),
  'reconcile-sharing': ReconcileWorkflowInput,
};

const workflowInputSchema = (name: string, input: z.ZodType) => ({
  ...z.toJSONSchema(input, { target: 'draft-2020-12', io: 'input', unrepresentable: 'any' }),
  $id: `https://github.com/portfolio-share-orchestrator/schemas/workflows/${name}.input.schema.json`,
  title: `${name} execution input`,
});

/** Every JSON Schema file the repository publishes, by path, generated from the zod schemas. */
export const jsonSchemaFiles = (): Record<string, object> => ({
  'config/sharing-policy.schema.json': {
    ...z.toJSONSchema(SharingPolicy, { target: 'draft-2020-12', io: 'input', unrepresentable: 'any' }),
    title: 'portfolio-share-orchestrator sharing policy',
  },
  [`schemas/events/${fileName(DetailType.shareRequested)}`]: eventSchema(DetailType.shareRequested, ShareRequest),
  [`schemas/events/${fileName(DetailType.unshareRequested)}`]: eventSchema(DetailType.unshareRequested, UnshareRequest),
  [`schemas/events/${fileName(DetailType.ownershipTransferRequested)}`]: eventSchema(
    DetailType.ownershipTransferRequested,
    OwnershipTransferRequest,
  ),
  ...Object.fromEntries(
    Object.entries(WORKFLOW_INPUTS).map(([name, input]) => [
      `schemas/workflows/${name}.input.schema.json`,
      workflowInputSchema(name, input),
    ]),
  ),
  ...Object.fromEntries(
    Object.entries(RESULT_DETAIL_SCHEMAS).map(([detailType, schema]) => [
      `schemas/events/${fileName(detailType)}`,
      eventSchema(detailType, schema),
    ]),
  ),
});
