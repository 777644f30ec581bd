#!/usr/bin/env node
// gRPC interop test client (grpc.testing.TestService) built on @grpc/grpc-js.
//
// Usage: node interop_client.js --port N [--host 127.0.0.1] [--test_case all|a,b,...]
// Prints "PASS <case>" or "FAIL <case>: <reason>" per case, then
// "RESULT passed=N failed=N skipped=0". Exit code 1 if any case failed.
'use strict';

const path = require('node:path');
const grpc = require('@grpc/grpc-js');
const protoLoader = require('@grpc/proto-loader');

const { parseFlags, usageError } = require('./args.js');

const PROTO_ROOT = path.resolve(__dirname, '..', 'protos');
const CASE_TIMEOUT_MS = 20000; // hard per-case limit, so nothing hangs
const CALL_DEADLINE_MS = 10000; // deadline for calls that should succeed

const ECHO_INITIAL_KEY = 'x-grpc-test-echo-initial';
const ECHO_INITIAL_VALUE = 'test_initial_metadata_value';
const ECHO_TRAILING_KEY = 'x-grpc-test-echo-trailing-bin';
const ECHO_TRAILING_VALUE = Buffer.from([0xab, 0xab, 0xab]);
const SPECIAL_STATUS_MESSAGE = '\t\ntest with whitespace\r\nand Unicode BMP \u263A and non-BMP \u{1F608}\t\n';

const Status = grpc.status;
const statusName = code => {
  const name = Object.keys(Status).find(k => Status[k] === code);
  return name ? `${name}(${code})` : String(code);
};

function parseArgs(argv) {
  const opts = {
    host: '127.0.0.1',
    testCase: 'all',
    ...parseFlags(argv, {
      '--port': 'port', '--server_port': 'port', '--host': 'host', '--server_host': 'host', '--test_case': 'testCase',
    }, 'usage: node interop_client.js --port N [--host 127.0.0.1] [--test_case all|name,...]'),
  };
  opts.port = Number(opts.port);
  if (!Number.isInteger(opts.port) || opts.port <= 0 || opts.port > 65535) usageError('--port N is required');
  return opts;
}

function loadServices() {
  const definition = protoLoader.loadSync('grpc/testing/test.proto', {
    includeDirs: [PROTO_ROOT],
    keepCase: false,
    longs: Number,
    enums: String,
    defaults: true,
    oneofs: true,
  });
  return grpc.loadPackageDefinition(definition).grpc.testing;
}

// ---------------------------------------------------------------------------
// assertion + call helpers

class AssertionError extends Error {}

function check(cond, message) {
  if (!cond) throw new AssertionError(message);
}

function zeros(n) {
  return Buffer.alloc(n);
}

function checkPayload(payload, size, what) {
  check(payload, `${what}: response has no payload`);
  const body = payload.body || Buffer.alloc(0);
  check(body.length === size, `${what}: payload body is ${body.length} bytes, expected ${size}`);
  for (let i = 0; i < body.length; i++) {
    if (body[i] !== 0) throw new AssertionError(`${what}: payload byte ${i} is ${body[i]}, expected 0`);
  }
}

function deadline(ms = CALL_DEADLINE_MS) {
  return new Date(Date.now() + ms);
}

function describeError(err) {
  if (err && typeof err.code === 'number') return `${statusName(err.code)} "${err.details}"`;
  return String(err);
}

// Unary call -> { response, error, headers, status }
function unary(client, method, request, metadata = new grpc.Metadata(), options = {}) {
  return new Promise(resolve => {
    const result = { response: undefined, error: undefined, headers: undefined, status: undefined };
    let callbackDone = false;
    const maybeResolve = () => { if (callbackDone && result.status) resolve(result); };
    const call = client[method](request, metadata, { deadline: deadline(), ...options }, (err, response) => {
      result.error = err || undefined;
      result.response = response;
      callbackDone = true;
      maybeResolve();
    });
    call.on('metadata', md => { result.headers = md; });
    call.on('status', status => { result.status = status; maybeResolve(); });
  });
}

