// AWS-shaped identifiers (`port-` + 13 lower-case alphanumerics, ...) drawn from the random source
// given, the unseeded identityRandom on the endpoint: ids are unique across runs, never replayed.
import type { Random } from '../contract.js';
import { randomUuid } from '../random.js';

const ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';
const ID_LENGTH = 13;

export type IdPrefix = 'port' | 'prod' | 'prodview' | 'pa' | 'pp' | 'rec' | 'share' | 'tag';

export interface IdGenerator {
  next(prefix: IdPrefix): string;
  /** Records an id that came from elsewhere (a fixture) so that it is never handed out again. */
  reserve(id: string): void;
  /** A UUID, as SDKs generate for idempotency tokens the caller leaves out. */
  uuid(): string;
}

export function createIdGenerator(random: Random): IdGenerator {
  const issued = new Set<string>();
  return {
    next(prefix) {
      for (;;) {
        let suffix = '';
        for (let i = 0; i < ID_LENGTH; i += 1) {
          suffix += ALPHABET[Math.floor(random() * ALPHABET.length) % ALPHABET.length];
        }
        const id = `${prefix}-${suffix}`;
        if (!issued.has(id)) {
          issued.add(id);
          return id;
        }
      }
    },
    reserve(id) {
      issued.add(id);
    },
    uuid() {
      return randomUuid(random);
    },
  };
}
