import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parse } from 'yaml';
import { SharingPolicy } from '../contracts/sharing-policy.js';
import { parseWith } from '../validation.js';

export const DEFAULT_POLICY_PATH = 'config/sharing-policy.yml';

export const parsePolicy = (text: string, source = 'sharing policy'): SharingPolicy => parseWith(SharingPolicy, parse(text), source);

let cached: { path: string; policy: SharingPolicy } | undefined;

/**
 * Reads the policy that ships with the functions (`SHARING_POLICY_PATH`, relative to the working
 * directory, which is the package root in Lambda). Read once per container.
 */
export const loadPolicy = (path = process.env.SHARING_POLICY_PATH ?? DEFAULT_POLICY_PATH): SharingPolicy => {
  const absolute = resolve(path);
  if (cached?.path !== absolute) {
    cached = { path: absolute, policy: parsePolicy(readFileSync(absolute, 'utf8'), absolute) };
  }
  return cached.policy;
};
