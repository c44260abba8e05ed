// A stand-in for the Functions host's worker API ('@azure/functions-core'), which only exists
// inside a running host. Preload it with `node --require` and every app.http/app.timer call
// reaches registerFunction here instead of being skipped in "test mode". On exit it prints the
// captured registrations as one JSON line prefixed with REGISTRATIONS=.
'use strict';
const Module = require('node:module');

const registrations = [];
const fakeCore = {
  version: '4.99.0-fake',
  registerFunction(metadata, _handler) {
    registrations.push(metadata);
    return { dispose() {} };
  },
  setProgrammingModel() {},
  getProgrammingModel() {
    return undefined;
  },
  registerHook() {
    return { dispose() {} };
  },
  log() {},
};

const originalResolve = Module._resolveFilename;
Module._resolveFilename = function resolveFakeCore(request, ...rest) {
  if (request === '@azure/functions-core') return '@azure/functions-core';
  return originalResolve.call(this, request, ...rest);
};
require.cache['@azure/functions-core'] = {
  id: '@azure/functions-core',
  filename: '@azure/functions-core',
  loaded: true,
  exports: fakeCore,
};

process.on('exit', () => {
  process.stdout.write(`REGISTRATIONS=${JSON.stringify(registrations)}\n`);
});
