// aws-local-stepfunctions@3 calls Promise.withResolvers, which Node 20 lacks.
import '@portfolio-share-orchestrator/local-aws/polyfills';

// Tests never reach AWS: a region for the clients, quiet function logs, no credentials lookup.
process.env.AWS_REGION ??= 'us-east-1';
process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
process.env.AWS_ACCESS_KEY_ID ??= 'test';
process.env.AWS_SECRET_ACCESS_KEY ??= 'test';
// The hub account of the tests: with no authorization.requesters rule, its principals may ask.
process.env.HUB_ACCOUNT_ID ??= '123456789012';
// The outcomes table the share steps write (test/support/outcomes-table.ts serves it in-process).
process.env.OUTCOMES_TABLE_NAME ??= 'portfolio-share-orchestrator-test-outcomes';
