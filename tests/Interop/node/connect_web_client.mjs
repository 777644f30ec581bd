#!/usr/bin/env node
// gRPC-Web interop client for grpc.testing.TestService, using
// @connectrpc/connect-web's createGrpcWebTransport (fetch; HTTP/1.1 in node).
//
// Usage: node connect_web_client.mjs --base-url http://127.0.0.1:PORT [--test_case all|a,b,...]
// Prints "PASS <case>" or "FAIL <case>: <reason>" per case, then
// "RESULT passed=N failed=N skipped=0". Exit code 1 if any case failed.
//
// No generated code: descriptors.mjs compiles ../protos with `buf build` at
// start-up, and the service/message descriptors come from the registry it makes.

import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { Code, ConnectError, createClient, decodeBinaryHeader, encodeBinaryHeader } from '@connectrpc/connect';
import { createGrpcWebTransport } from '@connectrpc/connect-web';

import { parseFlags, usageError } from './args.js';
import { loadRegistry } from './descriptors.mjs';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const PROTO_ROOT = path.resolve(HERE, '..', 'protos');

const CASE_TIMEOUT_MS = 20000; // hard per-case limit, so nothing hangs
const CALL_TIMEOUT_MS = 10000; // deadline (grpc-timeout) for calls that should succeed

const ECHO_INITIAL_KEY = 'x-grpc-test-echo-initial';
const ECHO_INITIAL_VALUE = 'test_initial_metadata_value';
const ECHO_TRAILING_KEY = 'x-grpc-test-echo-trailing-bin';
const ECHO_TRAILING_VALUE = new Uint8Array([0xab, 0xab, 0xab]);
const SPECIAL_STATUS_MESSAGE = '\t\ntest with whitespace\r\nand Unicode BMP \u263A and non-BMP \u{1F608}\t\n';

