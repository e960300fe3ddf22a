// Control Tower Account Factory, simulated: it creates the account through Organizations (so
// CreateAccountResult and MoveAccount events happen as they do in AWS), places it in the OU, then
// publishes the aws.controltower lifecycle event (CreateManagedAccount / UpdateManagedAccount).

import type { SimulatedClock } from '../clock.js';
import type { Caller, EventSink, Random } from '../contract.js';
import type { IdentityStore } from '../identity.js';
import { BASE32, randomString } from '../random.js';
import { controlTowerDate } from '../time-format.js';
import { type Actor, serviceEvent } from './cloudtrail.js';
import type { Organization } from './organization.js';

export const CONTROL_TOWER_EXECUTION_ROLE = 'AWSControlTowerExecution';

export class ManagedAccountError extends Error {
  override name = 'ManagedAccountError';
}

export interface ManagedAccount {
  accountId: string;
  accountName: string;
  organizationalUnitId: string;
}

export interface ControlTowerOptions {
  organization: Organization;
  clock: SimulatedClock;
  /** Where session keys are drawn (identityRandom on the endpoint: unique across runs). */
  random: Random;
  sink: EventSink;
  identity: IdentityStore;
}

export class ControlTowerSimulation {
  readonly #options: ControlTowerOptions;

  constructor(options: ControlTowerOptions) {
    this.#options = options;
  }

  /**
   * Account Factory: creates an account (taking the organization's simulated CreateAccount time),
   * moves it into the OU and publishes CreateManagedAccount. Resolves when the account is in place.
   */
  async createManagedAccount(request: { accountName: string; email: string; organizationalUnitId: string }): Promise<ManagedAccount> {
    const { organization } = this.#options;
    const unit = organization.unit(request.organizationalUnitId);
    if (!unit) throw new ManagedAccountError(`Organizational unit ${request.organizationalUnitId} does not exist`);
    const requested = this.#options.clock.now();
    const creation = organization.createAccount(
      { accountName: request.accountName, email: request.email, roleName: CONTROL_TOWER_EXECUTION_ROLE },
      this.#actor(),
    );
    const result = await organization.waitForCreateAccount(creation.id);
    if (result.state !== 'SUCCEEDED' || !result.accountId) {
      this.#publish('CreateManagedAccount', 'createManagedAccountStatus', {
        organizationalUnit: { organizationalUnitName: unit.name, organizationalUnitId: unit.id },
        account: { accountName: request.accountName },
        state: 'FAILED',
        message: `AWS Control Tower failed to create a managed account: ${result.failureReason ?? 'unknown reason'}.`,
        requestedTimestamp: controlTowerDate(requested),
        completedTimestamp: controlTowerDate(this.#options.clock.now()),
      });
      throw new ManagedAccountError(`Account creation failed: ${result.failureReason ?? 'unknown reason'}`);
    }
    organization.moveAccount(result.accountId, organization.rootId, unit.id, this.#actor());
    this.#publish(
      'CreateManagedAccount',
      'createManagedAccountStatus',
      this.#succeeded(unit, { accountName: request.accountName, accountId: result.accountId }, 'created', requested),
    );
    return { accountId: result.accountId, accountName: request.accountName, organizationalUnitId: unit.id };
  }

  /** The status of a managed account that Account Factory created or updated, as Control Tower reports it. */
  #succeeded(
    unit: { id: string; name: string },
    account: { accountName: string; accountId: string },
    verb: 'created' | 'updated',
    requested: number,
  ) {
    return {
      organizationalUnit: { organizationalUnitName: unit.name, organizationalUnitId: unit.id },
      account,
      state: 'SUCCEEDED',
      message: `AWS Control Tower successfully ${verb} a managed account.`,
      requestedTimestamp: controlTowerDate(requested),
      completedTimestamp: controlTowerDate(this.#options.clock.now()),
    };
  }

  /**
   * Account Factory update: moves the account into the OU if it is elsewhere and publishes
   * UpdateManagedAccount (its details are under `updateManagedAccountStatus`, as AWS sends them).
   */
  updateManagedAccount(request: { accountId: string; organizationalUnitId: string }): ManagedAccount {
    const { organization } = this.#options;
    const account = organization.account(request.accountId);
    if (!account) throw new ManagedAccountError(`Account ${request.accountId} is not a member of the organization`);
    const unit = organization.unit(request.organizationalUnitId);
    if (!unit) throw new ManagedAccountError(`Organizational unit ${request.organizationalUnitId} does not exist`);
    const requested = this.#options.clock.now();
    if (account.parentId !== unit.id) organization.moveAccount(account.id, account.parentId, unit.id, this.#actor());
    this.#publish(
      'UpdateManagedAccount',
      'updateManagedAccountStatus',
      this.#succeeded(unit, { accountName: account.name, accountId: account.id }, 'updated', requested),
    );
    return { accountId: account.id, accountName: account.name, organizationalUnitId: unit.id };
  }

  #publish(eventName: string, detailKey: string, status: Record<string, unknown>): void {
    const { organization, clock, random, sink } = this.#options;
    sink.publish(
      serviceEvent({
        source: 'aws.controltower',
        eventSource: 'controltower.amazonaws.com',
        eventName,
        account: organization.managementAccountId,
        time: clock.now(),
        random,
        serviceEventDetails: { [detailKey]: status },
      }),
    );
  }

  /** Account Factory acts through the AWSControlTowerAdmin service role of the management account. */
  #actor(): Actor {
    const { organization, identity } = this.#options;
    // The role exists in every Control Tower landing zone; creating it again is a no-op.
    const role = identity.createRole(organization.managementAccountId, 'AWSControlTowerAdmin', '/service-role/');
    const caller: Caller = {
      accountId: role.accountId,
      arn: `arn:aws:sts::${role.accountId}:assumed-role/${role.name}/AccountFactory`,
      userId: `${role.roleId}:AccountFactory`,
      accessKeyId: `ASIA${randomString(this.#options.random, BASE32, 16)}`,
    };
    return { caller };
  }
}
