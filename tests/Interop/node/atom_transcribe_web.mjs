#!/usr/bin/env node
// Atom's browser path of live speech-to-text (atom.v1.VoiceService StartTranscription, AppendAudio,
// WatchTranscript) through @connectrpc/connect-web's createGrpcWebTransport (fetch; HTTP/1.1 in node).
//
// Usage: node atom_transcribe_web.mjs --base-url http://127.0.0.1:PORT --token TOKEN --wav FILE.wav --protos DIR
//
// Starts a transcription of the WAV (declared AUDIO_ENCODING_WAV), watches its transcript, and appends the
// file's bytes in 32 KiB pieces at their offsets, the last with last=true. Prints one line per
// WatchTranscriptResponse ("partial <index> <text>" or "final <index> <text>"), then "status OK"; a call
// that fails prints "status <CODE> <message>" and exits 1. Then AppendAudio to a transcription that does not
// exist, whose refusal is printed as "refused <CODE>". Codes are gRPC's names (NOT_FOUND, CANCELLED, ...).
// Exit code 2 for bad arguments.
//
// No generated code: descriptors.mjs compiles DIR's atom/v1/voice.proto with `buf build` at start-up.

import { readFileSync } from 'node:fs';

import { Code, ConnectError, createClient } from '@connectrpc/connect';
import { createGrpcWebTransport } from '@connectrpc/connect-web';

import { parseFlags, usageError } from './args.js';
import { loadRegistry } from './descriptors.mjs';

const CHUNK_BYTES = 32 * 1024;
const CALL_TIMEOUT_MS = 60000; // deadline (grpc-timeout) of each call
const RUN_TIMEOUT_MS = 120000; // hard limit for the whole transcription, so nothing hangs
const MISSING_ID = 'tr_00000000000000000000000000000000';
const USAGE = 'usage: node atom_transcribe_web.mjs --base-url http://127.0.0.1:PORT --token TOKEN --wav FILE.wav --protos DIR';

function parseArgs(argv) {
  const opts = parseFlags(argv,
    { '--base-url': 'baseUrl', '--base_url': 'baseUrl', '--token': 'token', '--wav': 'wav', '--protos': 'protos' }, USAGE);
  if (!opts.baseUrl || !/^https?:\/\//.test(opts.baseUrl) || !opts.token || !opts.wav || !opts.protos) usageError(USAGE);
  return opts;
}

// gRPC's name of a code: connect's Code.NotFound is NOT_FOUND; Code.Canceled is gRPC's CANCELLED.
function grpcCodeName(code) {
  if (code === Code.Canceled) return 'CANCELLED';
  const name = Code[code];
  return name === undefined ? `CODE_${code}` : name.replace(/([a-z])([A-Z])/g, '$1_$2').toUpperCase();
}

async function transcribe(voice, wav, encoding, signal) {
  const opts = { timeoutMs: CALL_TIMEOUT_MS, signal };
  const started = await voice.startTranscription({ config: { format: { encoding } } }, opts);
  const id = started.transcriptionId;

  // The watch runs while the audio is appended, printing segments as they come.
  const watching = (async () => {
    for await (const response of voice.watchTranscript({ transcriptionId: id }, opts)) {
      const segment = response.segment ?? { index: 0, text: '', final: false };
      console.log(`${segment.final ? 'final' : 'partial'} ${segment.index} ${segment.text}`);
    }
  })();
  // A failed append must not leave the watch's failure unhandled: it is reported once, below.
  watching.catch(() => {});

  for (let offset = 0; ;) {
    const end = Math.min(wav.length, offset + CHUNK_BYTES);
    const last = end === wav.length;
    const response = await voice.appendAudio(
      { transcriptionId: id, offset: BigInt(offset), audio: wav.subarray(offset, end), last }, opts);
    if (response.receivedBytes !== BigInt(end)) {
      throw new Error(`AppendAudio at ${offset}: received_bytes ${response.receivedBytes}, expected ${end}`);
    }
    if (last) break;
    offset = end;
  }
  await watching;
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  const wav = new Uint8Array(readFileSync(args.wav));
  const registry = loadRegistry(args.protos, ['atom/v1/voice.proto']);
  const voiceService = registry.getService('atom.v1.VoiceService');
  const wavEncoding = registry.getEnum('atom.v1.AudioEncoding')?.values.find(v => v.name === 'AUDIO_ENCODING_WAV');
  if (!voiceService || !wavEncoding) throw new Error('atom.v1.VoiceService or AUDIO_ENCODING_WAV missing from the descriptor set');

  const authorize = next => async req => {
    req.header.set('authorization', `Bearer ${args.token}`);
    return next(req);
  };
  const transport = createGrpcWebTransport({ baseUrl: args.baseUrl, useBinaryFormat: true, interceptors: [authorize] });
  const voice = createClient(voiceService, transport);

  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(new ConnectError(`timed out after ${RUN_TIMEOUT_MS} ms`, Code.DeadlineExceeded)),
    RUN_TIMEOUT_MS);
  try {
    await transcribe(voice, wav, wavEncoding.number, abort.signal);
    console.log('status OK');
  } catch (e) {
    const err = ConnectError.from(e);
    console.log(`status ${grpcCodeName(err.code)} ${err.rawMessage}`);
    return 1;
  } finally {
    abort.abort();
    clearTimeout(timer);
  }

  try {
    await voice.appendAudio({ transcriptionId: MISSING_ID, offset: 0n, audio: wav.subarray(0, 1000) }, { timeoutMs: CALL_TIMEOUT_MS });
    console.log('refused nothing');
  } catch (e) {
    console.log(`refused ${grpcCodeName(ConnectError.from(e).code)}`);
  }
  return 0;
}

main().then(code => process.exit(code), e => {
  console.error(e);
  process.exit(1);
});
