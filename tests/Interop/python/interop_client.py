#!/usr/bin/python3
"""gRPC interop test client (grpc.testing.TestService) on Debian's grpcio.

Usage: /usr/bin/python3 interop_client.py --port N [--host 127.0.0.1]
                                          [--test_case all|a,b,...]

Prints "PASS <case>" or "FAIL <case>: <reason>" per case, then
"RESULT passed=N failed=N skipped=0". Exits 1 if any case failed.

Stubs are generated at start-up with grpc_tools.protoc from ../protos into a
temporary directory (nothing generated is kept in the tree).
"""

import argparse
import importlib
import os
import queue
import re
import shutil
import sys
import tempfile
import threading

import grpc

SCRIPT_DIR = os.path.dirname(os.path.abspath(__file__))
PROTO_ROOT = os.path.normpath(os.path.join(SCRIPT_DIR, "..", "protos"))
PROTO_FILES = ["grpc/testing/empty.proto", "grpc/testing/messages.proto", "grpc/testing/test.proto"]
GEN_PACKAGE = "atom_interop_gen"

CASE_TIMEOUT_S = 20.0  # hard per-case limit, so nothing hangs
CALL_TIMEOUT_S = 10.0  # deadline for calls that should succeed

ECHO_INITIAL_KEY = "x-grpc-test-echo-initial"
ECHO_INITIAL_VALUE = "test_initial_metadata_value"
ECHO_TRAILING_KEY = "x-grpc-test-echo-trailing-bin"
ECHO_TRAILING_VALUE = b"\xab\xab\xab"
SPECIAL_STATUS_MESSAGE = "\t\ntest with whitespace\r\nand Unicode BMP \u263a and non-BMP \U0001f608\t\n"


def generate_stubs():
    """Runs protoc into a temp dir and returns (tmpdir, empty_pb2, messages_pb2, test_pb2_grpc).

    protoc names the modules after the proto path (grpc/testing/...), which
    would shadow the real `grpc` package, so the output is moved into a flat
    package of our own and its cross-imports are rewritten accordingly.
    """
    from grpc_tools import protoc

    tmp = tempfile.mkdtemp(prefix="atom-interop-py-")
    out = os.path.join(tmp, "out")
    os.makedirs(out)
    well_known = os.path.join(os.path.dirname(protoc.__file__), "_proto")
    args = ["grpc_tools.protoc", "-I" + PROTO_ROOT]
    if os.path.isdir(well_known):
        args.append("-I" + well_known)
    args += ["--python_out=" + out, "--grpc_python_out=" + out]
    args += [os.path.join(PROTO_ROOT, f) for f in PROTO_FILES]
    rc = protoc.main(args)
    if rc != 0:
        raise RuntimeError("grpc_tools.protoc failed with exit code %d" % rc)

    pkg = os.path.join(tmp, GEN_PACKAGE)
    os.makedirs(pkg)
    open(os.path.join(pkg, "__init__.py"), "w").close()
    src_dir = os.path.join(out, "grpc", "testing")
    for name in os.listdir(src_dir):
        if not name.endswith(".py"):
            continue
        with open(os.path.join(src_dir, name), encoding="utf-8") as f:
            code = f.read()
        code = re.sub(r"^from grpc\.testing import ", "from %s import " % GEN_PACKAGE, code, flags=re.M)
        with open(os.path.join(pkg, name), "w", encoding="utf-8") as f:
            f.write(code)
    sys.path.insert(0, tmp)
    empty_pb2 = importlib.import_module(GEN_PACKAGE + ".empty_pb2")
    messages_pb2 = importlib.import_module(GEN_PACKAGE + ".messages_pb2")
    test_pb2_grpc = importlib.import_module(GEN_PACKAGE + ".test_pb2_grpc")
    return tmp, empty_pb2, messages_pb2, test_pb2_grpc


class CheckFailed(Exception):
    pass


def check(cond, message):
    if not cond:
        raise CheckFailed(message)


def describe(err):
    if isinstance(err, grpc.RpcError) and hasattr(err, "code"):
        return "%s %r" % (err.code(), err.details())
    return repr(err)


class RequestPipe:
    """A request iterator the test feeds one message at a time."""

    _CLOSE = object()

    def __init__(self):
        self._q = queue.Queue()

    def add(self, request):
        self._q.put(request)

    def close(self):
        self._q.put(self._CLOSE)

    def __iter__(self):
        return self

    def __next__(self):
        item = self._q.get()
        if item is self._CLOSE:
            raise StopIteration
        return item


