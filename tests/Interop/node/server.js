#!/usr/bin/env node
// Reference grpc.testing.TestService server built on @grpc/grpc-js.
//
// Usage: node server.js --port N
// Binds 127.0.0.1:N (plaintext HTTP/2) and prints "listening on N" when ready.
// This is the non-.NET reference peer Atom's interop tests and benchmarks run
// against, so it sticks to idiomatic grpc-js and avoids per-call waste.
'use strict';

const path = require('node:path');
const grpc = require('@grpc/grpc-js');
const protoLoader = require('@grpc/proto-loader');

const { parseFlags, usageError } = require('./args.js');

const PROTO_ROOT = path.resolve(__dirname, '..', 'protos');
const ECHO_INITIAL_KEY = 'x-grpc-test-echo-initial';
const ECHO_TRAILING_KEY = 'x-grpc-test-echo-trailing-bin';

function parseArgs(argv) {
  const opts = { port: 50051, host: '127.0.0.1',
    ...parseFlags(argv, { '--port': 'port', '--host': 'host' }, 'usage: node server.js --port N [--host 127.0.0.1]') };
  opts.port = Number(opts.port);
  if (!Number.isInteger(opts.port) || opts.port < 0 || opts.port > 65535) usageError('--port must be an integer in [0, 65535]');
  return opts;
}

function loadTestService() {
  const definition = protoLoader.loadSync('grpc/testing/test.proto', {
    includeDirs: [PROTO_ROOT],
    keepCase: false,
    longs: Number,
    enums: String,
    defaults: false,
    oneofs: true,
  });
  return grpc.loadPackageDefinition(definition).grpc.testing.TestService;
}

// Payload bodies are all zeros; share one zero-filled buffer and hand out
// views of it. The serializer only reads from it, so sharing is safe.
let zeroBuffer = Buffer.alloc(64 * 1024);
function zeros(size) {
  if (size > zeroBuffer.length) {
    zeroBuffer = Buffer.alloc(Math.max(size, zeroBuffer.length * 2));
  }
  return zeroBuffer.subarray(0, size);
}

function makePayload(size) {
  return { type: 'COMPRESSABLE', body: zeros(size) };
}

function sleep(ms) {
  return new Promise(resolve => setTimeout(resolve, ms));
}

function payloadSize(payload) {
  return payload && payload.body ? payload.body.length : 0;
}

// Echo Metadata feature: the initial key goes back as a response header, the
// trailing key as a trailer. Returns the trailer Metadata, or undefined.
function echoMetadata(call) {
  const initial = call.metadata.get(ECHO_INITIAL_KEY);
  if (initial.length > 0) {
    const headers = new grpc.Metadata();
    for (const v of initial) headers.add(ECHO_INITIAL_KEY, v);
    call.sendMetadata(headers);
  }
  const trailing = call.metadata.get(ECHO_TRAILING_KEY);
  if (trailing.length > 0) {
    const trailers = new grpc.Metadata();
    for (const v of trailing) trailers.add(ECHO_TRAILING_KEY, v);
    return trailers;
  }
  return undefined;
}

// Echo Status feature: a non-OK response_status becomes the call's status.
function requestedError(responseStatus, trailers) {
  if (!responseStatus || !responseStatus.code) return null;
  return {
    code: responseStatus.code,
    details: responseStatus.message || '',
    metadata: trailers || new grpc.Metadata(),
  };
}

function emptyCall(call, callback) {
  const trailers = echoMetadata(call);
  callback(null, {}, trailers);
}

function unaryCall(call, callback) {
  const trailers = echoMetadata(call);
  const req = call.request;
  const err = requestedError(req.responseStatus, trailers);
  if (err) {
    callback(err);
    return;
  }
  callback(null, { payload: makePayload(req.responseSize || 0) }, trailers);
}

function cacheableUnaryCall(call, callback) {
  const trailers = echoMetadata(call);
  const body = Buffer.from(process.hrtime.bigint().toString(), 'ascii');
  callback(null, { payload: { type: 'COMPRESSABLE', body } }, trailers);
}

// Sends one response per ResponseParameters entry, honoring interval_us.
// Returns false if the call was cancelled part way.
async function sendResponses(call, parameters) {
  if (!parameters) return true;
  for (const p of parameters) {
    const intervalUs = p.intervalUs || 0;
    if (intervalUs > 0) await sleep(intervalUs / 1000);
    if (call.cancelled) return false;
    call.write({ payload: makePayload(p.size || 0) });
  }
  return true;
}

function streamingOutputCall(call) {
  const trailers = echoMetadata(call);
  const req = call.request;
  sendResponses(call, req.responseParameters).then(ok => {
    if (!ok) return;
    const err = requestedError(req.responseStatus, trailers);
    if (err) call.emit('error', err);
    else call.end(trailers);
  }, e => call.emit('error', { code: grpc.status.INTERNAL, details: String(e) }));
}

function streamingInputCall(call, callback) {
  const trailers = echoMetadata(call);
  let total = 0;
  call.on('data', req => { total += payloadSize(req.payload); });
  call.on('end', () => callback(null, { aggregatedPayloadSize: total }, trailers));
  call.on('error', () => { /* cancellation; grpc-js already finished the call */ });
}

function fullDuplexCall(call) {
  const trailers = echoMetadata(call);
  let chain = Promise.resolve(true);
  let finished = false;

  const fail = err => {
    if (finished) return;
    finished = true;
    call.emit('error', err);
  };

  call.on('data', req => {
    if (finished) return;
    chain = chain.then(async ok => {
      if (!ok || finished || call.cancelled) return false;
      if (!(await sendResponses(call, req.responseParameters))) return false;
      const err = requestedError(req.responseStatus, trailers);
      if (err) {
        fail(err);
        return false;
      }
      return true;
    });
  });
  call.on('end', () => {
    chain.then(ok => {
      if (!ok || finished || call.cancelled) return;
      finished = true;
      call.end(trailers);
    });
  });
  call.on('error', () => { /* cancellation */ });
  chain.catch(e => fail({ code: grpc.status.INTERNAL, details: String(e) }));
}

function halfDuplexCall(call) {
  const trailers = echoMetadata(call);
  const requests = [];
  call.on('data', req => requests.push(req));
  call.on('end', async () => {
    try {
      for (const req of requests) {
        if (!(await sendResponses(call, req.responseParameters))) return;
        const err = requestedError(req.responseStatus, trailers);
        if (err) {
          call.emit('error', err);
          return;
        }
      }
      call.end(trailers);
    } catch (e) {
      call.emit('error', { code: grpc.status.INTERNAL, details: String(e) });
    }
  });
  call.on('error', () => { /* cancellation */ });
}

function main() {
  const opts = parseArgs(process.argv.slice(2));
  const TestService = loadTestService();
  const server = new grpc.Server();
  // UnimplementedCall is deliberately absent: grpc-js answers UNIMPLEMENTED.
  server.addService(TestService.service, {
    emptyCall,
    unaryCall,
    cacheableUnaryCall,
    streamingOutputCall,
    streamingInputCall,
    fullDuplexCall,
    halfDuplexCall,
  });
  server.bindAsync(`${opts.host}:${opts.port}`, grpc.ServerCredentials.createInsecure(), (err, port) => {
    if (err) {
      console.error(`failed to bind ${opts.host}:${opts.port}: ${err.message}`);
      process.exit(1);
    }
    console.log(`listening on ${port}`);
  });

  const shutdown = () => {
    server.tryShutdown(() => process.exit(0));
    setTimeout(() => { server.forceShutdown(); process.exit(0); }, 2000).unref();
  };
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);
}

main();
