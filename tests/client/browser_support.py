"""What the headless-Chromium tests share: Debian's chromium driven through
chromium-driver by python3-selenium, and a phone's viewport."""
from selenium import webdriver
from selenium.webdriver.chrome.service import Service


def start_chromium(profile, language, accept_languages, window_size):
    """Headless Chromium with its profile in `profile`, its interface in `language`,
    asking pages for `accept_languages` ("zh-CN,zh,en"), its window "WIDTH,HEIGHT"."""
    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/bin/chromium"
    for flag in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", f"--lang={language}",
                 f"--user-data-dir={profile}", f"--window-size={window_size}"):
        options.add_argument(flag)
    options.add_experimental_option("prefs", {"intl.accept_languages": accept_languages})
    return webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)


def phone_viewport(browser, width, height=800):
    """Makes the page's viewport a phone's: `width` CSS pixels, meta viewport honoured."""
    browser.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                            {"width": width, "height": height, "deviceScaleFactor": 2, "mobile": True})


def open_message_windows_all_day(channel):
    """Lets messages go out at any hour, so that the tests run whenever: the
    contact policy's message windows from 00:00 to 24:00 every day. Needs the
    gRPC stubs on sys.path."""
    from google.protobuf import field_mask_pb2
    from satisfaction.v1 import revisit_policy_pb2, revisit_policy_pb2_grpc
    whole_day = revisit_policy_pb2.TimeWindow(start="00:00", end="24:00")
    week = revisit_policy_pb2.WeeklyWindows(monday=whole_day, tuesday=whole_day, wednesday=whole_day,
                                            thursday=whole_day, friday=whole_day, saturday=whole_day,
                                            sunday=whole_day)
    revisit_policy_pb2_grpc.RevisitPolicyServiceStub(channel).UpdateContactPolicy(
        revisit_policy_pb2.UpdateContactPolicyRequest(
            policy=revisit_policy_pb2.ContactPolicy(message_windows=week),
            update_mask=field_mask_pb2.FieldMask(paths=["message_windows"])), timeout=10)
