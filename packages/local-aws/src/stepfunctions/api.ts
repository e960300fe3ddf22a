// The Step Functions API on the wire (awsJson 1.0, target prefix `AWSStepFunctions`): the operations
// the project, the SDK and the AWS CLI use, with the model's members, limits and errors.
import { AwsServiceError, type RequestContext, type ServiceModule } from '../contract.js';
import { AwsServiceErrorWithMembers, unknownOperationError } from '../errors.js';
import { paginate } from '../pagination.js';
import { epochSeconds } from '../time-format.js';
import {
  invalidArn,
  invalidDefinition,
  invalidToken,
  serializationFailed,
  stateMachineTypeNotSupported,
  validationFailed,
} from './errors.js';
import type { ExecutionStatus, LocalExecution } from './execution.js';
import { wireHistoryEvent } from './history.js';
import type { Scope, StepFunctionsService } from './service.js';
import type { RegisteredStateMachine } from './state-machines.js';

export const STEP_FUNCTIONS_TARGET = 'AWSStepFunctions';

type Input = Record<string, unknown>;
type Operation = (input: Input, scope: Scope) => unknown;

const EXECUTION_STATUSES: readonly ExecutionStatus[] = ['RUNNING', 'SUCCEEDED', 'FAILED', 'TIMED_OUT', 'ABORTED'];
const MODEL_EXECUTION_STATUSES = [...EXECUTION_STATUSES, 'PENDING_REDRIVE'];
// PageSize: 0 or absent is the default of 100, at most 1000.
const PAGE_LIMITS = { defaultPageSize: 100, maxPageSize: 1000 };
const MAX_PAGE_SIZE = 1000;
const MAX_ERROR_LENGTH = 256;
const MAX_CAUSE_LENGTH = 32_768;
const ROLE_ARN = /^arn:aws[\w-]*:iam::\d{12}:role\/.+$/;

function stringMember(input: Input, member: string, required: true): string;
function stringMember(input: Input, member: string, required?: false): string | undefined;
function stringMember(input: Input, member: string, required = false): string | undefined {
  const value = input[member];
  if (value === undefined || value === null) {
    if (required) throw validationFailed(member, undefined, 'Member must not be null');
    return undefined;
  }
  if (typeof value !== 'string') throw serializationFailed(member);
  return value;
}

function booleanMember(input: Input, member: string): boolean | undefined {
  const value = input[member];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'boolean') throw serializationFailed(member);
  return value;
}

function maxLength(member: string, value: string | undefined, max: number): void {
  if (value !== undefined && [...value].length > max)
    throw validationFailed(member, value, `Member must have length less than or equal to ${max}`);
}

function pageSize(input: Input): number | undefined {
  const value = input.maxResults;
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value)) throw serializationFailed('maxResults');
  if (value < 0) throw validationFailed('maxResults', value, 'Member must have value greater than or equal to 0');
  if (value > MAX_PAGE_SIZE) throw validationFailed('maxResults', value, `Member must have value less than or equal to ${MAX_PAGE_SIZE}`);
  return value === 0 ? undefined : value;
}

function page<T>(items: readonly T[], input: Input, scope: string): { items: T[]; nextToken?: string } {
  const nextToken = stringMember(input, 'nextToken');
  return paginate(
    items,
    { nextToken, pageSize: pageSize(input) },
    {
      scope: `stepfunctions:${scope}`,
      limits: PAGE_LIMITS,
      invalid: () => invalidToken(nextToken ?? ''),
    },
  );
}

const withToken = <T extends object>(output: T, nextToken: string | undefined): T & { nextToken?: string } =>
  nextToken === undefined ? output : { ...output, nextToken };

function describeStateMachine(machine: RegisteredStateMachine): Record<string, unknown> {
  return {
    stateMachineArn: machine.arn,
    name: machine.name,
    status: 'ACTIVE',
    definition: machine.definitionText,
    roleArn: machine.roleArn,
    type: 'STANDARD',
    creationDate: epochSeconds(machine.creationDate),
    loggingConfiguration: { level: 'OFF', includeExecutionData: false },
    tracingConfiguration: { enabled: false },
  };
}

