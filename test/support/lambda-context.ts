// The Lambda context handlers receive, for unit tests that call a handler directly: the one the local
// runtime hands its functions, so a handler sees the same context in both.
export { lambdaContext } from '../../local/runtime/lambda-context.js';
