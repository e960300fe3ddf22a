import type { ResultDetails } from './events.js';
import { ONBOARDING_RESULT_DETAILS } from './onboarding.js';
import { OWNERSHIP_TRANSFER_RESULT_DETAILS } from './ownership-transfer.js';
import { RECONCILE_RESULT_DETAILS } from './reconcile.js';
import { SHARE_RESULT_DETAILS } from './share.js';
import { UNSHARE_RESULT_DETAILS } from './unshare.js';

/**
 * Every result detail-type with its detail schema, gathered from the feature contracts (each names
 * its own detail-types); one JSON Schema file per detail-type lives in `schemas/events/`. Only
 * scripts and tests read the whole registry: a function bundles the contracts it uses, not this.
 */
export const RESULT_DETAIL_SCHEMAS: ResultDetails = {
  ...SHARE_RESULT_DETAILS,
  ...UNSHARE_RESULT_DETAILS,
  ...ONBOARDING_RESULT_DETAILS,
  ...OWNERSHIP_TRANSFER_RESULT_DETAILS,
  ...RECONCILE_RESULT_DETAILS,
};
