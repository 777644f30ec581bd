// Descriptors at run time, without generated code: `buf build` (from node_modules) compiles a
// directory of .proto files into a FileDescriptorSet in a temp dir, and a runtime registry is
// built from it. Used by the connect-web peers.

import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { createFileRegistry, fromBinary } from '@bufbuild/protobuf';
import { FileDescriptorSetSchema } from '@bufbuild/protobuf/wkt';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const BUF = path.join(HERE, 'node_modules', '.bin', process.platform === 'win32' ? 'buf.cmd' : 'buf');

// A registry of the files under protoRoot; with files (paths relative to protoRoot), of those files
// and what they import.
export function loadRegistry(protoRoot, files = []) {
  const dir = mkdtempSync(path.join(tmpdir(), 'atom-interop-web-'));
  try {
    const out = path.join(dir, 'set.binpb');
    execFileSync(BUF, ['build', protoRoot, '-o', out, ...files.flatMap(f => ['--path', path.join(protoRoot, f)])], {
      stdio: ['ignore', 'inherit', 'inherit'],
      env: { ...process.env, BUF_CACHE_DIR: path.join(dir, 'cache') },
    });
    return createFileRegistry(fromBinary(FileDescriptorSetSchema, readFileSync(out)));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
