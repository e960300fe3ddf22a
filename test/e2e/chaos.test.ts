import { describe, expect, it } from 'vitest';
import { runChaos } from '../../scripts/chaos.js';

// The fast lane of `npm run chaos`: npm start in a process of its own, share requests as events sent
// three times and over HTTP, throttling and internal errors on Service Catalog, duplicate deliveries,
// malformed inputs, and a SIGKILL and restart while requests are sent and run.
describe('a chaos run', () => {
  it('loses nothing, doubles nothing, answers no 5xx and leaves nothing running, through a kill and restart', async () => {
    const report = await runChaos({
      requests: 60,
      malformed: 40,
      throttling: 0.1,
      faults: 0.05,
      duplicates: 0.1,
      kill: true,
      timeScale: 50,
      seed: 11,
      timeoutSeconds: 150,
    });

    expect(report).toMatchObject({
      quiescent: true,
      kills: 1,
      lost: 0,
      doubled: 0,
      serverErrors: 0,
      running: 0,
      deadLetters: 0,
      failedWithinBudget: 0,
    });
    expect(report.results).toBe(report.expected);
  }, 240_000);
});
