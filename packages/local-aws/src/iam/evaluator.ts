// IAM as the endpoint enforces it. Evaluation is @cloud-copilot/iam-simulate's (AGPL-3.0, a dependency
// of this local package only, never of a deployed function): identity-based policies, the session
// policy, a resource-based policy, explicit Deny over Allow, Action/NotAction, Resource/NotResource and
// conditions. What this file adds is the request: who calls (the principal, its policies and its
// global context keys), what it touches (the ARN), and how a refusal reads on the wire.
import { getDenialReasons, isConditionKeyArray, type RequestDenial, runSimulation, typeForContextKey } from '@cloud-copilot/iam-simulate';
import type { Caller } from '../contract.js';
import { AwsServiceError } from '../contract.js';
import type { PolicyDocument, PrincipalPolicies } from './policies.js';

export type IamMode = 'enforce' | 'report' | 'off';
export const IAM_MODES: readonly IamMode[] = ['enforce', 'report', 'off'];

/** One authorization AWS makes for a call: an action on one resource (`*` for actions without resource types). */
export interface AuthorizationRequest {
  /** `servicecatalog:CreatePortfolioShare` */
  action: string;
  resource: string;
  /** The account that owns the resource; the caller's by default. */
  resourceAccount?: string;
  /** Service-specific condition keys, e.g. `organizations:ServicePrincipal`. */
  context?: Record<string, string | string[]>;
  /** The resource's policy (an event bus policy, a role's trust policy), when it has one. */
  resourcePolicy?: PolicyDocument;
  /**
   * A role trust policy must itself allow the principal, even within one account; otherwise a
   * same-account identity policy alone would grant sts:AssumeRole.
   */
  resourcePolicyRequired?: boolean;
}

/** A principal as the evaluator sees it: the caller, or an AWS service acting on a resource. */
export type Principal =
  | { kind: 'caller'; caller: Caller; policies: PrincipalPolicies }
  | { kind: 'service'; service: string; sourceArn?: string; sourceAccount?: string };

export interface Denial {
  time: string;
  principal: string;
  action: string;
  resource: string;
  reason: string;
  message: string;
  mode: IamMode;
}

export interface IamEvaluatorOptions {
  mode?: IamMode;
  /** The organization an account belongs to (`aws:PrincipalOrgID`), undefined outside one. */
  organizationOf: (accountId: string) => string | undefined;
  /** Simulated time, for `aws:CurrentTime`. */
  now: () => number;
}

const ADMINISTRATOR: PolicyDocument = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] };

export class IamEvaluator {
  #mode: IamMode;
  readonly #options: IamEvaluatorOptions;
  readonly #listeners = new Set<(denial: Denial) => void>();

  constructor(options: IamEvaluatorOptions) {
    this.#mode = options.mode ?? 'enforce';
    this.#options = options;
  }

  get mode(): IamMode {
    return this.#mode;
  }

  setMode(mode: IamMode): void {
    this.#mode = mode;
  }