// Collects a server-streaming/duplex call's outcome. Resolves once the final
// status is known and (for OK) the read side has ended.
function collect(call) {
  return new Promise(resolve => {
    const result = { messages: [], headers: undefined, status: undefined, error: undefined };
    let ended = false;
    const maybeResolve = () => {
      if (result.status && (ended || result.status.code !== Status.OK)) resolve(result);
    };
    call.on('metadata', md => { result.headers = md; });
    call.on('data', m => result.messages.push(m));
    call.on('end', () => { ended = true; maybeResolve(); });
    call.on('error', err => { result.error = err; });
    call.on('status', status => { result.status = status; maybeResolve(); });
  });
}

// Resolves with the next message of a readable call, or rejects on end/error.
function nextMessage(call) {
  return new Promise((resolve, reject) => {
    const cleanup = () => {
      call.removeListener('data', onData);
      call.removeListener('end', onEnd);
      call.removeListener('error', onError);
    };
    const onData = m => { cleanup(); call.pause(); resolve(m); };
    const onEnd = () => { cleanup(); reject(new AssertionError('stream ended before the expected response')); };
    const onError = e => { cleanup(); reject(new AssertionError(`stream failed: ${describeError(e)}`)); };
    call.on('data', onData);
    call.on('end', onEnd);
    call.on('error', onError);
    call.resume();
  });
}

function checkStatus(status, code, message, what) {
  check(status, `${what}: no status received`);
  check(status.code === code,
    `${what}: status ${statusName(status.code)} "${status.details}", expected ${statusName(code)}`);
  if (message !== undefined) {
    check(status.details === message,
      `${what}: status message ${JSON.stringify(status.details)}, expected ${JSON.stringify(message)}`);
  }
}

function echoMetadata() {
  const md = new grpc.Metadata();
  md.set(ECHO_INITIAL_KEY, ECHO_INITIAL_VALUE);
  md.set(ECHO_TRAILING_KEY, ECHO_TRAILING_VALUE);
  return md;
}

function checkEchoedMetadata(headers, trailers, what) {
  check(headers, `${what}: no response headers received`);
  const initial = headers.get(ECHO_INITIAL_KEY);
  check(initial.length === 1 && initial[0] === ECHO_INITIAL_VALUE,
    `${what}: header ${ECHO_INITIAL_KEY} = ${JSON.stringify(initial)}, expected ["${ECHO_INITIAL_VALUE}"]`);
  check(trailers, `${what}: no trailers received`);
  const trailing = trailers.get(ECHO_TRAILING_KEY);
  check(trailing.length === 1 && Buffer.isBuffer(trailing[0]) && trailing[0].equals(ECHO_TRAILING_VALUE),
    `${what}: trailer ${ECHO_TRAILING_KEY} = ${JSON.stringify(trailing.map(v => Buffer.isBuffer(v) ? v.toString('hex') : v))}, expected [abab ab]`);
}

// ---------------------------------------------------------------------------
// test cases