function describeExecution(execution: LocalExecution, includeData: boolean): Record<string, unknown> {
  const description: Record<string, unknown> = {
    executionArn: execution.arn,
    stateMachineArn: execution.machine.arn,
    name: execution.name,
    status: execution.status,
    startDate: epochSeconds(execution.startDate),
    inputDetails: { included: includeData },
    redriveCount: execution.redriveCount,
  };
  if (execution.stopDate !== undefined) description.stopDate = epochSeconds(execution.stopDate);
  if (execution.redriveDate !== undefined) description.redriveDate = epochSeconds(execution.redriveDate);
  if (includeData) description.input = execution.inputText;
  if (execution.output !== undefined) {
    if (includeData) description.output = execution.output;
    description.outputDetails = { included: includeData };
  }
  if (execution.error !== undefined) description.error = execution.error;
  if (execution.cause !== undefined) description.cause = execution.cause;
  if (execution.traceHeader !== undefined) description.traceHeader = execution.traceHeader;
  if (execution.status === 'RUNNING' || execution.status === 'SUCCEEDED') {
    description.redriveStatus = 'NOT_REDRIVABLE';
    description.redriveStatusReason = `Execution is ${execution.status} and cannot be redriven`;
  }
  return description;
}

function listItem(execution: LocalExecution): Record<string, unknown> {
  const item: Record<string, unknown> = {
    executionArn: execution.arn,
    stateMachineArn: execution.machine.arn,
    name: execution.name,
    status: execution.status,
    startDate: epochSeconds(execution.startDate),
  };
  if (execution.stopDate !== undefined) item.stopDate = epochSeconds(execution.stopDate);
  if (execution.redriveDate !== undefined) {
    item.redriveCount = execution.redriveCount;
    item.redriveDate = epochSeconds(execution.redriveDate);
  }
  return item;
}

function includedData(input: Input): boolean {
  const value = stringMember(input, 'includedData');
  if (value !== undefined && value !== 'ALL_DATA' && value !== 'METADATA_ONLY') {
    throw validationFailed('includedData', value, 'Member must satisfy enum value set: [ALL_DATA, METADATA_ONLY]');
  }
  return value !== 'METADATA_ONLY';
}

