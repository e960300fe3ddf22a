// What tests outside the package share with the emulator's own tests: the small test organization
// (`testFixture()` and its ids) and the checks against botocore's service models.

export { botocoreUnavailableReason, expectConformsToOutput } from './botocore-model.js';
export { MANAGEMENT, MEMBER_ROLE, PROD_A, PROD_B, PRODUCTION_OU, testFixture } from './local-aws-harness.js';
