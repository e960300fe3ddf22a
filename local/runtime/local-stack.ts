import '@portfolio-share-orchestrator/local-aws/polyfills';
import { appendFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { CreateTableCommand, type CreateTableCommandInput, DynamoDBClient, ResourceInUseException } from '@aws-sdk/client-dynamodb';
import { CreateEventBusCommand, EventBridgeClient, ResourceAlreadyExistsException } from '@aws-sdk/client-eventbridge';
import { OrganizationsClient } from '@aws-sdk/client-organizations';
import { ServiceCatalogClient } from '@aws-sdk/client-service-catalog';
import { SFNClient } from '@aws-sdk/client-sfn';
import { STSClient } from '@aws-sdk/client-sts';
import {
  type AslDefinition,
  type BusEvent,
  createStepFunctionsModule,
  type LocalAws,
  type StartLocalAwsOptions,
  StatesError,
  startLocalAws,
} from '@portfolio-share-orchestrator/local-aws';
import { startAuditStream } from './audit-stream.js';
import { type Delivery, startEventRouter } from './event-router.js';
import { startHttpApi } from './http-api.js';
import { LocalFunctions } from './local-functions.js';
import { startSchedules } from './schedules.js';
import {
  type LocalDefinitions,
  type LocalFunction,
  type LocalStateMachine,
  localDefinitions,
  PROJECT_ROOT,
  printServerlessConfig,
  type ServerlessConfig,
} from './serverless-config.js';
import { authorizeLogDelivery, deployStackIam, principalOf, serviceSession, stateMachineSessions } from './stack-iam.js';
import { bindTaskStates } from './task-bindings.js';

export interface StartLocalStackOptions extends Omit<StartLocalAwsOptions, 'services'> {
  /** The HTTP API's port: 3000 by default, 0 for a free one (tests). */
  httpPort?: number;
  /** The Serverless stage whose resolved configuration runs here. */
  stage?: string;
  /** Where the audit stream, the audit log group, dead letters and IAM denials are written: `.local` by default. */
  outputDir?: string;
  /** Environment for the functions over serverless.yml's, e.g. another SHARING_POLICY_PATH. */
  environment?: Record<string, string>;
  /** Run the state machines' enabled `schedule` events on the simulated clock (off by default: runs start on demand). */
  schedules?: boolean;
  /** Changes a copy of the resolved configuration before it deploys (tests deploy one with a permission removed). */
  configure?: (config: ServerlessConfig) => ServerlessConfig;
  /** One readable line per event received, step of note, delivery failure and result. */
  onLine?: (line: string) => void;
}

/**
 * The whole system on one machine: the local AWS endpoint, and on it the rules, state machines,
 * functions and HTTP routes that `serverless.yml` deploys, read from its resolved configuration.
 *
 * With `stateDir` the endpoint keeps its state there (`npm start`: `.local/state`), and so do the
 * Step Functions executions, the rule deliveries under way and the audit stream's outbox: a start
 * on the same directory continues where the last one stopped or was killed, redriving the
 * executions it interrupted and delivering the events it had accepted.
 */
export const startLocalStack = async (options: StartLocalStackOptions = {}) => {
  const stage = options.stage ?? 'local';
  const outputDir = options.outputDir ?? join(PROJECT_ROOT, '.local');
  mkdirSync(outputDir, { recursive: true });
  const say = options.onLine ?? (() => undefined);

  // The configuration first, then the endpoint: from the moment the endpoint listens, the audit
  // stream and the rules must hear every event, or an event a caller put while the stack was still
  // starting (a client retrying through a restart) would be answered and never delivered.
  const config = await printServerlessConfig(stage, options.environment?.SHARING_POLICY_PATH);
  const aws = await startLocalAws(options);
  // Nothing below awaits until the audit stream and the rules are subscribed.
  const accountId = aws.organization.managementAccountId;
  const definitions = localDefinitions(options.configure ? options.configure(structuredClone(config)) : config, accountId);
  const denialsFile = join(outputDir, 'iam-denials.jsonl');
  const unsubscribeDenials = aws.iam.onDenial((denial) => {
    appendFileSync(denialsFile, `${JSON.stringify(denial)}\n`);
    say(`iam     ${denial.mode === 'enforce' ? 'denied' : 'would deny'} ${denial.principal} ${denial.action} on ${denial.resource}`);
  });
  // Rule deliveries wait until what they invoke is bound (below).
  let functionsBound: LocalFunctions | undefined;
  let markBound: () => void = () => undefined;
  const bound = new Promise<void>((resolve) => {
    markBound = resolve;
  });
  const eventsFile = join(outputDir, 'events.jsonl');
  const deadLettersFile = join(outputDir, 'dead-letters.jsonl');
  const audit = startAuditStream({
    file: eventsFile,
    line: (event) => jsonLine(event, say),
    ...(aws.state ? { state: aws.state } : {}),
  });
  const unsubscribeAudit = aws.events.subscribe((event: BusEvent) => {
    if (event.eventBusName !== definitions.eventBusName) return;
    audit.write(event);
    say(`event   ${event['detail-type']} ${describeDetail(event.detail)}`);
  });
  const router = startEventRouter({
    events: aws.events,
    rules: definitions.rules,
    accountId,
    clock: aws.clock,
    ready: bound,
    invokeFunction: (key, event) => (functionsBound as LocalFunctions).invoke(key, event),
    writeLog: async (rule, entry) => {
      if (rule.target.kind !== 'log') return;
      const refused = await authorizeLogDelivery(aws, definitions, rule);
      if (refused) throw new Error(refused.message);
      appendFileSync(
        join(outputDir, `${rule.target.logGroupName.replace(/^\/+/, '').replaceAll('/', '_')}.jsonl`),
        `${JSON.stringify(entry)}\n`,
      );
    },
    onDeadLetter: (delivery: Delivery) => {
      appendFileSync(deadLettersFile, `${jsonLine(delivery, say)}\n`);
      say(`dead letter  ${delivery.rule} after ${delivery.attempts} attempts: ${delivery.error}`);
    },
    onDelivered: (delivery) => {
      if (delivery.event.source.startsWith('aws.'))
        say(
          `rule    ${delivery.rule} ← ${delivery.event.source} ${String(delivery.event.detail.eventName ?? delivery.event['detail-type'])}`,
        );
    },
    ...(aws.state ? { state: aws.state } : {}),
  });
  try {
    const clientConfig = { ...aws.clientConfig(), region: definitions.region };
    const eventBridge = new EventBridgeClient(clientConfig);
    await eventBridge.send(new CreateEventBusCommand({ Name: definitions.eventBusName })).catch((error: unknown) => {
      if (!(error instanceof ResourceAlreadyExistsException)) throw error;
    });
    deployStackIam(aws, definitions);
    const dynamoDb = new DynamoDBClient(clientConfig);
    for (const table of definitions.tables) {
      await dynamoDb.send(new CreateTableCommand(table as CreateTableCommandInput)).catch((error: unknown) => {
        // A table kept from an earlier run is the stack's, as an update leaves it.
        if (!(error instanceof ResourceInUseException)) throw error;
      });
    }
    dynamoDb.destroy();

    // The functions' SDK clients find the local endpoint as deployed ones find AWS: through the environment.
    const functions = await LocalFunctions.load(definitions.functions, {
      region: definitions.region,
      accountId,
      // The functions stamp results with the endpoint's simulated time, as executions and events are,
      // and wait in it, as AWS's state changes in it.
      clock: aws.clock,
      // Lambda gives each function's code a session on its execution role; a key given in `environment`
      // (`npm start -- --hub-key`) runs every function with that key instead, as a hub in that key's account.
      ...(options.environment?.AWS_ACCESS_KEY_ID
        ? {}
        : {
            credentialsFor: (fn: LocalFunction) =>
              serviceSession(aws, { roleArn: fn.roleArn, service: 'lambda.amazonaws.com', sourceArn: fn.arn, sessionName: fn.name }),
          }),
      environment: {
        AWS_ENDPOINT_URL: aws.url,
        AWS_REGION: definitions.region,
        AWS_ACCESS_KEY_ID: aws.credentials.accessKeyId,
        AWS_SECRET_ACCESS_KEY: aws.credentials.secretAccessKey,
        POWERTOOLS_LOG_LEVEL: process.env.POWERTOOLS_LOG_LEVEL ?? 'WARN',
        ...options.environment,
      },
    });
    // Step Functions runs each state machine's tasks with a session on the state machine's role.
    const machineByArn = new Map(definitions.stateMachines.map((machine) => [machine.arn, machine]));
    const machineSessions = stateMachineSessions(aws, definitions);
    const bindMachine = (machine: LocalStateMachine, definition: AslDefinition) => {
      const config = { ...clientConfig, credentials: machineSessions.credentialsOf(machine.arn) };
      const clients = {
        servicecatalog: new ServiceCatalogClient(config),
        organizations: new OrganizationsClient(config),
        sfn: new SFNClient(config),
        eventbridge: new EventBridgeClient(config),
        sts: new STSClient(config),
      };
      const lambdas = Object.fromEntries(
        definitions.functions.map((fn) => [
          fn.name,
          async (input: unknown) => {
            // Invoking a function is lambda:InvokeFunction on its ARN, with the state machine's role.
            const refused = await machineSessions.authorize(machine.arn, [{ action: 'lambda:InvokeFunction', resource: fn.arn }]);
            if (refused) throw new StatesError('Lambda.AWSLambdaException', refused.message);
            return functions.invoke(fn.key, input);
          },
        ]),
      );
      return bindTaskStates(definition, { clients, functions: lambdas });
    };
    const stepFunctions = createStepFunctionsModule({
      region: definitions.region,
      accountId,
      clock: aws.clock,
      ...(aws.state ? { state: aws.state } : {}),
      authorizeIntegration: machineSessions.authorize,
      bindTasks: (definition, stateMachineArn) => {
        const machine = machineByArn.get(stateMachineArn);
        if (!machine) throw new Error(`${stateMachineArn} is not a state machine of serverless.yml`);
        return bindMachine(machine, definition);
      },
    });
    aws.registerService(stepFunctions.registration);
    const stateMachineArns = Object.fromEntries(
      definitions.stateMachines.map((machine) => [
        machine.key,
        stepFunctions.registerStateMachine({ name: machine.name, definition: machine.definition }).stateMachineArn,
      ]),
    );

    // An ended execution asks nothing again: the answers kept for its task calls can go.
    const unsubscribeAnswers = stepFunctions.onExecutionEvent((event) => {
      if (event.type === 'ExecutionEnded') aws.forgetAnswers(`${event.execution.executionArn}|`);
    });
    const unsubscribeSteps = stepFunctions.onExecutionEvent((event) => say(`step    ${event}`));
    const schedules = startSchedules({
      schedules: definitions.schedules,
      clock: aws.clock,
      run: options.schedules ?? false,
      region: definitions.region,
      accountId,
      startExecution: (key, input) => {
        const stateMachineArn = stateMachineArns[key];
        const schedule = definitions.schedules.find((candidate) => candidate.stateMachineKey === key);
        if (!stateMachineArn || !schedule) throw new Error(`Schedule of unknown state machine ${key}`);
        say(`schedule ${key} ← ${JSON.stringify(input)}`);
        // The schedule's rule starts the execution with its role.
        const ruleArn = `arn:aws:events:${definitions.region}:${accountId}:rule/${schedule.name}`;
        void serviceSession(aws, {
          roleArn: schedule.roleArn,
          service: 'events.amazonaws.com',
          sourceArn: ruleArn,
          sessionName: schedule.name,
        })
          .then(async (session) => {
            const refused = await aws.iam.authorize(principalOf(aws, session), [
              { action: 'states:StartExecution', resource: stateMachineArn },
            ]);
            if (refused) throw new Error(refused.message);
            stepFunctions.startExecution({ stateMachineArn, input });
          })
          .catch((error: unknown) => say(`schedule ${key} failed to start: ${error instanceof Error ? error.message : String(error)}`));
      },
    });
    const http = await startHttpApi({
      port: options.httpPort ?? 3000,
      routes: definitions.routes,
      invokeFunction: (key, event) => functions.invoke(key, event),
      callerOf: (key, sessionToken) => {
        const resolved = aws.identity.resolve(key, sessionToken);
        return resolved.ok ? resolved.caller : undefined;
      },
      onRequest: ({ method, path, status }) => say(`http    ${method} ${path} → ${status}`),
      // Without a line printer the HTTP API reports a request that failed on stderr itself.
      ...(options.onLine
        ? {
            onError: ({ method, path, error }: { method: string; path: string; error: unknown }) =>
              say(`http    ${method} ${path} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`),
          }
        : {}),
    });

    // Everything is bound: rule deliveries go, and what the last run left under way goes on.
    functionsBound = functions;
    markBound();
    const resumed = {
      auditLines: audit.resume(),
      executions: stepFunctions.resume(),
      deliveries: router.resume(),
    };
    if (aws.state?.restored)
      say(
        `state   continued from ${aws.state.directory} (start ${aws.state.generation + 1}): ${resumed.executions} executions redriven, ${resumed.deliveries} rule deliveries resumed`,
      );

    return {
      aws,
      http,
      definitions,
      /** What this start took over from the last one, when it continued a persisted state. */
      resumed,
      functions,
      stepFunctions,
      stateMachineArns,
      router,
      eventsFile,
      /** Every IAM denial (enforce) or would-be denial (report), one JSON line each. */
      denialsFile,
      /** Each schedule of serverless.yml and whether it runs here. */
      schedules: schedules.states,
      /** Waits until no rule delivery and no execution is in flight. */
      async settle(timeoutMs = 60_000): Promise<void> {
        const deadline = Date.now() + timeoutMs;
        while (Date.now() < deadline) {
          await router.idle();
          if (stepFunctions.running() === 0) {
            await new Promise((resolve) => setTimeout(resolve, 20));
            if (stepFunctions.running() === 0) return router.idle();
          }
          await new Promise((resolve) => setTimeout(resolve, 20));
        }
        throw new Error(`The local stack did not settle within ${timeoutMs} ms (${stepFunctions.running()} executions running)`);
      },
      async close(): Promise<void> {
        // A kept state is committed as it stands first: what the stop below ends (executions stopped,
        // deliveries cut short) is left running in it, for the next start to go on with.
        aws.state?.close();
        schedules.stop();
        unsubscribeDenials();
        unsubscribeSteps();
        unsubscribeAnswers();
        unsubscribeAudit();
        audit.close();
        router.stop({ resumable: aws.state !== undefined });
        await stepFunctions.stopAll();
        await Promise.all([functions.close(), http.close(), aws.close()]);
      },
    };
  } catch (error) {
    unsubscribeDenials();
    unsubscribeAudit();
    audit.close();
    router.stop({ resumable: aws.state !== undefined });
    await aws.close();
    throw error;
  }
};
export type LocalStack = Awaited<ReturnType<typeof startLocalStack>>;
export type { LocalAws, LocalDefinitions };

/**
 * One JSON line of the audit stream or the dead letters. PutEvents refuses details deeper than the
 * nesting it processes, so every event on a bus serialises; should one not (an event published in
 * process), the record is still written, its event's detail replaced by why it is missing, and the
 * line printer says so: nothing is silently left out.
 */
const jsonLine = (record: BusEvent | Delivery, say: (line: string) => void): string => {
  try {
    return JSON.stringify(record);
  } catch (error) {
    const reason = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    const event = 'rule' in record ? record.event : record;
    say(`event   ${event['detail-type']} ${event.id}: its detail could not be written out (${reason})`);
    const withoutDetail = JSON.parse(JSON.stringify(record, (key, value: unknown) => (key === 'detail' ? null : value))) as object;
    return JSON.stringify({ ...withoutDetail, detailNotWritten: reason });
  }
};

const describeDetail = (detail: Record<string, unknown>): string =>
  ['requestId', 'runId', 'outcome', 'portfolioId', 'accountId']
    .filter((key) => detail[key] !== undefined && detail[key] !== null)
    .map((key) => `${key}=${String(detail[key])}`)
    .join(' ');