function parseArgs(argv) {
  const opts = { testCase: 'all', ...parseFlags(argv, { '--base-url': 'baseUrl', '--base_url': 'baseUrl', '--test_case': 'testCase' },
    'usage: node connect_web_client.mjs --base-url http://127.0.0.1:PORT [--test_case all|name,...]') };
  if (!opts.baseUrl || !/^https?:\/\//.test(opts.baseUrl)) usageError('--base-url http(s)://host:port is required');
  return opts;
}

// ---------------------------------------------------------------------------
// assertions

class AssertionError extends Error {}

function check(cond, message) {
  if (!cond) throw new AssertionError(message);
}

const codeName = code => `${Code[code] ?? 'code'}(${code})`;

function describeError(err) {
  if (err instanceof ConnectError) return `${codeName(err.code)} ${JSON.stringify(err.rawMessage)}`;
  return String(err && err.stack ? err.stack : err);
}

function checkPayload(payload, size, what) {
  check(payload, `${what}: response has no payload`);
  const body = payload.body ?? new Uint8Array(0);
  check(body.length === size, `${what}: payload body is ${body.length} bytes, expected ${size}`);
  for (let i = 0; i < body.length; i++) {
    if (body[i] !== 0) throw new AssertionError(`${what}: payload byte ${i} is ${body[i]}, expected 0`);
  }
}

// Runs fn, which must fail with the given code (and message, if given).
async function expectError(fn, code, message, what) {
  let value;
  try {
    value = await fn();
  } catch (err) {
    check(err instanceof ConnectError, `${what}: failed with non-RPC error ${describeError(err)}`);
    check(err.code === code, `${what}: status ${describeError(err)}, expected ${codeName(code)}`);
    if (message !== undefined) {
      check(err.rawMessage === message,
        `${what}: status message ${JSON.stringify(err.rawMessage)}, expected ${JSON.stringify(message)}`);
    }
    return err;
  }
  throw new AssertionError(`${what}: succeeded (${JSON.stringify(value)?.slice(0, 80)}), expected ${codeName(code)}`);
}

async function collect(iterable) {
  const messages = [];
  for await (const m of iterable) messages.push(m);
  return messages;
}

const zeros = n => new Uint8Array(n);

// ---------------------------------------------------------------------------
// test cases (gRPC-Web: unary and server streaming only)

const cases = {
  async empty_unary({ client, opts }) {
    const r = await client.emptyCall({}, opts());
    check(r !== undefined && r !== null, 'EmptyCall returned no response');
  },

  async large_unary({ client, opts }) {
    const r = await client.unaryCall({ responseSize: 314159, payload: { body: zeros(271828) } }, opts());
    checkPayload(r.payload, 314159, 'UnaryCall');
  },

  async status_code_and_message({ client, opts }) {
    const message = 'test status message';
    await expectError(() => client.unaryCall({ responseStatus: { code: 2, message } }, opts()),
      Code.Unknown, message, 'UnaryCall');
  },

  async special_status_message({ client, opts }) {
    await expectError(() => client.unaryCall({ responseStatus: { code: 2, message: SPECIAL_STATUS_MESSAGE } }, opts()),
      Code.Unknown, SPECIAL_STATUS_MESSAGE, 'UnaryCall');
  },

  async server_streaming({ client, opts }) {
    const sizes = [31415, 9, 2653, 58979];
    const messages = await collect(
      client.streamingOutputCall({ responseParameters: sizes.map(size => ({ size })) }, opts()));
    check(messages.length === sizes.length, `received ${messages.length} responses, expected ${sizes.length}`);
    sizes.forEach((size, i) => checkPayload(messages[i].payload, size, `response ${i}`));
  },

  // Zero responses: the server ends the stream with only a status, which in
  // gRPC-Web is the trailers-only / empty-body path.
  async empty_server_stream({ client, opts }) {
    const messages = await collect(client.streamingOutputCall({}, opts()));
    check(messages.length === 0, `received ${messages.length} responses, expected 0`);
  },

  async custom_metadata({ client, opts }) {
    let header;
    let trailer;
    const r = await client.unaryCall({ responseSize: 314159, payload: { body: zeros(271828) } }, opts({
      headers: {
        [ECHO_INITIAL_KEY]: ECHO_INITIAL_VALUE,
        [ECHO_TRAILING_KEY]: encodeBinaryHeader(ECHO_TRAILING_VALUE),
      },
      onHeader: h => { header = h; },
      onTrailer: t => { trailer = t; },
    }));
    checkPayload(r.payload, 314159, 'UnaryCall');
    check(header, 'no response headers received');
    check(header.get(ECHO_INITIAL_KEY) === ECHO_INITIAL_VALUE,
      `header ${ECHO_INITIAL_KEY} = ${JSON.stringify(header.get(ECHO_INITIAL_KEY))}, expected "${ECHO_INITIAL_VALUE}"`);
    check(trailer, 'no response trailers received');
    const raw = trailer.get(ECHO_TRAILING_KEY);
    check(raw !== null, `trailer ${ECHO_TRAILING_KEY} missing (trailers: ${JSON.stringify([...trailer.keys()])})`);
    const value = decodeBinaryHeader(raw);
    check(value.length === 3 && value.every(b => b === 0xab),
      `trailer ${ECHO_TRAILING_KEY} = ${JSON.stringify(raw)}, expected base64 of abab ab`);
    check(!header.has(ECHO_TRAILING_KEY), `${ECHO_TRAILING_KEY} was echoed as a header, expected a trailer`);
  },

  async unimplemented_method({ client, opts }) {
    await expectError(() => client.unimplementedCall({}, opts()), Code.Unimplemented, undefined,
      'TestService/UnimplementedCall');
  },

  async unimplemented_service({ unimplementedClient, opts }) {
    await expectError(() => unimplementedClient.unimplementedCall({}, opts()), Code.Unimplemented, undefined,
      'UnimplementedService/UnimplementedCall');
  },

  // The server sleeps 2 s before its only response; the call has a 100 ms
  // deadline (sent as grpc-timeout), so it must end DEADLINE_EXCEEDED.
  async timeout_on_sleeping_server({ client, opts }) {
    await expectError(() => collect(client.streamingOutputCall(
      { responseParameters: [{ size: 1, intervalUs: 2000000 }] }, opts({ timeoutMs: 100 }))),
    Code.DeadlineExceeded, undefined, 'StreamingOutputCall');
  },
};

const ALL_CASES = Object.keys(cases);

async function main() {
  const args = parseArgs(process.argv.slice(2));
  const names = args.testCase === 'all' ? ALL_CASES : args.testCase.split(',').map(s => s.trim()).filter(Boolean);
  const unknown = names.filter(n => !cases[n]);
  if (unknown.length > 0) {
    console.error(`unknown test case(s): ${unknown.join(', ')}; known: ${ALL_CASES.join(', ')}`);
    process.exit(2);
  }

  const registry = loadRegistry(PROTO_ROOT);
  const testService = registry.getService('grpc.testing.TestService');
  const unimplementedService = registry.getService('grpc.testing.UnimplementedService');
  check(testService && unimplementedService, 'service descriptors missing from the descriptor set');

  const transport = createGrpcWebTransport({ baseUrl: args.baseUrl, useBinaryFormat: true });
  const client = createClient(testService, transport);
  const unimplementedClient = createClient(unimplementedService, transport);

  let passed = 0;
  let failed = 0;
  for (const name of names) {
    const abort = new AbortController();
    const timer = setTimeout(() => abort.abort(new AssertionError(`timed out after ${CASE_TIMEOUT_MS} ms`)),
      CASE_TIMEOUT_MS);
    const opts = (extra = {}) => ({ timeoutMs: CALL_TIMEOUT_MS, signal: abort.signal, ...extra });
    try {
      const timedOut = new Promise((_, reject) => abort.signal.addEventListener('abort', () => reject(abort.signal.reason)));
      await Promise.race([cases[name]({ client, unimplementedClient, opts }), timedOut]);
      passed++;
      console.log(`PASS ${name}`);
    } catch (e) {
      failed++;
      const reason = e instanceof AssertionError ? e.message : `unexpected error: ${describeError(e)}`;
      console.log(`FAIL ${name}: ${reason.replace(/\n/g, ' | ')}`);
    } finally {
      clearTimeout(timer);
    }
  }
  console.log(`RESULT passed=${passed} failed=${failed} skipped=0`);
  process.exit(failed > 0 ? 1 : 0);
}

main().catch(e => {
  console.error(e);
  process.exit(1);
});
