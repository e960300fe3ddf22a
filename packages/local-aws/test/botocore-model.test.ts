// The conformance helper itself: it must catch what it promises to catch.
import { expect, it } from 'vitest';
import {
  ConformanceError,
  describeWithBotocore,
  expectConformsToOutput,
  expectModelledError,
  loadServiceModel,
  outputProblems,
} from './botocore-model.js';

const account = {
  Id: '123456789012',
  Arn: 'arn:aws:organizations::123456789012:account/o-testorg0001/123456789012',
  Name: 'a',
  Email: 'a@example.com',
  Status: 'ACTIVE',
  JoinedTimestamp: 1714557600.5,
};

describeWithBotocore('botocore conformance helper', () => {
  it('loads the latest model of a service, compressed or not', () => {
    const model = loadServiceModel('organizations');
    expect(model.metadata.protocol).toBe('json');
    expect(model.operations.ListAccounts).toBeDefined();
  });

  it('accepts conforming wire and SDK outputs', () => {
    expectConformsToOutput('organizations', 'ListAccounts', { Accounts: [account] });
    expectConformsToOutput('organizations', 'ListAccounts', { $metadata: {}, Accounts: [{ ...account, JoinedTimestamp: new Date() }] });
    expectConformsToOutput('sts', 'GetCallerIdentity', { UserId: 'x', Account: '123456789012', Arn: 'arn:aws:iam::123456789012:root' });
  });

  it('reports unknown members, wrong types, enum values, patterns, missing required members and timestamp forms', () => {
    expect(outputProblems('organizations', 'ListAccounts', { Accounts: [{ ...account, Extra: 1 }] })).toEqual([
      expect.stringContaining('member Extra is not in the shape'),
    ]);
    expect(outputProblems('organizations', 'ListAccounts', { Accounts: {} })).toEqual([expect.stringContaining('expected a list')]);
    expect(outputProblems('organizations', 'ListAccounts', { Accounts: [{ ...account, Status: 'HAPPY' }] })).toEqual([
      expect.stringContaining('not one of the enum values'),
    ]);
    expect(outputProblems('organizations', 'ListAccounts', { Accounts: [{ ...account, Id: '12' }] })).toEqual([
      expect.stringContaining('does not match the pattern'),
    ]);
    expect(outputProblems('organizations', 'ListAccounts', { Accounts: [{ ...account, JoinedTimestamp: 1714557600500 }] })).toEqual([
      expect.stringContaining('milliseconds'),
    ]);
    expect(outputProblems('organizations', 'ListAccounts', { Accounts: [{ ...account, JoinedTimestamp: '2024-05-01' }] })).toEqual([
      expect.stringContaining('epoch seconds'),
    ]);
    expect(
      outputProblems('sts', 'AssumeRole', {
        Credentials: { AccessKeyId: 'ASIAAAAAAAAAAAAAAAAA', SecretAccessKey: 's', SessionToken: 't' },
      }),
    ).toEqual([expect.stringContaining('required member Expiration is missing')]);
    expect(() => expectConformsToOutput('organizations', 'MoveAccount', { Moved: true })).toThrow(ConformanceError);
  });

  it('knows which errors an operation, a service and AWS in general define', () => {
    expect(expectModelledError('organizations', 'MoveAccount', 'DuplicateAccountException')).toBe('operation');
    expect(expectModelledError('organizations', 'ListAccounts', 'AccountNotFoundException')).toBe('service');
    expect(expectModelledError('organizations', 'ListAccounts', 'UnrecognizedClientException')).toBe('common');
    expect(expectModelledError('sts', 'AssumeRole', 'MalformedPolicyDocument')).toBe('operation');
    expect(expectModelledError('sts', 'AssumeRole', 'AccessDenied')).toBe('common');
    expect(() => expectModelledError('organizations', 'ListAccounts', 'NoSuchThingException')).toThrow(ConformanceError);
    expect(() => expectModelledError('organizations', 'ListAccounts', 'InvalidInputException', { Reason: 'NOT_A_REASON' })).toThrow(/enum/);
    expect(() => expectModelledError('organizations', 'ListAccounts', 'InvalidInputException', { Detail: 'x' })).toThrow(/not a member/);
  });
});
