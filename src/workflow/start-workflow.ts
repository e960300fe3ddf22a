import { DescribeExecutionCommand, ExecutionAlreadyExists, type SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';

export interface StartedWorkflow {
  executionArn: string;
  /** `started`: a new execution; `existing`: the same request was already started (duplicate delivery); `conflict`: the name is taken by a different request. */
  state: 'started' | 'existing' | 'conflict';
}

/** JSON with sorted keys, so that two equal inputs compare equal whatever their key order. */
export const canonicalJson = (value: unknown): string =>
  JSON.stringify(value, (_key, item: unknown) =>
    item && typeof item === 'object' && !Array.isArray(item)
      ? Object.fromEntries(Object.entries(item).sort(([a], [b]) => a.localeCompare(b)))
      : item,
  );

/**
 * What a workflow input asks, without who sent it and how (`requestedBy`: the API caller, or the
 * event's account and id): the same request sent as an event and again over HTTP, or re-sent as a new
 * event, is one request.
 */
export const requestOf = (input: unknown): unknown => {
  if (!input || typeof input !== 'object' || Array.isArray(input)) return input;
  const { requestedBy: _transport, ...request } = input as Record<string, unknown>;
  return request;
};

export const executionArnFor = (stateMachineArn: string, name: string): string =>
  `${stateMachineArn.replace(':stateMachine:', ':execution:')}:${name}`;

/**
 * Starts an execution under a deterministic name. Step Functions keeps names unique for 90 days,
 * so a repeated delivery finds the execution instead of starting a second one; the name is taken by
 * a different request (a conflict) only when what the two ask differs (requestOf).
 */
export const startWorkflow = async (
  sfn: SFNClient,
  options: { stateMachineArn: string; name: string; input: unknown },
): Promise<StartedWorkflow> => {
  const input = canonicalJson(options.input);
  try {
    const started = await sfn.send(new StartExecutionCommand({ stateMachineArn: options.stateMachineArn, name: options.name, input }));
    return { executionArn: started.executionArn ?? executionArnFor(options.stateMachineArn, options.name), state: 'started' };
  } catch (error) {
    if (!(error instanceof ExecutionAlreadyExists)) throw error;
    const executionArn = executionArnFor(options.stateMachineArn, options.name);
    const existing = await sfn.send(new DescribeExecutionCommand({ executionArn }));
    const sameRequest =
      existing.input !== undefined && canonicalJson(requestOf(JSON.parse(existing.input))) === canonicalJson(requestOf(options.input));
    return { executionArn, state: sameRequest ? 'existing' : 'conflict' };
  }
};
