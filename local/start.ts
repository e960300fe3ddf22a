// `npm start`: the local stack. The endpoint and runtime are being assembled (issues 3 and 4).
console.log('portfolio-share-orchestrator local stack: not assembled yet.');
console.log('See README.md "Status" for what runs today; `npm test` exercises the workflows offline.');
