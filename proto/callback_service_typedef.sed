# gRPC's C++ generator (1.51) declares a typedef named CallbackService, for its
# callback API, inside every service class; inside a service that is itself
# named CallbackService that cannot compile (grpc/grpc#33985). Rename it.
s/ CallbackService;$/ CallbackApiService;/
s/typedef CallbackService ExperimentalCallbackService;/typedef CallbackApiService ExperimentalCallbackService;/
