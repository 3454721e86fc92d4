#!/usr/bin/python3
"""Customers answering the survey page in headless Chromium, on phones.

Sets up surveys the way a shop and a gateway would (through gRPC, with stubs
protoc compiled from proto/*.proto): two new customers, one reading Chinese
and one English, have their first delivery followed by the default SMS
survey, whose links the gateway fetches from the outbox. Chromium, taking
both languages, opens each link: the page is in the language of its message,
and at 320, 360, 390 and 414 pixels wide (a phone's viewport) nothing is
wider than the screen and every choice is whole on it. Then the Chinese
customer taps a score for every question, uses the keyboard for one, types a
comment and submits; the page thanks them, the response is in the database,
and the link then says the survey was answered. Exits non-zero, saying why,
at the first surprise.

usage: survey_browser.py --target HOST:PORT --stubs DIR --db SQLITE_FILE --profile DIR
"""
import argparse
import os
import sqlite3
import sys
import time

from browser_support import open_message_windows_all_day, phone_viewport, start_chromium

# Phones' viewport widths in CSS pixels: small Androids, the common Android,
# iPhones 12 to 15, the large iPhones.
PHONE_WIDTHS = (320, 360, 390, 414)

# What overflows a page sideways: the document against the viewport, and each
# choice of each scale (its box inside the viewport, its text inside its box).
MEASURE_OVERFLOW = """
const viewport = window.innerWidth;
const choices = Array.from(document.querySelectorAll(".scale label"));
return {
  viewport: viewport,
  documentWidth: document.documentElement.scrollWidth,
  choices: choices.length,
  outside: choices.filter(l => { const r = l.getBoundingClientRect(); return r.left < 0 || r.right > viewport; })
                  .map(l => l.textContent.trim()),
  clipped: choices.filter(l => l.scrollWidth > l.clientWidth).map(l => l.textContent.trim()),
  smallestTarget: Math.min(...choices.map(l => l.getBoundingClientRect().height)),
};
"""


def fail(what):
    sys.exit(f"survey_browser: expected {what}")


def check(condition, what):
    if not condition:
        fail(what)