  /** Observes every would-be denial (in `enforce` and `report`). Returns the unsubscribe function. */
  onDenial(listener: (denial: Denial) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /**
   * Evaluates each request in turn; the first refused one decides. In `enforce` the refusal is
   * returned (the caller answers it), in `report` it is only reported, in `off` nothing is evaluated.
   */
  async authorize(
    principal: Principal,
    requests: readonly AuthorizationRequest[],
    refusal: (message: string) => AwsServiceError = accessDenied,
    describe: (request: AuthorizationRequest, reason: string) => string = standardMessage(principal),
  ): Promise<AwsServiceError | undefined> {
    if (this.#mode === 'off') return undefined;
    for (const request of requests) {
      const reason = await this.#evaluate(principal, request);
      if (reason === undefined) continue;
      const message = describe(request, reason);
      const denial: Denial = {
        time: new Date(this.#options.now()).toISOString(),
        principal: principalArnForMessage(principal),
        action: request.action,
        resource: request.resource,
        reason,
        message,
        mode: this.#mode,
      };
      for (const listener of this.#listeners) listener(denial);
      if (this.#mode === 'enforce') return refusal(message);
    }
    return undefined;
  }

  /** Whether the principal may: the refusal reason (`because no identity-based policy allows …`), or undefined. */
  async #evaluate(principal: Principal, request: AuthorizationRequest): Promise<string | undefined> {
    const principalArn = principal.kind === 'caller' ? principal.caller.arn : principal.service;
    const callerAccount = principal.kind === 'caller' ? principal.caller.accountId : undefined;
    const resourceAccount = request.resourceAccount ?? callerAccount ?? '';
    const singleKeys = await singleValuedArrayKeys(request.context);
    const prepare = (policy: PolicyDocument): PolicyDocument => (singleKeys.size > 0 ? asSingleValued(policy, singleKeys) : policy);
    const identityPolicies =
      principal.kind === 'service'
        ? []
        : principal.policies.root
          ? [{ name: 'root', policy: ADMINISTRATOR }]
          : principal.policies.identity.map((policy, index) => ({
              name: policy.name ?? `policy-${index + 1}`,
              policy: prepare(policy.document),
            }));
    const sessionPolicy = principal.kind === 'caller' ? principal.policies.session : undefined;
    const result = await runSimulation(
      {
        request: {
          principal: principalArn,
          action: request.action,
          resource: { resource: request.resource, accountId: resourceAccount },
          contextVariables: { ...this.#globalContext(principal, request), ...request.context },
        },
        identityPolicies,
        sessionPolicy: sessionPolicy && prepare(sessionPolicy),
        resourcePolicy: request.resourcePolicy && prepare(request.resourcePolicy),
        serviceControlPolicies: [],
        resourceControlPolicies: [],
      },
      {},
    );
    // An ARN of the wrong type for the action (a state machine ARN given as an execution ARN) is the
    // operation's to refuse with its own error (InvalidArn, ValidationException).
    if (result.resultType === 'error' && result.errors.message === 'no.resource.types') return undefined;
    if (result.resultType === 'error') {
      throw new Error(`IAM evaluation of ${request.action} on ${request.resource} failed: ${result.errors.message}`);
    }
    const analysis = result.resultType === 'single' ? result.result.analysis : result.results[0]?.analysis;
    if (!analysis) return 'because no identity-based policy allows the action';
    if (result.overallResult === 'Allowed' && !(request.resourcePolicyRequired && !allowedByResourcePolicy(analysis))) return undefined;
    return reasonFor(analysis, request, result.overallResult === 'Allowed');
  }

  #globalContext(principal: Principal, request: AuthorizationRequest): Record<string, string | string[]> {
    const now = this.#options.now();
    const context: Record<string, string | string[]> = {
      'aws:CurrentTime': new Date(now).toISOString(),
      'aws:EpochTime': String(Math.floor(now / 1000)),
      'aws:SecureTransport': 'true',
    };
    if (principal.kind === 'service') {
      context['aws:PrincipalServiceName'] = principal.service;
      context['aws:PrincipalIsAWSService'] = 'true';
      if (principal.sourceArn) context['aws:SourceArn'] = principal.sourceArn;
      if (principal.sourceAccount) context['aws:SourceAccount'] = principal.sourceAccount;
      return context;
    }
    const { caller, policies } = principal;
    context['aws:PrincipalArn'] = policies.principalArn;
    context['aws:PrincipalAccount'] = caller.accountId;
    context['aws:PrincipalIsAWSService'] = 'false';
    context['aws:userid'] = caller.userId;
    context['aws:PrincipalType'] = policies.principalType;
    if (policies.principalType === 'User') context['aws:username'] = caller.arn.slice(caller.arn.lastIndexOf('/') + 1);
    const organizationId = this.#options.organizationOf(caller.accountId);
    if (organizationId) context['aws:PrincipalOrgID'] = organizationId;
    if (policies.sourceIdentity) context['aws:SourceIdentity'] = policies.sourceIdentity;
    if (request.resourceAccount && request.resourceAccount !== caller.accountId) context['aws:ResourceAccount'] = request.resourceAccount;
    else context['aws:ResourceAccount'] = caller.accountId;
    return context;
  }
}

type Analysis = Parameters<typeof getDenialReasons>[0];

/**
 * The keys a request carries one value of (given as a string) that the Service Authorization
 * Reference types as multivalued: `events:detail-type` and `events:source` are lists in PutRule's
 * patterns but one value per PutEvents entry, and policies (the project's bus policy among them)
 * match them with single-valued operators such as StringEquals. iam-simulate holds every key typed
 * ArrayOf* to set operators, so a StringEquals on them would never match.
 */
async function singleValuedArrayKeys(context: AuthorizationRequest['context']): Promise<Set<string>> {
  const keys = new Set<string>();
  for (const [key, value] of Object.entries(context ?? {})) {
    if (typeof value !== 'string') continue;
    const type = await typeForContextKey(key).catch(() => undefined);
    if (type && isConditionKeyArray(type)) keys.add(key.toLowerCase());
  }
  return keys;
}

/**
 * The policy with its single-valued conditions on `keys` written as set operators over the one value,
 * which decide the same: ForAnyValue where a missing key fails the condition, ForAllValues where it
 * passes it (negated operators and …IfExists).
 */
function asSingleValued(policy: PolicyDocument, keys: ReadonlySet<string>): PolicyDocument {
  const named = (block: unknown) => isRecord(block) && Object.keys(block).some((key) => keys.has(key.toLowerCase()));
  const rewrite = (statement: unknown): unknown => {
    if (!isRecord(statement) || !isRecord(statement.Condition)) return statement;
    const blocks = Object.entries(statement.Condition);
    // A statement that already tests these keys with set operators is left as written.
    if (blocks.some(([operator, block]) => operator.includes(':') && named(block))) return statement;
    const condition: Record<string, unknown> = {};
    for (const [operator, block] of blocks) {
      if (!isRecord(block) || !named(block) || operator.toLowerCase().startsWith('null')) {
        condition[operator] = block;
        continue;
      }
      const setOperator = operator.includes('Not') || operator.endsWith('IfExists') ? 'ForAllValues' : 'ForAnyValue';
      for (const [key, value] of Object.entries(block)) {
        const target = keys.has(key.toLowerCase()) ? `${setOperator}:${operator}` : operator;
        const existing = condition[target];
        condition[target] = { ...(isRecord(existing) ? existing : {}), [key]: value };
      }
    }
    return { ...statement, Condition: condition };
  };
  const statements = policy.Statement;
  return { ...policy, Statement: Array.isArray(statements) ? statements.map(rewrite) : rewrite(statements) };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function allowedByResourcePolicy(analysis: Analysis): boolean {
  const resource = (analysis as { resourceAnalysis?: { result?: string } }).resourceAnalysis;
  return resource?.result === 'Allowed' || resource?.result === 'AllowedForAccount';
}

const POLICY_WORDS: Record<string, string> = {
  identity: 'an identity-based policy',
  resource: 'a resource-based policy',
  session: 'a session policy',
  scp: 'a service control policy',
  rcp: 'a resource control policy',
  pb: 'a permissions boundary',
  vpce: 'a VPC endpoint policy',
};
const NO_POLICY_WORDS: Record<string, string> = {
  identity: 'identity-based policy',
  resource: 'resource-based policy',
  session: 'session policy',
  scp: 'service control policy',
  rcp: 'resource control policy',
  pb: 'permissions boundary',
  vpce: 'VPC endpoint policy',
};

/** AWS's reason clause: an explicit deny wins over an implicit one in the message, as in the decision. */
function reasonFor(analysis: Analysis, request: AuthorizationRequest, allowedButNotTrusted: boolean): string {
  const denials: RequestDenial[] = getDenialReasons(analysis);
  const explicit = denials.find((denial) => denial.denialType === 'Explicit');
  if (explicit) return `with an explicit deny in ${POLICY_WORDS[explicit.policyType] ?? 'a policy'}`;
  const session = analysis.sessionAnalysis?.result;
  if (session === 'ExplicitlyDenied') return `with an explicit deny in ${POLICY_WORDS.session}`;
  if (allowedButNotTrusted) return `because no resource-based policy allows the ${request.action} action`;
  const identityAllowed = analysis.identityAnalysis?.result === 'Allowed';
  const kind = identityAllowed && session === 'ImplicitlyDenied' ? 'session' : (denials[0]?.policyType ?? 'identity');
  return `because no ${NO_POLICY_WORDS[kind] ?? 'identity-based policy'} allows the ${request.action} action`;
}

function principalArnForMessage(principal: Principal): string {
  return principal.kind === 'caller' ? principal.caller.arn : principal.service;
}

/** "User: <arn> is not authorized to perform: <action> on resource: <arn> because no identity-based policy allows the <action> action" */
export function standardMessage(principal: Principal): (request: AuthorizationRequest, reason: string) => string {
  return (request, reason) =>
    `User: ${principalArnForMessage(principal)} is not authorized to perform: ${request.action} on resource: ${request.resource} ${reason}`;
}

export function accessDenied(message: string): AwsServiceError {
  return new AwsServiceError('AccessDeniedException', message, 400);
}

export function parseIamMode(value: string): IamMode {
  if ((IAM_MODES as readonly string[]).includes(value)) return value as IamMode;
  throw new RangeError(`--iam must be one of ${IAM_MODES.join(', ')}; got "${value}"`);
}
