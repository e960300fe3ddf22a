import type { ClockAnchors } from '@portfolio-share-orchestrator/local-aws';

// The simulated clock's anchors in memory every function worker shares, so that a function reads the
// time synchronously (`now()` may not wait for a message). The main thread is the one writer; a
// sequence number that is odd while it writes lets readers retry a torn read (a seqlock).
const SEQUENCE = 0;
const ANCHORS_OFFSET = 8;

export const createSharedClock = (): SharedArrayBuffer => new SharedArrayBuffer(ANCHORS_OFFSET + 3 * Float64Array.BYTES_PER_ELEMENT);

export const publishAnchors = (buffer: SharedArrayBuffer, anchors: ClockAnchors): void => {
  const sequence = new Int32Array(buffer, 0, 1);
  const values = new Float64Array(buffer, ANCHORS_OFFSET, 3);
  Atomics.add(sequence, SEQUENCE, 1);
  values.set([anchors.simulated, anchors.monotonic, anchors.scale]);
  Atomics.add(sequence, SEQUENCE, 1);
};

/** The simulated epoch ms now, from the anchors last published (`monotonic` is process.hrtime in ms, as ClockAnchors defines it). */
export const readSharedClock = (buffer: SharedArrayBuffer): number => {
  const sequence = new Int32Array(buffer, 0, 1);
  const values = new Float64Array(buffer, ANCHORS_OFFSET, 3);
  for (;;) {
    const before = Atomics.load(sequence, SEQUENCE);
    const [simulated = 0, monotonic = 0, scale = 1] = values;
    if (before % 2 === 0 && Atomics.load(sequence, SEQUENCE) === before) {
      return simulated + (Number(process.hrtime.bigint()) / 1e6 - monotonic) * scale;
    }
  }
};
