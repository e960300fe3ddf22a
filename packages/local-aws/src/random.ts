// Randomness. What the simulation decides (latency, faults, throttling, duplicate deliveries) is
// drawn from seeded streams, so that a seed replays those decisions; identities (ids, tokens,
// credentials) are drawn from the operating system, so that no two runs hand out the same one.
import { randomBytes } from 'node:crypto';
import type { Random } from './contract.js';

/** mulberry32: small, fast and good enough for simulation (not for secrets). */
export function createRandom(seed: number): Random {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * An independent seeded stream per purpose (latency, faults, share throttling, …) so that turning
 * one knob on does not shift the numbers another part of the simulation draws.
 */
export function deriveRandom(seed: number, stream: string): Random {
  let hash = 0x811c9dc5 ^ (seed >>> 0);
  for (const char of stream) {
    hash ^= char.codePointAt(0) ?? 0;
    hash = Math.imul(hash, 0x01000193);
  }
  return createRandom(hash >>> 0);
}

/**
 * Draws for identities: ids, share tokens, event ids, access keys. Never seeded: a restarted
 * endpoint with the same seed must not re-issue an earlier run's ids for other things (a client,
 * an audit stream or a persisted state still holds them). 48 random bits per draw, from a pool.
 */
export function identityRandom(): Random {
  const DRAW_BYTES = 6;
  let pool = Buffer.alloc(0);
  let offset = 0;
  return () => {
    if (offset + DRAW_BYTES > pool.length) {
      pool = randomBytes(DRAW_BYTES * 512);
      offset = 0;
    }
    const draw = pool.readUIntBE(offset, DRAW_BYTES);
    offset += DRAW_BYTES;
    return draw / 2 ** (DRAW_BYTES * 8);
  };
}

export const LOWER_ALPHANUMERIC = 'abcdefghijklmnopqrstuvwxyz0123456789';
export const UPPER_ALPHANUMERIC = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
export const DIGITS = '0123456789';
/** The alphabet of IAM unique ids (`AROA…`, `AIDA…`) and access key ids. */
export const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

export function randomString(random: Random, alphabet: string, length: number): string {
  let out = '';
  for (let i = 0; i < length; i += 1) out += alphabet[Math.floor(random() * alphabet.length)];
  return out;
}

/** A version-4 shaped UUID drawn from `random` (identityRandom for an id). */
export function randomUuid(random: Random): string {
  const hex = randomString(random, '0123456789abcdef', 32).split('');
  hex[12] = '4';
  hex[16] = '89ab'[Math.floor(random() * 4)] ?? '8';
  const h = hex.join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}
