#!/usr/bin/python3
"""A generic gRPC client driven by server reflection, like grpcurl.

It knows nothing of satisfaction's .proto files: it asks the server for them.
Needs only Debian's python3-grpcio, python3-protobuf, protobuf-compiler and
grpc-proto (for the reflection protocol itself).

  reflection_client.py list [--target HOST:PORT]
  reflection_client.py describe SERVICE [--target HOST:PORT]
  reflection_client.py call SERVICE/METHOD 'JSON' [--target HOST:PORT] [--key KEY]

`call` sends the JSON request (protobuf's JSON mapping) with the API key
(--key, or $SATISFACTION_API_KEY) and prints the JSON response; on an error it
prints the status code and message to stderr and exits with 1.
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile

import grpc
from google.protobuf import descriptor_pb2, descriptor_pool, json_format, message_factory

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from bearer_key import channel_with_key  # noqa: E402

REFLECTION_PROTO = "grpc/reflection/v1alpha/reflection.proto"
GRPC_PROTO_DIR = "/usr/share/grpc-proto"
REFLECTION_METHOD = "/grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo"


def message_class(pool, name):
    descriptor = pool.FindMessageTypeByName(name)
    if hasattr(message_factory, "GetMessageClass"):
        return message_factory.GetMessageClass(descriptor)
    return message_factory.MessageFactory(pool).GetPrototype(descriptor)


def reflection_types():
    """Compiles the reflection protocol's own .proto into message classes."""
    with tempfile.TemporaryDirectory() as folder:
        out = os.path.join(folder, "reflection.pb")
        subprocess.run(["protoc", f"--proto_path={GRPC_PROTO_DIR}", "--include_imports",
                        f"--descriptor_set_out={out}", REFLECTION_PROTO], check=True)
        with open(out, "rb") as f:
            files = descriptor_pb2.FileDescriptorSet.FromString(f.read())
    pool = descriptor_pool.DescriptorPool()
    for file in files.file:
        pool.Add(file)
    return (message_class(pool, "grpc.reflection.v1alpha.ServerReflectionRequest"),
            message_class(pool, "grpc.reflection.v1alpha.ServerReflectionResponse"))


class Reflection:
    def __init__(self, channel):
        self.request_type, self.response_type = reflection_types()
        self.stream = channel.stream_stream(REFLECTION_METHOD,
                                            request_serializer=lambda m: m.SerializeToString(),
                                            response_deserializer=self.response_type.FromString)

    def ask(self, **fields):
        responses = list(self.stream(iter([self.request_type(**fields)]), timeout=10))
        response = responses[0]
        if response.HasField("error_response"):
            raise SystemExit(f"reflection error: {response.error_response.error_message}")
        return response

    def services(self):
        return [s.name for s in self.ask(list_services="").list_services_response.service]

    def pool_for(self, symbol):
        """A descriptor pool holding `symbol`'s file and everything it imports."""
        pool = descriptor_pool.DescriptorPool()
        files = {}
        pending = [self.ask(file_containing_symbol=symbol)]
        while pending:
            for raw in pending.pop().file_descriptor_response.file_descriptor_proto:
                file = descriptor_pb2.FileDescriptorProto.FromString(raw)
                if file.name in files:
                    continue
                files[file.name] = file
                for dependency in file.dependency:
                    if dependency not in files:
                        pending.append(self.ask(file_by_filename=dependency))
        added = set()

        def add(name):
            if name in added:
                return
            for dependency in files[name].dependency:
                add(dependency)
            pool.Add(files[name])
            added.add(name)

        for name in files:
            add(name)
        return pool


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("command", choices=["list", "describe", "call"])
    parser.add_argument("what", nargs="?", help="SERVICE, or SERVICE/METHOD for call")
    parser.add_argument("request", nargs="?", default="{}", help="the request as JSON, for call")
    parser.add_argument("--target", default="127.0.0.1:50051")
    parser.add_argument("--timeout", type=float, default=10.0)
    parser.add_argument("--key", default=os.environ.get("SATISFACTION_API_KEY", ""),
                        help="the API key calls carry (default: $SATISFACTION_API_KEY); reflection needs none")
    args = parser.parse_args()

    channel = grpc.insecure_channel(args.target)
    reflection = Reflection(channel)
    if args.command == "list":
        for name in sorted(reflection.services()):
            print(name)
        return 0

    if not args.what:
        parser.error(f"{args.command} needs a service name")
    service_name, _, method_name = args.what.partition("/")
    pool = reflection.pool_for(service_name)
    service = pool.FindServiceByName(service_name)
    if args.command == "describe":
        for method in service.methods:
            print(f"{method.name}({method.input_type.full_name}) returns ({method.output_type.full_name})")
        return 0

    method = service.methods_by_name.get(method_name)
    if method is None:
        parser.error(f"{service_name} has no method {method_name!r}")
    request_type = message_class(pool, method.input_type.full_name)
    response_type = message_class(pool, method.output_type.full_name)
    request = json_format.Parse(args.request, request_type())
    call = channel_with_key(channel, args.key).unary_unary(f"/{service_name}/{method_name}",
                               request_serializer=lambda m: m.SerializeToString(),
                               response_deserializer=response_type.FromString)
    try:
        response = call(request, timeout=args.timeout)
    except grpc.RpcError as error:
        print(f"{error.code().name}: {error.details()}", file=sys.stderr)
        return 1
    print(json.dumps(json.loads(json_format.MessageToJson(response)), ensure_ascii=False, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