const cases = {
  async empty_unary({ client }) {
    const r = await unary(client, 'emptyCall', {});
    check(!r.error, `EmptyCall failed: ${describeError(r.error)}`);
    check(r.response !== undefined && r.response !== null, 'EmptyCall returned no response');
    checkStatus(r.status, Status.OK, undefined, 'EmptyCall');
  },

  async large_unary({ client }) {
    const r = await unary(client, 'unaryCall', { responseSize: 314159, payload: { body: zeros(271828) } });
    check(!r.error, `UnaryCall failed: ${describeError(r.error)}`);
    checkPayload(r.response.payload, 314159, 'UnaryCall');
  },

  async client_streaming({ client }) {
    let result;
    const done = new Promise(resolve => {
      const call = client.streamingInputCall(new grpc.Metadata(), { deadline: deadline() }, (err, response) => {
        result = { err, response };
        resolve();
      });
      for (const size of [27182, 8, 1828, 45904]) call.write({ payload: { body: zeros(size) } });
      call.end();
    });
    await done;
    check(!result.err, `StreamingInputCall failed: ${describeError(result.err)}`);
    check(result.response.aggregatedPayloadSize === 74922,
      `aggregated_payload_size = ${result.response.aggregatedPayloadSize}, expected 74922`);
  },

  async server_streaming({ client }) {
    const sizes = [31415, 9, 2653, 58979];
    const call = client.streamingOutputCall(
      { responseParameters: sizes.map(size => ({ size })) }, new grpc.Metadata(), { deadline: deadline() });
    const r = await collect(call);
    checkStatus(r.status, Status.OK, undefined, 'StreamingOutputCall');
    check(r.messages.length === sizes.length, `received ${r.messages.length} responses, expected ${sizes.length}`);
    sizes.forEach((size, i) => checkPayload(r.messages[i].payload, size, `response ${i}`));
  },

  async ping_pong({ client }) {
    const responseSizes = [31415, 9, 2653, 58979];
    const requestSizes = [27182, 8, 1828, 45904];
    const call = client.fullDuplexCall(new grpc.Metadata(), { deadline: deadline() });
    call.on('error', () => {}); // status is observed via the 'status' event
    const statusPromise = new Promise(resolve => call.on('status', resolve));
    let received = 0;
    try {
      for (let i = 0; i < responseSizes.length; i++) {
        call.write({ responseParameters: [{ size: responseSizes[i] }], payload: { body: zeros(requestSizes[i]) } });
        const m = await nextMessage(call);
        received++;
        checkPayload(m.payload, responseSizes[i], `response ${i}`);
      }
      call.end();
      const extra = [];
      call.on('data', m => extra.push(m));
      call.resume();
      const status = await statusPromise;
      checkStatus(status, Status.OK, undefined, 'FullDuplexCall');
      check(extra.length === 0, `received ${received + extra.length} responses, expected 4`);
    } catch (e) {
      call.cancel();
      throw e;
    }
  },

  async empty_stream({ client }) {
    const call = client.fullDuplexCall(new grpc.Metadata(), { deadline: deadline() });
    const pending = collect(call);
    call.end();
    const r = await pending;
    checkStatus(r.status, Status.OK, undefined, 'FullDuplexCall');
    check(r.messages.length === 0, `received ${r.messages.length} responses, expected 0`);
  },

  async status_code_and_message({ client }) {
    const message = 'test status message';
    const responseStatus = { code: Status.UNKNOWN, message };
    const u = await unary(client, 'unaryCall', { responseStatus });
    check(u.error, 'UnaryCall succeeded, expected an error status');
    checkStatus(u.status, Status.UNKNOWN, message, 'UnaryCall');
    check(u.error.code === Status.UNKNOWN && u.error.details === message,
      `UnaryCall error ${describeError(u.error)}`);

    const call = client.fullDuplexCall(new grpc.Metadata(), { deadline: deadline() });
    const pending = collect(call);
    call.write({ responseStatus });
    call.end();
    const d = await pending;
    checkStatus(d.status, Status.UNKNOWN, message, 'FullDuplexCall');
  },

  async special_status_message({ client }) {
    const u = await unary(client, 'unaryCall',
      { responseStatus: { code: Status.UNKNOWN, message: SPECIAL_STATUS_MESSAGE } });
    check(u.error, 'UnaryCall succeeded, expected an error status');
    checkStatus(u.status, Status.UNKNOWN, SPECIAL_STATUS_MESSAGE, 'UnaryCall');
  },

  async custom_metadata({ client }) {
    const u = await unary(client, 'unaryCall',
      { responseSize: 314159, payload: { body: zeros(271828) } }, echoMetadata());
    check(!u.error, `UnaryCall failed: ${describeError(u.error)}`);
    checkPayload(u.response.payload, 314159, 'UnaryCall');
    checkEchoedMetadata(u.headers, u.status.metadata, 'UnaryCall');

    const call = client.fullDuplexCall(echoMetadata(), { deadline: deadline() });
    const pending = collect(call);
    call.write({ responseParameters: [{ size: 314159 }], payload: { body: zeros(271828) } });
    call.end();
    const d = await pending;
    checkStatus(d.status, Status.OK, undefined, 'FullDuplexCall');
    check(d.messages.length === 1, `FullDuplexCall: received ${d.messages.length} responses, expected 1`);
    checkPayload(d.messages[0].payload, 314159, 'FullDuplexCall');
    checkEchoedMetadata(d.headers, d.status.metadata, 'FullDuplexCall');
  },

  async unimplemented_method({ client }) {
    const r = await unary(client, 'unimplementedCall', {});
    check(r.error, 'UnimplementedCall succeeded, expected UNIMPLEMENTED');
    checkStatus(r.status, Status.UNIMPLEMENTED, undefined, 'TestService/UnimplementedCall');
  },

  async unimplemented_service({ unimplementedClient }) {
    const r = await unary(unimplementedClient, 'unimplementedCall', {});
    check(r.error, 'UnimplementedCall succeeded, expected UNIMPLEMENTED');
    checkStatus(r.status, Status.UNIMPLEMENTED, undefined, 'UnimplementedService/UnimplementedCall');
  },

  async cancel_after_begin({ client }) {
    let result;
    const done = new Promise(resolve => {
      const call = client.streamingInputCall(new grpc.Metadata(), { deadline: deadline() }, (err, response) => {
        result = { err, response };
        resolve();
      });
      call.cancel();
    });
    await done;
    check(result.err, 'StreamingInputCall completed successfully, expected CANCELLED');
    check(result.err.code === Status.CANCELLED, `status ${describeError(result.err)}, expected CANCELLED`);
  },

  async cancel_after_first_response({ client }) {
    const call = client.fullDuplexCall(new grpc.Metadata(), { deadline: deadline() });
    call.on('error', () => {}); // status is observed via the 'status' event
    const statusPromise = new Promise(resolve => call.on('status', resolve));
    call.write({ responseParameters: [{ size: 31415 }], payload: { body: zeros(27182) } });
    const m = await nextMessage(call);
    checkPayload(m.payload, 31415, 'first response');
    call.cancel();
    const status = await statusPromise;
    checkStatus(status, Status.CANCELLED, undefined, 'FullDuplexCall');
  },

  async timeout_on_sleeping_server({ client }) {
    const call = client.fullDuplexCall(new grpc.Metadata(), { deadline: new Date(Date.now() + 1) });
    const pending = collect(call);
    call.write({ payload: { body: zeros(27182) } });
    const r = await pending;
    call.end();
    checkStatus(r.status, Status.DEADLINE_EXCEEDED, undefined, 'FullDuplexCall');
  },
};

