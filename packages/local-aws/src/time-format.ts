// The time formats AWS uses on the wire and in events, from simulated epoch milliseconds.

/** awsJson timestamps: epoch seconds, with milliseconds as the fraction. */
export function epochSeconds(epochMs: number): number {
  return Math.round(epochMs) / 1000;
}

/** `2024-05-01T12:00:00Z`: event envelopes and CloudTrail `eventTime` (whole seconds). */
export function isoSeconds(epochMs: number): string {
  return new Date(Math.floor(epochMs / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** `Sep 16, 2020 9:20:50 PM` (UTC): how Organizations writes timestamps inside CloudTrail records. */
export function cloudTrailDate(epochMs: number): string {
  const date = new Date(epochMs);
  const hours = date.getUTCHours();
  const twelve = hours % 12 === 0 ? 12 : hours % 12;
  const pad = (value: number) => String(value).padStart(2, '0');
  return `${MONTHS[date.getUTCMonth()]} ${date.getUTCDate()}, ${date.getUTCFullYear()} ${twelve}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())} ${hours < 12 ? 'AM' : 'PM'}`;
}

/** `2019-11-15T11:45:18+0000`: how Control Tower writes timestamps in lifecycle events. */
export function controlTowerDate(epochMs: number): string {
  return isoSeconds(epochMs).replace('Z', '+0000');
}
