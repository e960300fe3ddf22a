// The public surface of the local AWS endpoint: the seam service modules implement (contract.ts),
// the start function and what it returns, the Step Functions module a runtime plugs in with its Task
// bindings, and the ASL types with the one walk over a definition's states.
export * from './contract.js';
export { DEFAULT_HOST, DEFAULT_PORT, DEFAULT_REGION, startLocalAws, type AwsCredentials, type LocalAws, type LocalClientConfig, type StartLocalAwsOptions } from './endpoint.js';
export { DEMO_FIXTURE_PATH, FixtureError, type Fixture } from './fixture.js';
export { SimulatedClock } from './clock.js';
export { EventLog, EventWaitTimeoutError, type EventFilter } from './event-log.js';
export type { KnobSettings } from './knobs.js';
export type { ApiCallRecord, ServiceRegistration } from './server.js';
export {
  createStepFunctionsModule,
  ExecutionWaitTimeoutError,
  StatesError,
  type BindTasks,
  type ExecutionDescription,
  type ExecutionEvent,
  type StepFunctionsModule,
  type TaskHandler,
} from './stepfunctions/index.js';
export { AslShapeError, aslStates, mapStates, type AslContainer, type AslDefinition, type AslState, type AslStateEntry } from './stepfunctions/asl.js';