class Cases:
    def __init__(self, channel, empty_pb2, messages_pb2, test_pb2_grpc):
        self.empty_pb2 = empty_pb2
        self.m = messages_pb2
        self.stub = test_pb2_grpc.TestServiceStub(channel)
        self.unimplemented_stub = test_pb2_grpc.UnimplementedServiceStub(channel)

    # -- helpers ---------------------------------------------------------

    def payload(self, size):
        return self.m.Payload(type=self.m.COMPRESSABLE, body=bytes(size))

    def check_payload(self, payload, size, what):
        body = payload.body
        check(len(body) == size, "%s: payload body is %d bytes, expected %d" % (what, len(body), size))
        check(body.count(0) == size, "%s: payload body is not all zeros" % what)

    @staticmethod
    def check_code(err, code, what, message=None):
        check(isinstance(err, grpc.RpcError), "%s: expected status %s, got %r" % (what, code, err))
        check(err.code() == code, "%s: status %s, expected %s (details %r)" % (what, err.code(), code, err.details()))
        if message is not None:
            check(err.details() == message,
                  "%s: status message %r, expected %r" % (what, err.details(), message))

    @staticmethod
    def echo_metadata():
        return ((ECHO_INITIAL_KEY, ECHO_INITIAL_VALUE), (ECHO_TRAILING_KEY, ECHO_TRAILING_VALUE))

    @staticmethod
    def check_echoed_metadata(initial, trailing, what):
        initial_values = [v for k, v in (initial or ()) if k == ECHO_INITIAL_KEY]
        check(initial_values == [ECHO_INITIAL_VALUE],
              "%s: header %s = %r, expected [%r]" % (what, ECHO_INITIAL_KEY, initial_values, ECHO_INITIAL_VALUE))
        trailing_values = [v for k, v in (trailing or ()) if k == ECHO_TRAILING_KEY]
        check(trailing_values == [ECHO_TRAILING_VALUE],
              "%s: trailer %s = %r, expected [%r]" % (what, ECHO_TRAILING_KEY, trailing_values, ECHO_TRAILING_VALUE))

    def streaming_request(self, sizes=(), payload_size=None, status=None):
        req = self.m.StreamingOutputCallRequest(
            response_type=self.m.COMPRESSABLE,
            response_parameters=[self.m.ResponseParameters(size=s) for s in sizes])
        if payload_size is not None:
            req.payload.CopyFrom(self.payload(payload_size))
        if status is not None:
            req.response_status.CopyFrom(status)
        return req

    # -- cases -----------------------------------------------------------

    def empty_unary(self):
        resp = self.stub.EmptyCall(self.empty_pb2.Empty(), timeout=CALL_TIMEOUT_S)
        check(isinstance(resp, self.empty_pb2.Empty), "EmptyCall returned %r" % (resp,))

    def large_unary(self):
        req = self.m.SimpleRequest(response_type=self.m.COMPRESSABLE, response_size=314159,
                                   payload=self.payload(271828))
        resp = self.stub.UnaryCall(req, timeout=CALL_TIMEOUT_S)
        self.check_payload(resp.payload, 314159, "UnaryCall")

    def client_streaming(self):
        reqs = (self.m.StreamingInputCallRequest(payload=self.payload(s)) for s in (27182, 8, 1828, 45904))
        resp = self.stub.StreamingInputCall(reqs, timeout=CALL_TIMEOUT_S)
        check(resp.aggregated_payload_size == 74922,
              "aggregated_payload_size = %d, expected 74922" % resp.aggregated_payload_size)

    def server_streaming(self):
        sizes = (31415, 9, 2653, 58979)
        call = self.stub.StreamingOutputCall(self.streaming_request(sizes), timeout=CALL_TIMEOUT_S)
        responses = list(call)
        check(call.code() == grpc.StatusCode.OK, "status %s, expected OK" % call.code())
        check(len(responses) == len(sizes), "received %d responses, expected %d" % (len(responses), len(sizes)))
        for i, (resp, size) in enumerate(zip(responses, sizes)):
            self.check_payload(resp.payload, size, "response %d" % i)

    def ping_pong(self):
        response_sizes = (31415, 9, 2653, 58979)
        request_sizes = (27182, 8, 1828, 45904)
        pipe = RequestPipe()
        call = self.stub.FullDuplexCall(pipe, timeout=CALL_TIMEOUT_S)
        try:
            for i, (rs, qs) in enumerate(zip(response_sizes, request_sizes)):
                pipe.add(self.streaming_request([rs], payload_size=qs))
                try:
                    resp = next(call)
                except StopIteration:
                    raise CheckFailed("stream ended after %d responses, expected 4" % i)
                self.check_payload(resp.payload, rs, "response %d" % i)
            pipe.close()
            extra = list(call)
            check(not extra, "received %d responses, expected 4" % (4 + len(extra)))
            check(call.code() == grpc.StatusCode.OK, "status %s, expected OK" % call.code())
        finally:
            pipe.close()
            call.cancel()

    def empty_stream(self):
        call = self.stub.FullDuplexCall(iter(()), timeout=CALL_TIMEOUT_S)
        responses = list(call)
        check(call.code() == grpc.StatusCode.OK, "status %s, expected OK" % call.code())
        check(not responses, "received %d responses, expected 0" % len(responses))

    def _status_unary(self, message):
        status = self.m.EchoStatus(code=grpc.StatusCode.UNKNOWN.value[0], message=message)
        try:
            self.stub.UnaryCall(self.m.SimpleRequest(response_status=status), timeout=CALL_TIMEOUT_S)
        except grpc.RpcError as e:
            self.check_code(e, grpc.StatusCode.UNKNOWN, "UnaryCall", message)
        else:
            raise CheckFailed("UnaryCall succeeded, expected UNKNOWN")
        return status

    def status_code_and_message(self):
        message = "test status message"
        status = self._status_unary(message)
        pipe = RequestPipe()
        call = self.stub.FullDuplexCall(pipe, timeout=CALL_TIMEOUT_S)
        pipe.add(self.streaming_request(status=status))
        pipe.close()
        try:
            responses = list(call)
        except grpc.RpcError as e:
            self.check_code(e, grpc.StatusCode.UNKNOWN, "FullDuplexCall", message)
        else:
            raise CheckFailed("FullDuplexCall succeeded with %d responses, expected UNKNOWN" % len(responses))

    def special_status_message(self):
        self._status_unary(SPECIAL_STATUS_MESSAGE)

    def custom_metadata(self):
        req = self.m.SimpleRequest(response_type=self.m.COMPRESSABLE, response_size=314159,
                                   payload=self.payload(271828))
        resp, call = self.stub.UnaryCall.with_call(req, metadata=self.echo_metadata(), timeout=CALL_TIMEOUT_S)
        self.check_payload(resp.payload, 314159, "UnaryCall")
        self.check_echoed_metadata(call.initial_metadata(), call.trailing_metadata(), "UnaryCall")

        pipe = RequestPipe()
        call = self.stub.FullDuplexCall(pipe, metadata=self.echo_metadata(), timeout=CALL_TIMEOUT_S)
        pipe.add(self.streaming_request([314159], payload_size=271828))
        pipe.close()
        responses = list(call)
        check(call.code() == grpc.StatusCode.OK, "FullDuplexCall: status %s, expected OK" % call.code())
        check(len(responses) == 1, "FullDuplexCall: received %d responses, expected 1" % len(responses))
        self.check_payload(responses[0].payload, 314159, "FullDuplexCall")
        self.check_echoed_metadata(call.initial_metadata(), call.trailing_metadata(), "FullDuplexCall")

    def unimplemented_method(self):
        try:
            self.stub.UnimplementedCall(self.empty_pb2.Empty(), timeout=CALL_TIMEOUT_S)
        except grpc.RpcError as e:
            self.check_code(e, grpc.StatusCode.UNIMPLEMENTED, "TestService/UnimplementedCall")
        else:
            raise CheckFailed("UnimplementedCall succeeded, expected UNIMPLEMENTED")

    def unimplemented_service(self):
        try:
            self.unimplemented_stub.UnimplementedCall(self.empty_pb2.Empty(), timeout=CALL_TIMEOUT_S)
        except grpc.RpcError as e:
            self.check_code(e, grpc.StatusCode.UNIMPLEMENTED, "UnimplementedService/UnimplementedCall")
        else:
            raise CheckFailed("UnimplementedCall succeeded, expected UNIMPLEMENTED")

    def cancel_after_begin(self):
        pipe = RequestPipe()
        future = self.stub.StreamingInputCall.future(pipe, timeout=CALL_TIMEOUT_S)
        future.cancel()
        pipe.close()
        check(future.cancelled(), "call was not cancelled")
        check(future.code() == grpc.StatusCode.CANCELLED, "status %s, expected CANCELLED" % future.code())

    def cancel_after_first_response(self):
        pipe = RequestPipe()
        call = self.stub.FullDuplexCall(pipe, timeout=CALL_TIMEOUT_S)
        try:
            pipe.add(self.streaming_request([31415], payload_size=27182))
            try:
                resp = next(call)
            except StopIteration:
                raise CheckFailed("stream ended before the first response")
            self.check_payload(resp.payload, 31415, "first response")
            call.cancel()
            try:
                next(call)
            except grpc.RpcError as e:
                self.check_code(e, grpc.StatusCode.CANCELLED, "FullDuplexCall")
            except StopIteration:
                raise CheckFailed("stream ended normally after cancel, expected CANCELLED")
            else:
                raise CheckFailed("received another response after cancel, expected CANCELLED")
            check(call.code() == grpc.StatusCode.CANCELLED, "status %s, expected CANCELLED" % call.code())
        finally:
            pipe.close()

    def timeout_on_sleeping_server(self):
        pipe = RequestPipe()
        call = self.stub.FullDuplexCall(pipe, timeout=0.001)
        try:
            pipe.add(self.streaming_request(payload_size=27182))
            try:
                next(call)
            except grpc.RpcError as e:
                self.check_code(e, grpc.StatusCode.DEADLINE_EXCEEDED, "FullDuplexCall")
            except StopIteration:
                raise CheckFailed("stream ended normally, expected DEADLINE_EXCEEDED")
            else:
                raise CheckFailed("received a response, expected DEADLINE_EXCEEDED")
        finally:
            pipe.close()