const ALL_CASES = Object.keys(cases);

function withTimeout(promise, ms, name) {
  let timer;
  return Promise.race([
    promise,
    new Promise((_, reject) => {
      timer = setTimeout(() => reject(new AssertionError(`timed out after ${ms} ms`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  const names = opts.testCase === 'all' ? ALL_CASES : opts.testCase.split(',').map(s => s.trim()).filter(Boolean);
  const unknown = names.filter(n => !cases[n]);
  if (unknown.length > 0) {
    console.error(`unknown test case(s): ${unknown.join(', ')}; known: ${ALL_CASES.join(', ')}`);
    process.exit(2);
  }

  const testing = loadServices();
  const target = `${opts.host}:${opts.port}`;
  const creds = grpc.credentials.createInsecure();
  const ctx = {
    client: new testing.TestService(target, creds),
    unimplementedClient: new testing.UnimplementedService(target, creds),
  };

  let passed = 0;
  let failed = 0;
  for (const name of names) {
    try {
      await withTimeout(cases[name](ctx), CASE_TIMEOUT_MS, name);
      passed++;
      console.log(`PASS ${name}`);
    } catch (e) {
      failed++;
      const reason = e instanceof AssertionError ? e.message : (e && e.stack) || String(e);
      console.log(`FAIL ${name}: ${String(reason).replace(/\n/g, ' | ')}`);
    }
  }
  console.log(`RESULT passed=${passed} failed=${failed} skipped=0`);
  ctx.client.close();
  ctx.unimplementedClient.close();
  process.exit(failed > 0 ? 1 : 0);
}

main().catch(e => {
  console.error(e);
  process.exit(1);
});
