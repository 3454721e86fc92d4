#!/usr/bin/python3
"""A call-center dialer, as a third party would write one: Debian's
python3-grpcio with stubs that protoc compiled from proto/*.proto, nothing of
this project's C++. As the admin it makes an operator key and a dialer key;
as the operator it sets the calling hours to the whole day, adds a rule, a
customer and a closed complaint; as the dialer it works the callback.
Exits non-zero, saying why, at the first surprise.

With several servers (--target 10.0.0.1:50051,10.0.0.2:50051), one channel
spreads the calls over them, round robin, and leaves out any server whose
health service does not say SERVING (gRPC's client-side health checking).

usage: dialer_client.py --target HOST:PORT[,HOST:PORT...] --stubs DIR --admin-key KEY
"""
import argparse
import json
import os
import sys
import time


# Round robin over every address, each only while its grpc.health.v1.Health
# says SERVING for the whole server (service "").
SPREAD_SERVICE_CONFIG = json.dumps({"loadBalancingConfig": [{"round_robin": {}}],
                                    "healthCheckConfig": {"serviceName": ""}})


def open_channel(grpc, target):
    """A channel to `target`: one HOST:PORT as it is, or several IPv4
    ADDRESS:PORT, comma-separated, as one channel spread over them."""
    addresses = target.split(",")
    if len(addresses) == 1:
        return grpc.insecure_channel(target)
    return grpc.insecure_channel("ipv4:" + ",".join(addresses),
                                 options=[("grpc.service_config", SPREAD_SERVICE_CONFIG)])


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--target", required=True,
                        help="HOST:PORT, or several IPv4 ADDRESS:PORT, comma-separated, to spread calls over")
    parser.add_argument("--stubs", required=True, help="where protoc wrote the *_pb2*.py files")
    parser.add_argument("--admin-key", required=True)
    args = parser.parse_args()
    sys.path.insert(0, args.stubs)
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    from bearer_key import channel_with_key

    import grpc
    from google.protobuf import duration_pb2, field_mask_pb2, timestamp_pb2
    from satisfaction.v1 import callback_pb2, callback_pb2_grpc
    from satisfaction.v1 import customer_pb2, customer_pb2_grpc
    from satisfaction.v1 import revisit_pb2, revisit_pb2_grpc
    from satisfaction.v1 import revisit_policy_pb2, revisit_policy_pb2_grpc
    from satisfaction.v1 import common_pb2
    from satisfaction.v1 import access_pb2, access_pb2_grpc

    def check(condition, what):
        if not condition:
            sys.exit(f"dialer_client: expected {what}")

    plain = open_channel(grpc, args.target)
    grpc.channel_ready_future(plain).result(timeout=10)
    admin = access_pb2_grpc.AccessServiceStub(channel_with_key(plain, args.admin_key))

    def new_key(role, **binding):
        created = admin.CreateApiKey(access_pb2.CreateApiKeyRequest(api_key=access_pb2.ApiKey(
            display_name=f"python {access_pb2.Role.Name(role)}", role=role, **binding)), timeout=10)
        check(created.key.startswith("sat_") and created.api_key.hint == created.key[-4:], "a new key and its hint")
        return channel_with_key(plain, created.key)

    as_operator = new_key(access_pb2.ROLE_OPERATOR)
    as_dialer = new_key(access_pb2.ROLE_DIALER, queue="python")
    policies = revisit_policy_pb2_grpc.RevisitPolicyServiceStub(as_operator)
    customers = customer_pb2_grpc.CustomerServiceStub(as_operator)
    revisits = revisit_pb2_grpc.RevisitServiceStub(as_operator)
    dialer = callback_pb2_grpc.CallbackServiceStub(as_dialer)

    whole_day = revisit_policy_pb2.TimeWindow(start="00:00", end="24:00")
    week = revisit_policy_pb2.WeeklyWindows(monday=whole_day, tuesday=whole_day, wednesday=whole_day,
                                            thursday=whole_day, friday=whole_day, saturday=whole_day,
                                            sunday=whole_day)
    policies.UpdateContactPolicy(revisit_policy_pb2.UpdateContactPolicyRequest(
        policy=revisit_policy_pb2.ContactPolicy(call_windows=week),
        update_mask=field_mask_pb2.FieldMask(paths=["call_windows"])), timeout=10)
    policies.CreateRevisitRule(revisit_policy_pb2.CreateRevisitRuleRequest(rule=revisit_policy_pb2.RevisitRule(
        id="python-complaints", customer_types=[common_pb2.CUSTOMER_TYPE_NEW],
        trigger=revisit_policy_pb2.TRIGGER_COMPLAINT_CLOSED, channels=[common_pb2.CHANNEL_PHONE],
        queue="python", max_attempts=2)), timeout=10)
    customers.UpsertCustomer(customer_pb2.UpsertCustomerRequest(customer=customer_pb2.Customer(
        external_id="py-1", name="赵磊", phone="+8613700137000", time_zone="Asia/Shanghai",
        consent=customer_pb2.ChannelFlags(phone=True))), timeout=10)
    occurred = timestamp_pb2.Timestamp()
    occurred.FromSeconds(int(time.time()) - 60)
    recorded = revisits.RecordEvent(revisit_pb2.RecordEventRequest(event=revisit_pb2.Event(
        event_id="py-complaint-1", customer_external_id="py-1", trigger=revisit_policy_pb2.TRIGGER_COMPLAINT_CLOSED,
        occur_time=occurred)), timeout=10)
    check(len(recorded.revisits) == 1, "one revisit planned for the complaint")

    # No key, and the wrong role, are refused.
    for stub, what, code in ((callback_pb2_grpc.CallbackServiceStub(plain), "no key", grpc.StatusCode.UNAUTHENTICATED),
                             (customer_pb2_grpc.CustomerServiceStub(as_dialer), "a dialer upserting a customer",
                              grpc.StatusCode.PERMISSION_DENIED)):
        try:
            if isinstance(stub, callback_pb2_grpc.CallbackServiceStub):
                stub.FetchDueCallbacks(callback_pb2.FetchDueCallbacksRequest(queue="python"), timeout=10)
            else:
                stub.UpsertCustomer(customer_pb2.UpsertCustomerRequest(
                    customer=customer_pb2.Customer(external_id="py-2")), timeout=10)
            sys.exit(f"dialer_client: {what} was accepted")
        except grpc.RpcError as error:
            check(error.code() == code, f"{what}: {code}, got {error.code()} {error.details()}")

    # An empty fetch is refused, naming the field.
    try:
        dialer.FetchDueCallbacks(callback_pb2.FetchDueCallbacksRequest(), timeout=10)
        sys.exit("dialer_client: an empty fetch was accepted")
    except grpc.RpcError as error:
        check(error.code() == grpc.StatusCode.INVALID_ARGUMENT and error.details().startswith("queue:"),
              f"INVALID_ARGUMENT naming queue, got {error.code()} {error.details()}")

    lease = duration_pb2.Duration(seconds=60)
    fetched = dialer.FetchDueCallbacks(callback_pb2.FetchDueCallbacksRequest(
        queue="python", max_count=5, lease_duration=lease), timeout=10)
    check(len(fetched.callbacks) == 1, f"one due callback, got {len(fetched.callbacks)}")
    callback = fetched.callbacks[0]
    check(callback.customer_name == "赵磊" and callback.phone == "+8613700137000", "the customer's name and phone")
    check(callback.attempt_number == 1 and callback.lease_token, "a first attempt with a lease token")

    answer = dialer.ReportDisposition(callback_pb2.ReportDispositionRequest(
        callback_id=callback.id, lease_token=callback.lease_token, outcome=callback_pb2.CALL_OUTCOME_BUSY),
        timeout=10)
    check(answer.revisit.state == revisit_pb2.REVISIT_STATE_PLANNED and answer.revisit.attempts == 1,
          "busy: planned again after one attempt")
    try:
        dialer.ReleaseCallback(callback_pb2.ReleaseCallbackRequest(
            callback_id=callback.id, lease_token=callback.lease_token), timeout=10)
        sys.exit("dialer_client: a spent lease was accepted")
    except grpc.RpcError as error:
        check(error.code() == grpc.StatusCode.FAILED_PRECONDITION, f"FAILED_PRECONDITION, got {error.code()}")
    print("dialer_client: fetched, reported and refused as expected")


if __name__ == "__main__":
    main()