ALL_CASES = [
    "empty_unary", "large_unary", "client_streaming", "server_streaming", "ping_pong", "empty_stream",
    "status_code_and_message", "special_status_message", "custom_metadata", "unimplemented_method",
    "unimplemented_service", "cancel_after_begin", "cancel_after_first_response", "timeout_on_sleeping_server",
]


def run_case(fn):
    """Runs fn on a daemon thread with a hard time limit; returns None or a failure reason."""
    outcome = {}

    def target():
        try:
            fn()
        except CheckFailed as e:
            outcome["error"] = str(e)
        except grpc.RpcError as e:
            outcome["error"] = "unexpected RPC error: %s" % describe(e)
        except Exception as e:  # noqa: BLE001 - report anything as a failure
            outcome["error"] = "%s: %s" % (type(e).__name__, e)
        else:
            outcome["ok"] = True

    t = threading.Thread(target=target, daemon=True)
    t.start()
    t.join(CASE_TIMEOUT_S)
    if t.is_alive():
        return "timed out after %.0f s" % CASE_TIMEOUT_S
    return None if outcome.get("ok") else outcome.get("error", "unknown failure")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--port", "--server_port", dest="port", type=int, required=True)
    parser.add_argument("--host", "--server_host", dest="host", default="127.0.0.1")
    parser.add_argument("--test_case", default="all")
    args = parser.parse_args()

    names = ALL_CASES if args.test_case == "all" else [n.strip() for n in args.test_case.split(",") if n.strip()]
    unknown = [n for n in names if n not in ALL_CASES]
    if unknown:
        parser.error("unknown test case(s): %s; known: %s" % (", ".join(unknown), ", ".join(ALL_CASES)))

    tmp, empty_pb2, messages_pb2, test_pb2_grpc = generate_stubs()
    try:
        channel = grpc.insecure_channel("%s:%d" % (args.host, args.port))
        cases = Cases(channel, empty_pb2, messages_pb2, test_pb2_grpc)
        passed = failed = 0
        for name in names:
            reason = run_case(getattr(cases, name))
            if reason is None:
                passed += 1
                print("PASS %s" % name, flush=True)
            else:
                failed += 1
                print("FAIL %s: %s" % (name, reason.replace("\n", " | ")), flush=True)
        print("RESULT passed=%d failed=%d skipped=0" % (passed, failed), flush=True)
        channel.close()
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
