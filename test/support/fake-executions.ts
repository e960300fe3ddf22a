import {
  DescribeExecutionCommand,
  type DescribeExecutionCommandInput,
  ExecutionAlreadyExists,
  ExecutionDoesNotExist,
  type ServiceInputTypes,
  type ServiceOutputTypes,
  type SFNClientResolvedConfig,
  StartExecutionCommand,
  type StartExecutionCommandInput,
} from '@aws-sdk/client-sfn';
import type { AwsStub } from 'aws-sdk-client-mock';
import { executionArnFor } from '../../src/workflow/start-workflow.js';

export interface FakeExecution {
  stateMachineArn: string;
  name: string;
  input: unknown;
}

/**
 * Answers StartExecution and DescribeExecution from executions kept in memory: a name is taken once
 * per state machine, and starting it again fails with ExecutionAlreadyExists, as for an execution
 * that has ended. Returns the executions by ARN, in the order they were started.
 */
export const fakeExecutions = (
  sfn: AwsStub<ServiceInputTypes, ServiceOutputTypes, SFNClientResolvedConfig>,
): Map<string, FakeExecution> => {
  const executions = new Map<string, FakeExecution>();
  sfn.on(StartExecutionCommand).callsFake((input: StartExecutionCommandInput) => {
    const stateMachineArn = input.stateMachineArn ?? '';
    const executionArn = executionArnFor(stateMachineArn, input.name ?? '');
    if (executions.has(executionArn)) {
      throw new ExecutionAlreadyExists({ message: `Execution Already Exists: '${executionArn}'`, $metadata: {} });
    }
    executions.set(executionArn, { stateMachineArn, name: input.name ?? '', input: JSON.parse(input.input ?? '{}') });
    return { executionArn, startDate: new Date() };
  });
  sfn.on(DescribeExecutionCommand).callsFake(({ executionArn = '' }: DescribeExecutionCommandInput) => {
    const execution = executions.get(executionArn);
    if (!execution) throw new ExecutionDoesNotExist({ message: `Execution Does Not Exist: '${executionArn}'`, $metadata: {} });
    return {
      executionArn,
      stateMachineArn: execution.stateMachineArn,
      name: execution.name,
      input: JSON.stringify(execution.input),
      status: 'SUCCEEDED',
    };
  });
  return executions;
};
