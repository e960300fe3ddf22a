// A function worker's entry point. The main thread runs TypeScript through vitest or tsx, neither
// of which reaches a worker thread: tsx's loader, registered here, lets the worker import the
// sandbox and the handler's TypeScript module graph.
import { register } from 'tsx/esm/api';

register();
await import('./sandbox.ts');
