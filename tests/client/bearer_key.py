"""A gRPC channel whose calls carry an API key as `authorization: Bearer <key>`
metadata, as satisfaction-server asks of every call but health and reflection."""
import collections

import grpc


class _CallDetails(collections.namedtuple("_CallDetails", ("method", "timeout", "metadata", "credentials",
                                                             "wait_for_ready", "compression")),
                   grpc.ClientCallDetails):
    pass


class _BearerKey(grpc.UnaryUnaryClientInterceptor, grpc.UnaryStreamClientInterceptor,
                 grpc.StreamUnaryClientInterceptor, grpc.StreamStreamClientInterceptor):
    def __init__(self, key):
        self._metadata = (("authorization", f"Bearer {key}"),)

    def _with_key(self, details):
        return _CallDetails(details.method, details.timeout, tuple(details.metadata or ()) + self._metadata,
                            details.credentials, details.wait_for_ready, details.compression)

    def intercept_unary_unary(self, continuation, details, request):
        return continuation(self._with_key(details), request)

    def intercept_unary_stream(self, continuation, details, request):
        return continuation(self._with_key(details), request)

    def intercept_stream_unary(self, continuation, details, requests):
        return continuation(self._with_key(details), requests)

    def intercept_stream_stream(self, continuation, details, requests):
        return continuation(self._with_key(details), requests)


def channel_with_key(channel, key):
    """`channel`, its calls carrying `key` (none if empty)."""
    return grpc.intercept_channel(channel, _BearerKey(key)) if key else channel
