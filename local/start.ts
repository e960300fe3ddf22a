// `npm start`: the local stack. Today it runs the local AWS endpoint with the demo organization;
// the local runtime that runs the rules, state machines, functions and HTTP API on it is the next
// step (README, "Status").
console.log('portfolio-share-orchestrator local stack');
console.log('  running: the local AWS endpoint (Organizations, Service Catalog, STS, EventBridge)');
console.log('  not yet: the local runtime of the rules, workflows and HTTP API on http://127.0.0.1:3000 (README, "Status")');
console.log('');
await import('./aws/start.js');
export {};
