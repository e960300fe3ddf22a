import type { Context } from 'aws-lambda';

/** A Lambda handler as the Lambda runtime would call it. */
export type LambdaFunction = (event: unknown, context: Context) => Promise<unknown>;

/** A Lambda context; `getRemainingTimeInMillis` counts down (in real time) from the function's timeout. */
export const lambdaContext = (functionName: string, region = 'us-east-1', accountId = '123456789012', timeoutSeconds = 300): Context => {
  const deadline = Date.now() + timeoutSeconds * 1000;
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:${region}:${accountId}:function:${functionName}`,
    memoryLimitInMB: '512',
    awsRequestId: crypto.randomUUID(),
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: 'local',
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
};
