import { describe, expect, it } from 'vitest';
import { caughtErrorToFailure } from '../../src/workflow/result-event.js';
import { retryBudget } from '../support/retry-budgets.js';

describe('caughtErrorToFailure', () => {
  it('reports a plain message as it came', () => {
    expect(caughtErrorToFailure({ Error: 'ServiceCatalog.InvalidParametersException', Cause: 'Portfolio not found' })).toEqual({
      error: 'ServiceCatalog.InvalidParametersException',
      message: 'Portfolio not found',
    });
  });

  it("reports a Lambda error by its own message, not the error's JSON", () => {
    const cause = JSON.stringify({ errorType: 'ValidationError', errorMessage: 'Invalid input: target: Required', trace: ['at …'] });
    expect(caughtErrorToFailure({ Error: 'ValidationError', Cause: cause })).toEqual({
      error: 'ValidationError',
      message: 'Invalid input: target: Required',
    });
  });

  it("reports a failed child execution by the child's own error and cause, not its description", () => {
    const description = {
      ExecutionArn: 'arn:aws:states:us-east-1:123456789012:execution:await-share-action:c1',
      Input: { portfolioId: 'port-abcd1234efgh5', token: 'share-1' },
      Status: 'FAILED',
      Error: 'States.Runtime',
      Cause: "An error occurred while executing the state 'Describe share status'",
    };
    expect(caughtErrorToFailure({ Error: 'States.TaskFailed', Cause: JSON.stringify(description) })).toEqual({
      error: 'States.Runtime',
      message: "An error occurred while executing the state 'Describe share status'",
    });
  });

  it('names a child execution that was aborted or timed out, without its input', () => {
    const description = {
      ExecutionArn: 'arn:aws:states:us-east-1:123456789012:execution:await-share-action:c2',
      Input: { secret: 'x' },
      Status: 'ABORTED',
    };
    const failure = caughtErrorToFailure({ Error: 'States.TaskFailed', Cause: JSON.stringify(description) });
    expect(failure).toEqual({ error: 'States.TaskFailed', message: `${description.ExecutionArn} ended ABORTED` });
  });

  it('counts the tries of a transient fault that outlasted its budget, wherever it was caught', () => {
    expect(caughtErrorToFailure({ Error: 'ServiceCatalog.ServiceCatalogException', Cause: 'Rate exceeded' })).toEqual({
      error: 'ServiceCatalog.ServiceCatalogException',
      message: 'Rate exceeded',
      attempts: retryBudget('ServiceCatalogThrottled').tries,
    });
    // A step function's error, and a child execution's failure.
    const lambda = JSON.stringify({ errorType: 'TooManyRequestsException', errorMessage: 'Slow down', trace: [] });
    expect(caughtErrorToFailure({ Error: 'TooManyRequestsException', Cause: lambda })).toEqual({
      error: 'TooManyRequestsException',
      message: 'Slow down',
      attempts: retryBudget('StepCallsFailed').tries,
    });
    const child = { Status: 'FAILED', Error: 'ServiceCatalog.InvalidStateException', Cause: 'Cannot process more than one' };
    expect(caughtErrorToFailure({ Error: 'States.TaskFailed', Cause: JSON.stringify(child) })).toMatchObject({
      error: 'ServiceCatalog.InvalidStateException',
      attempts: retryBudget('ServiceCatalogBusy').tries,
    });
  });

  it('counts no tries for an error that is not retried, or one that is not a fault of AWS', () => {
    expect(caughtErrorToFailure({ Error: 'ServiceCatalog.ResourceNotFoundException', Cause: 'gone' })).not.toHaveProperty('attempts');
    expect(caughtErrorToFailure({ Error: 'MemberRoleUnavailableError', Cause: 'no role yet' })).not.toHaveProperty('attempts');
  });
});