def check_fits(browser, width, what):
    phone_viewport(browser, width)
    measured = browser.execute_script(MEASURE_OVERFLOW)
    where = f"{what} at {width} px: {measured}"
    check(measured["viewport"] == width, f"a viewport {width} px wide (not zoomed out to fit), {where}")
    check(measured["documentWidth"] <= measured["viewport"], f"no horizontal scrolling, {where}")
    check(not measured["outside"], f"every choice inside the screen, {where}")
    check(not measured["clipped"], f"every choice's words inside it, {where}")
    choices = ""
    if measured["choices"]:
        check(measured["smallestTarget"] >= 44, f"choices at least 44 px tall to tap, {where}")
        choices = f", {measured['choices']} choices, the smallest {measured['smallestTarget']:.0f} px tall"
    print(f"survey_browser: {what} fits {width} px: {measured['documentWidth']} px wide{choices}")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--target", required=True)
    parser.add_argument("--stubs", required=True, help="where protoc wrote the *_pb2*.py files")
    parser.add_argument("--db", required=True, help="the server's SQLite file")
    parser.add_argument("--profile", required=True, help="a folder for the browser's profile")
    parser.add_argument("--key", required=True, help="an admin API key")
    args = parser.parse_args()
    sys.path.insert(0, args.stubs)
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    from bearer_key import channel_with_key

    import grpc
    from google.protobuf import duration_pb2, timestamp_pb2
    from satisfaction.v1 import common_pb2
    from satisfaction.v1 import customer_pb2, customer_pb2_grpc
    from satisfaction.v1 import message_pb2, message_pb2_grpc
    from satisfaction.v1 import revisit_pb2, revisit_pb2_grpc
    from satisfaction.v1 import revisit_policy_pb2
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys
    from selenium.webdriver.support import expected_conditions
    from selenium.webdriver.support.ui import WebDriverWait

    plain = grpc.insecure_channel(args.target)
    grpc.channel_ready_future(plain).result(timeout=10)
    channel = channel_with_key(plain, args.key)
    open_message_windows_all_day(channel)
    delivered = timestamp_pb2.Timestamp()
    delivered.FromSeconds(int(time.time()) - 4 * 86400)
    for external_id, name, language, phone in (("web-1", "陈静", "zh-CN", "+8613600136000"),
                                               ("web-2", "Alex Morgan", "en", "+8613600136001")):
        customer_pb2_grpc.CustomerServiceStub(channel).UpsertCustomer(customer_pb2.UpsertCustomerRequest(
            customer=customer_pb2.Customer(external_id=external_id, name=name, phone=phone, language=language,
                                           consent=customer_pb2.ChannelFlags(sms=True))), timeout=10)
        revisit_pb2_grpc.RevisitServiceStub(channel).RecordEvent(revisit_pb2.RecordEventRequest(
            event=revisit_pb2.Event(event_id=f"{external_id}-delivered", customer_external_id=external_id,
                                    trigger=revisit_policy_pb2.TRIGGER_ORDER_DELIVERED, order_id="TB-88",
                                    occur_time=delivered)), timeout=10)
    outbox = message_pb2_grpc.MessageServiceStub(channel).FetchOutbox(message_pb2.FetchOutboxRequest(
        channel=common_pb2.CHANNEL_SMS, max_count=2, lease_duration=duration_pb2.Duration(seconds=60)), timeout=10)
    check(len(outbox.messages) == 2, "both SMS surveys in the outbox")
    links = {message.language: message.survey_url for message in outbox.messages}
    check(sorted(links) == ["en", "zh-CN"], f"one message in each language, not {sorted(links)}")
    for message in outbox.messages:
        check(message.survey_url in message.text, "the link in the SMS text")
    url = links["zh-CN"]

    # Takes both languages: each page opens in the language of its message.
    browser = start_chromium(args.profile, "zh-CN", "zh-CN,zh,en", "390,844")
    try:
        for language in ("en", "zh-CN"):
            browser.get(links[language])
            check(browser.find_element(By.TAG_NAME, "html").get_attribute("lang") == language,
                  f"the {language} message's page in {language}")
            for width in PHONE_WIDTHS:
                check_fits(browser, width, f"the {language} survey page")
        # The customer answers on a phone 390 pixels wide.
        phone_viewport(browser, 390)
        browser.get(url)
        fieldsets = browser.find_elements(By.CSS_SELECTOR, "fieldset[data-kind='scale']")
        check(len(fieldsets) >= 5, "the standard survey's 5-point items")
        # Submitting with nothing answered is stopped in the page, with a message.
        browser.find_element(By.ID, "submit").click()
        check("请回答" in browser.find_element(By.ID, "status").text, "a message naming what is missing")
        codes = [fieldset.get_attribute("data-code") for fieldset in fieldsets]
        for code in codes[1:]:
            browser.find_element(By.CSS_SELECTOR, f"label[for='{code}-4']").click()  # tap a score's label
        # The first with the keyboard: focus its first choice and move to 5 with the arrow keys.
        first = browser.find_element(By.ID, f"{codes[0]}-1")
        first.send_keys(Keys.SPACE)
        for _ in range(4):
            browser.switch_to.active_element.send_keys(Keys.ARROW_RIGHT)
        check(browser.find_element(By.ID, f"{codes[0]}-5").is_selected(), "the arrow keys to choose 5")
        browser.find_element(By.CSS_SELECTOR, "textarea").send_keys("包装很好，物流也快")
        browser.find_element(By.ID, "submit").click()
        WebDriverWait(browser, 15).until(expected_conditions.text_to_be_present_in_element((By.ID, "status"), "感谢"))

        with sqlite3.connect(args.db) as db:
            responses = db.execute("SELECT id, channel FROM responses").fetchall()
            check(len(responses) == 1, f"one response stored, not {len(responses)}")
            check(responses[0][1] == common_pb2.CHANNEL_SMS, "the response's channel to be SMS")
            scores = dict(db.execute("SELECT item_code, score FROM response_answers WHERE response_id = ?",
                                     (responses[0][0],)).fetchall())
            check(scores.get(codes[0]) == 5 and all(scores.get(code) == 4 for code in codes[1:]),
                  f"the scores chosen, not {scores}")
            comment = db.execute("SELECT text FROM response_answers WHERE item_code = 'comment'").fetchone()
            check(comment == ("包装很好，物流也快",), f"the comment typed, not {comment}")

        browser.get(url)
        check("已经提交过了" in browser.page_source, "the link to say the survey was answered")
        check_fits(browser, PHONE_WIDTHS[0], "the answered notice")
    finally:
        browser.quit()
    print("survey_browser: the customer answered the survey in Chromium; the response is stored once")


if __name__ == "__main__":
    main()