function apiOperations(service: StepFunctionsService): Record<string, Operation> {
  return {
    CreateStateMachine: (input, scope) => {
      const name = stringMember(input, 'name', true);
      const definitionText = stringMember(input, 'definition', true);
      const roleArn = stringMember(input, 'roleArn', true);
      const type = stringMember(input, 'type') ?? 'STANDARD';
      if (type !== 'STANDARD' && type !== 'EXPRESS')
        throw validationFailed('type', type, 'Member must satisfy enum value set: [STANDARD, EXPRESS]');
      if (type === 'EXPRESS') throw stateMachineTypeNotSupported('The local endpoint runs STANDARD state machines only.');
      if (!ROLE_ARN.test(roleArn)) throw invalidArn(`Invalid role ARN: ${roleArn}`);
      let definition: unknown;
      try {
        definition = JSON.parse(definitionText);
      } catch (error) {
        throw invalidDefinition(`INVALID_JSON_DESCRIPTION: ${error instanceof Error ? error.message : String(error)}`);
      }
      const { machine } = service.registerStateMachine(scope, { name, definition, definitionText, roleArn });
      return { stateMachineArn: machine.arn, creationDate: epochSeconds(machine.creationDate) };
    },

    DescribeStateMachine: (input, scope) => {
      includedData(input);
      return describeStateMachine(service.stateMachine(scope, stringMember(input, 'stateMachineArn', true)));
    },

    ListStateMachines: (input, scope) => {
      const machines = service.stateMachines(scope).sort((a, b) => a.name.localeCompare(b.name));
      const { items, nextToken } = page(machines, input, `ListStateMachines:${scope.accountId}:${scope.region}`);
      const stateMachines = items.map((machine) => ({
        stateMachineArn: machine.arn,
        name: machine.name,
        type: 'STANDARD',
        creationDate: epochSeconds(machine.creationDate),
      }));
      return withToken({ stateMachines }, nextToken);
    },

    StartExecution: (input, scope) => {
      const stateMachineArn = stringMember(input, 'stateMachineArn', true);
      const name = stringMember(input, 'name');
      const inputText = stringMember(input, 'input');
      const traceHeader = stringMember(input, 'traceHeader');
      maxLength('traceHeader', traceHeader, 256);
      const execution = service.startExecution(scope, {
        stateMachineArn,
        ...(name === undefined ? {} : { name }),
        ...(inputText === undefined ? {} : { inputText }),
        ...(traceHeader === undefined ? {} : { traceHeader }),
      });
      return { executionArn: execution.arn, startDate: epochSeconds(execution.startDate) };
    },

    DescribeExecution: (input, scope) => {
      const data = includedData(input);
      return describeExecution(service.execution(scope, stringMember(input, 'executionArn', true)), data);
    },

    ListExecutions: (input, scope) => {
      const stateMachineArn = stringMember(input, 'stateMachineArn');
      const mapRunArn = stringMember(input, 'mapRunArn');
      const statusFilter = stringMember(input, 'statusFilter');
      if (statusFilter !== undefined && !MODEL_EXECUTION_STATUSES.includes(statusFilter)) {
        throw validationFailed(
          'statusFilter',
          statusFilter,
          `Member must satisfy enum value set: [${MODEL_EXECUTION_STATUSES.join(', ')}]`,
        );
      }
      if (stateMachineArn !== undefined && mapRunArn !== undefined) {
        throw new AwsServiceError('ValidationException', 'Only one of stateMachineArn or mapRunArn can be specified');
      }
      if (mapRunArn !== undefined) {
        // Inline Map states have no Map Runs; only a Distributed Map, which runs nowhere here, would.
        throw new AwsServiceErrorWithMembers('ResourceNotFound', `Resource not found: '${mapRunArn}'`, 400, { resourceName: mapRunArn });
      }
      if (stateMachineArn === undefined) throw new AwsServiceError('ValidationException', 'Must provide a StateMachine ARN or MapRun ARN');
      const machine = service.stateMachine(scope, stateMachineArn);
      const executions = service
        .executionsOf(machine)
        .filter((execution) => statusFilter === undefined || execution.status === statusFilter);
      const { items, nextToken } = page(executions, input, `ListExecutions:${machine.arn}:${statusFilter ?? '*'}`);
      return withToken({ executions: items.map(listItem) }, nextToken);
    },

    GetExecutionHistory: (input, scope) => {
      const execution = service.execution(scope, stringMember(input, 'executionArn', true));
      const reverse = booleanMember(input, 'reverseOrder') ?? false;
      const includeData = booleanMember(input, 'includeExecutionData') ?? true;
      const events = reverse ? [...execution.history.events].reverse() : execution.history.events;
      const { items, nextToken } = page(events, input, `GetExecutionHistory:${execution.arn}:${reverse}`);
      return withToken({ events: items.map((event) => wireHistoryEvent(event, includeData)) }, nextToken);
    },

    StopExecution: (input, scope) => {
      const executionArn = stringMember(input, 'executionArn', true);
      const error = stringMember(input, 'error');
      const cause = stringMember(input, 'cause');
      maxLength('error', error, MAX_ERROR_LENGTH);
      maxLength('cause', cause, MAX_CAUSE_LENGTH);
      const stopDate = service.execution(scope, executionArn).stop(error, cause);
      return { stopDate: epochSeconds(stopDate) };
    },
  };
}

export function stepFunctionsApi(service: StepFunctionsService): ServiceModule {
  const operations = apiOperations(service);
  return {
    target: STEP_FUNCTIONS_TARGET,
    handle: async (operation: string, input: Input, context: RequestContext) => {
      const run = operations[operation];
      if (!run) throw unknownOperationError(operation);
      return run(input, { accountId: context.caller.accountId, region: context.region });
    },
  };
}
