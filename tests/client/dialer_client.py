#!/usr/bin/python3
"""A call-center dialer, as a third party would write one: Debian's
python3-grpcio with stubs that protoc compiled from proto/*.proto, nothing of
this project's C++. It sets the calling hours to the whole day, adds a rule,
a customer and a closed complaint, then works the callback as a dialer does.
Exits non-zero, saying why, at the first surprise.

usage: dialer_client.py --target HOST:PORT --stubs DIR
"""
import argparse
import sys
import time


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--target", required=True)
    parser.add_argument("--stubs", required=True, help="where protoc wrote the *_pb2*.py files")
    args = parser.parse_args()
    sys.path.insert(0, args.stubs)

    import grpc
    from google.protobuf import duration_pb2, field_mask_pb2, timestamp_pb2
    from satisfaction.v1 import callback_pb2, callback_pb2_grpc
    from satisfaction.v1 import customer_pb2, customer_pb2_grpc
    from satisfaction.v1 import revisit_pb2, revisit_pb2_grpc
    from satisfaction.v1 import revisit_policy_pb2, revisit_policy_pb2_grpc
    from satisfaction.v1 import common_pb2

    def check(condition, what):
        if not condition:
            sys.exit(f"dialer_client: expected {what}")

    channel = grpc.insecure_channel(args.target)
    grpc.channel_ready_future(channel).result(timeout=10)
    policies = revisit_policy_pb2_grpc.RevisitPolicyServiceStub(channel)
    customers = customer_pb2_grpc.CustomerServiceStub(channel)
    revisits = revisit_pb2_grpc.RevisitServiceStub(channel)
    dialer = callback_pb2_grpc.CallbackServiceStub(channel)

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
