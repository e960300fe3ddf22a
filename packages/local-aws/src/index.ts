// The public surface of the local AWS endpoint: the seam service modules implement (contract.ts),
// the start function and what it returns, the Step Functions module a runtime plugs in with its Task
// bindings, and the ASL types with the one walk over a definition's states.

export { type ClockAnchors, SimulatedClock } from './clock.js';
export * from './contract.js';
export { DYNAMODB_OPERATIONS, DynamoDb } from './dynamodb.js';
export {
  type AwsCredentials,
  DEFAULT_HOST,
  DEFAULT_PORT,
  DEFAULT_REGION,
  type LocalAws,
  type LocalClientConfig,
  type StartLocalAwsOptions,
  startLocalAws,
} from './endpoint.js';
export { type EventFilter, EventLog, EventWaitTimeoutError } from './event-log.js';
export { DEMO_FIXTURE_PATH, type Fixture, FixtureError } from './fixture.js';
export {
  type AuthorizationRequest,
  type Denial,
  IAM_MODES,
  type IamEvaluator,
  type IamMode,
  type Principal,
  parseIamMode,
} from './iam/evaluator.js';
export {
  checkPolicy,
  InvalidPolicyError,
  managedPolicy,
  type NamedPolicy,
  type PolicyDocument,
  type RoleDocuments,
} from './iam/policies.js';
export type { KnobSettings } from './knobs.js';
export type { ApiCallRecord, ServiceRegistration } from './server.js';
export {
  type AslContainer,
  type AslDefinition,
  AslShapeError,
  type AslState,
  type AslStateEntry,
  aslStates,
  mapStates,
} from './stepfunctions/asl.js';
export {
  type BindTasks,
  createStepFunctionsModule,
  type ExecutionDescription,
  type ExecutionEvent,
  ExecutionWaitTimeoutError,
  StatesError,
  type StepFunctionsModule,
  type TaskHandler,
} from './stepfunctions/index.js';
