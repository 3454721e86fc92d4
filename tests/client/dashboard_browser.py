#!/usr/bin/python3
"""Management's dashboard in headless Chromium, against figures the test knows.

Seeds the post-delivery questionnaire the way a shop and a gateway would
(through gRPC, with stubs protoc compiled from proto/*.proto): an analyst key
and an operator key; seven customers, five new and two loyal, each with a
delivered order, so that the default SMS survey is planned for each; the
gateway takes the seven messages from the outbox, reports them delivered, and
six customers answer by their links with scores chosen here, two of them low
with a comment. The expected index, CSAT, mean and counts are computed here
from those scores and the questionnaire's weights.

Then Chromium, reading Chinese: the sign-in page refuses a wrong key and an
operator key and takes the analyst's; the questionnaire's page shows the
expected figures in its cards, in its charts' data and in the tables behind
them, by customer type, agent and dimension, the funnel and the latest low
scores (phones masked); it fits 320 pixels, prints without navigation and
forms, runs no script (CSP), and is kept as screenshots 360 and 1280 pixels
wide. The range is switched by link and by form, the language by link, the
CSV of the range is downloaded and read, a bad query is refused, and signing
out ends the session: the old cookie replayed gets the sign-in page. Exits
non-zero, saying what was expected, at the first surprise.

usage: dashboard_browser.py --target HOST:PORT --http URL --stubs DIR --profile DIR --downloads DIR
                            --artifacts DIR --key ADMIN_KEY
"""
import argparse
import base64
import csv
import datetime
import io
import os
import sys
import time
import urllib.error
import urllib.request
import zoneinfo

from selenium.webdriver.common.by import By
from selenium.common.exceptions import StaleElementReferenceException, WebDriverException
from selenium.webdriver.support.ui import Select, WebDriverWait

from browser_support import open_message_windows_all_day, phone_viewport, start_chromium

# The server's --report-time-zone: the days figures are counted in.
REPORT_ZONE = zoneinfo.ZoneInfo("Asia/Shanghai")
QUESTIONNAIRE = "post-delivery"
COOKIE = "satisfaction-dashboard"

# The customers, and the scores each gives (None: no answer). Two are loyal
# (the repeat-customer rule plans theirs), one skips the optional item, two
# score low and comment, and one never answers.
CUSTOMERS = (
    # external id, name, phone, language, loyal, serving agent
    ("d-1", "陈静", "+8613600136001", "zh-CN", False, "agent-li"),
    ("d-2", "Alex Morgan", "+8613600136002", "en", False, "agent-li"),
    ("d-3", "王芳", "+8613600136003", "zh-CN", False, "agent-wang"),
    ("d-4", "李强", "+8613600136004", "zh-CN", False, ""),
    ("d-5", "赵敏", "+8613600136005", "zh-CN", True, "agent-wang"),
    ("d-6", "Sam Lee", "+8613600136006", "en", True, ""),
    ("d-7", "周杰", "+8613600136007", "zh-CN", False, ""),
)
SCORES = {
    "d-1": {"product_quality": 5, "price": 4, "delivery": 5, "service_attitude": 5, "recommend": 5, "overall": 5},
    "d-2": {"product_quality": 4, "price": 4, "delivery": 3, "recommend": 4, "overall": 4},
    "d-3": {"product_quality": 2, "price": 3, "delivery": 1, "service_attitude": 2, "recommend": 1, "overall": 1},
    "d-4": {"product_quality": 5, "price": 5, "delivery": 4, "service_attitude": 4, "recommend": 5, "overall": 5},
    "d-5": {"product_quality": 4, "price": 3, "delivery": 4, "service_attitude": 5, "recommend": 4, "overall": 4},
    "d-6": {"product_quality": 1, "price": 2, "delivery": 2, "service_attitude": 3, "recommend": 2, "overall": 2},
    "d-7": None,
}
COMMENTS = {"d-3": "快递太慢，外箱也压坏了", "d-6": "Wrong size, and nobody called me back"}

# Phones' narrowest viewport, a phone's, and a desktop's: the screenshots' widths.
NARROWEST, PHONE, DESKTOP = 320, 360, 1280

# The page's status and Server-Timing, as the browser received them.
NAVIGATION = """
const entry = performance.getEntriesByType("navigation")[0];
return {status: entry.responseStatus,
        timing: entry.serverTiming.map(t => ({name: t.name, duration: t.duration}))};
"""

# The headline cards in their order, each with its data-figure.
CARDS = """
const cards = [];
for (const card of document.querySelectorAll("div.card")) {
  const value = card.querySelector("p.value");
  const base = card.querySelector("span.base"), change = card.querySelector("span.change");
  const significant = card.querySelector("[data-significant]");
  cards.push({
    figure: card.dataset.figure, name: card.querySelector("h3").textContent.trim(),
    value: value.dataset.value, shown: value.textContent.trim(),
    base: base ? base.textContent.trim() : null, change: change ? change.dataset.change : null,
    significant: significant ? significant.dataset.significant : null});
}
return cards;
"""

# A table's body rows as their cells' text (hidden tables too: textContent).
TABLE = """
return Array.from(document.querySelectorAll(arguments[0] + " tbody tr"))
  .map(row => Array.from(row.children).map(cell => cell.textContent.trim()));
"""

# A chart's marks: [data-label, data-value].
MARKS = """
return Array.from(document.querySelectorAll(arguments[0]))
  .map(mark => [mark.getAttribute("data-label"), mark.getAttribute("data-value")]);
"""

# What sticks out sideways: the document against the viewport, and any box
# past either edge (but those inside the low scores' own scrolling box, and
# inside the visually hidden tables, which themselves should be 1 px wide);
# and the smallest text the charts draw, in CSS pixels, once scaled to the
# screen.
MEASURE_OVERFLOW = """
const viewport = window.innerWidth;
const name = e => e.tagName.toLowerCase() + (e.id ? "#" + e.id : "") +
                  (e.getAttribute("class") ? "." + e.getAttribute("class").split(" ").join(".") : "");
const outside = Array.from(document.querySelectorAll("body *")).filter(e => {
  if (e.parentElement && e.parentElement.closest(".sr-only, .scroll")) return false;
  const r = e.getBoundingClientRect();
  return r.width > 0 && (r.left < -0.5 || r.right > viewport + 0.5);
}).map(e => name(e) + " " + Math.round(e.getBoundingClientRect().left) + ".." +
            Math.round(e.getBoundingClientRect().right));
let smallest = Infinity;
for (const svg of document.querySelectorAll("svg.chart")) {
  const scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
  for (const text of svg.querySelectorAll("text")) {
    smallest = Math.min(smallest, parseFloat(getComputedStyle(text).fontSize) * scale);
  }
}
return {viewport: viewport, documentWidth: document.documentElement.scrollWidth, outside: outside.slice(0, 12),
        smallestChartText: smallest};
"""

# In print: what still shows of the navigation, the forms and the download link.
PRINTED = """
const shown = e => getComputedStyle(e).display !== "none";
const drawn = selector => Array.from(document.querySelectorAll(selector))
  .filter(e => e.getBoundingClientRect().width > 0).length;
return {shown: Array.from(document.querySelectorAll("nav, form, .no-print, #csv, #sign-out, #apply"))
                    .filter(e => shown(e) && e.getClientRects().length > 0)
                    .map(e => e.tagName.toLowerCase() + (e.id ? "#" + e.id : "")),
        charts: drawn("svg.chart"), cards: drawn("div.card")};
"""

# An inline script the page would run if its CSP let it.
INJECT_SCRIPT = """
window.injectedScriptRan = false;
const script = document.createElement("script");
script.textContent = "window.injectedScriptRan = true;";
document.body.appendChild(script);
return [window.injectedScriptRan, document.querySelectorAll("script").length - 1];
"""


def fail(what):
    sys.exit(f"dashboard_browser: expected {what}")


def check(condition, what):
    if not condition:
        fail(what)


def say(what):
    print(f"dashboard_browser: {what}", flush=True)


def report_today():
    return datetime.datetime.now(REPORT_ZONE).date()


def expected_figures(responses, weights):
    """{index, csat, mean, responses} of `responses` (each {item: score}) as the page shows them:
    the index is Σ wᵢ·100·(x̄ᵢ−1)/4 / Σ wᵢ over the items answered, CSAT the share of 4s and 5s
    among the scored answers, the mean theirs."""
    scores = [score for answers in responses for score in answers.values()]
    numerator = denominator = 0.0
    for item, weight in weights.items():
        answered = [answers[item] for answers in responses if item in answers]
        if answered:
            numerator += weight * 100 * (sum(answered) / len(answered) - 1) / 4
            denominator += weight
    index = numerator / denominator
    csat, mean = 100 * sum(s >= 4 for s in scores) / len(scores), sum(scores) / len(scores)
    # Shown rounded: the scores are chosen so that no figure sits on a rounding edge.
    for value, digits in ((index, 1), (csat, 1), (mean, 2)):
        check(abs(value * 10**digits % 1 - 0.5) > 1e-6, f"test scores whose figures do not round on an edge: {value}")
    return {"index": f"{index:.1f}", "csat": f"{csat:.1f}", "mean": f"{mean:.2f}", "responses": str(len(responses))}


def left_behind(element):
    """Whether `element` is no longer in the browser's document. Chromium's
    driver says so as a stale element, or, while the next page replaces it,
    as a node that no longer belongs to the document."""
    try:
        element.is_enabled()
        return False
    except StaleElementReferenceException:
        return True
    except WebDriverException as error:
        if "does not belong to the document" in str(error):
            return True
        raise


class Dashboard:
    """The browser on the dashboard, and what the test knows of the server."""

    def __init__(self, browser, http, artifacts):
        self.browser = browser
        self.http = http
        self.artifacts = artifacts

    def find(self, css):
        return self.browser.find_element(By.CSS_SELECTOR, css)

    def find_all(self, css):
        return self.browser.find_elements(By.CSS_SELECTOR, css)

    def has(self, css):
        return bool(self.find_all(css))

    def open(self, path):
        self.browser.get(self.http + path)

    def click_and_wait(self, css):
        """Clicks what `css` names and waits for the next page."""
        page = self.find("html")
        self.find(css).click()
        WebDriverWait(self.browser, 15).until(lambda browser: left_behind(page))
        WebDriverWait(self.browser, 15).until(
            lambda browser: browser.execute_script("return document.readyState") == "complete")

    def navigation(self):
        return self.browser.execute_script(NAVIGATION)

    def status(self):
        return self.navigation()["status"]

    def language(self):
        return self.find("html").get_attribute("lang")

    def notice(self):
        notices = self.find_all("p#notice")
        return notices[0].text if notices else None

    def cookie(self):
        return self.browser.get_cookie(COOKIE)

    def cards(self):
        """The headline cards by their data-figure, in the page's order."""
        return {card["figure"]: card for card in self.browser.execute_script(CARDS)}

    def table(self, css):
        return self.browser.execute_script(TABLE, css)

    def marks(self, css):
        return self.browser.execute_script(MARKS, css)

    def page_range(self):
        element = self.find("p#range")
        return element.get_attribute("data-from"), element.get_attribute("data-to")

    def check_fits(self, width, what):
        """Nothing wider than a phone `width` pixels wide: first on a desktop window that
        wide, which shows what sticks out, then on the phone, which would zoom out to fit."""
        self.browser.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                                     {"width": width, "height": 800, "deviceScaleFactor": 1, "mobile": False})
        measured = self.browser.execute_script(MEASURE_OVERFLOW)
        where = f"{what} in a window {width} px wide: {measured}"
        check(measured["documentWidth"] <= measured["viewport"] and not measured["outside"],
              f"nothing past the window's edges, {where}")
        phone_viewport(self.browser, width)
        measured = self.browser.execute_script(MEASURE_OVERFLOW)
        where = f"{what} on a phone {width} px wide: {measured}"
        check(measured["viewport"] == width, f"a viewport {width} px wide (not zoomed out to fit), {where}")
        check(measured["documentWidth"] <= measured["viewport"], f"no horizontal scrolling, {where}")
        check(not measured["outside"], f"nothing past the screen's edges, {where}")
        charts = ""
        if measured["smallestChartText"] is not None and measured["smallestChartText"] != float("inf"):
            charts = f", the charts' smallest text {measured['smallestChartText']:.1f} px"
        say(f"{what} fits {width} px: {measured['documentWidth']} px wide{charts}")
        return measured

    def screenshot(self, width, name):
        """The whole page `width` CSS pixels wide, as a phone below 600 pixels, into the artifacts."""
        mobile = width < 600
        self.browser.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                                     {"width": width, "height": 900, "deviceScaleFactor": 2 if mobile else 1,
                                      "mobile": mobile})
        height = self.browser.execute_script("return document.documentElement.scrollHeight")
        shot = self.browser.execute_cdp_cmd("Page.captureScreenshot", {
            "format": "png", "captureBeyondViewport": True,
            "clip": {"x": 0, "y": 0, "width": width, "height": height, "scale": 1}})
        path = os.path.join(self.artifacts, name)
        with open(path, "wb") as file:
            file.write(base64.b64decode(shot["data"]))
        say(f"screenshot {width} px wide ({height} px tall): {path}")
        self.browser.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})


def seed(args):
    """The keys, the customers and their answers; returns (analyst key, operator key, weights, phones, day)."""
    sys.path.insert(0, args.stubs)
    from bearer_key import channel_with_key

    import grpc
    from google.protobuf import duration_pb2, timestamp_pb2
    from satisfaction.v1 import access_pb2, access_pb2_grpc
    from satisfaction.v1 import common_pb2
    from satisfaction.v1 import customer_pb2, customer_pb2_grpc
    from satisfaction.v1 import message_pb2, message_pb2_grpc
    from satisfaction.v1 import questionnaire_pb2, questionnaire_pb2_grpc
    from satisfaction.v1 import response_pb2, response_pb2_grpc
    from satisfaction.v1 import revisit_pb2, revisit_pb2_grpc
    from satisfaction.v1 import revisit_policy_pb2

    plain = grpc.insecure_channel(args.target)
    grpc.channel_ready_future(plain).result(timeout=10)
    channel = channel_with_key(plain, args.key)
    access = access_pb2_grpc.AccessServiceStub(channel)
    keys = {}
    for name, role in (("dashboard analyst", access_pb2.ROLE_ANALYST),
                       ("dashboard operator", access_pb2.ROLE_OPERATOR)):
        keys[role] = access.CreateApiKey(access_pb2.CreateApiKeyRequest(
            api_key=access_pb2.ApiKey(display_name=name, role=role)), timeout=10).key

    questionnaire = questionnaire_pb2_grpc.QuestionnaireServiceStub(channel).GetQuestionnaire(
        questionnaire_pb2.GetQuestionnaireRequest(id=QUESTIONNAIRE), timeout=10)
    weights = {item.code: item.weight for item in questionnaire.items
               if item.kind == questionnaire_pb2.ITEM_KIND_SCALE}
    check(set(weights) >= {code for answers in SCORES.values() if answers for code in answers},
          f"the test's items among the questionnaire's 5-point items {sorted(weights)}")

    open_message_windows_all_day(channel)
    delivered = timestamp_pb2.Timestamp()
    delivered.FromSeconds(int(time.time()) - 4 * 86400)
    customers = customer_pb2_grpc.CustomerServiceStub(channel)
    events = revisit_pb2_grpc.RevisitServiceStub(channel)
    for external_id, name, phone, language, loyal, agent in CUSTOMERS:
        customers.UpsertCustomer(customer_pb2.UpsertCustomerRequest(customer=customer_pb2.Customer(
            external_id=external_id, name=name, phone=phone, language=language, serving_agent_id=agent,
            type_override=common_pb2.CUSTOMER_TYPE_LOYAL if loyal else common_pb2.CUSTOMER_TYPE_UNSPECIFIED,
            consent=customer_pb2.ChannelFlags(sms=True, phone=True))), timeout=10)
        events.RecordEvent(revisit_pb2.RecordEventRequest(event=revisit_pb2.Event(
            event_id=f"{external_id}-delivered", customer_external_id=external_id,
            trigger=revisit_policy_pb2.TRIGGER_ORDER_DELIVERED, order_id=f"TB-{external_id}",
            occur_time=delivered)), timeout=10)

    # The gateway sends them all, then the customers answer by their links.
    messages = message_pb2_grpc.MessageServiceStub(channel)
    outbox = messages.FetchOutbox(message_pb2.FetchOutboxRequest(
        channel=common_pb2.CHANNEL_SMS, max_count=len(CUSTOMERS) + 1,
        lease_duration=duration_pb2.Duration(seconds=60)), timeout=10)
    check(sorted(message.customer_external_id for message in outbox.messages) == [c[0] for c in CUSTOMERS],
          f"a post-delivery SMS for each customer in the outbox, not for "
          f"{sorted(m.customer_external_id for m in outbox.messages)}")
    check(all(message.questionnaire_id == QUESTIONNAIRE for message in outbox.messages),
          f"every SMS to be the {QUESTIONNAIRE} survey")
    day = report_today()
    responses = response_pb2_grpc.ResponseServiceStub(channel)
    for message in sorted(outbox.messages, key=lambda message: message.customer_external_id):
        messages.ReportDelivery(message_pb2.ReportDeliveryRequest(
            message_id=message.id, lease_token=message.lease_token,
            outcome=message_pb2.DELIVERY_OUTCOME_DELIVERED), timeout=10)
        scores = SCORES[message.customer_external_id]
        if scores is None:
            continue
        answers = [response_pb2.Answer(item_code=code, score=score) for code, score in scores.items()]
        if message.customer_external_id in COMMENTS:
            answers.append(response_pb2.Answer(item_code="comment", text=COMMENTS[message.customer_external_id]))
        token = message.survey_url.rstrip("/").rsplit("/", 1)[-1]
        responses.SubmitResponse(response_pb2.SubmitResponseRequest(invitation_token=token, answers=answers),
                                 timeout=10)
    check(report_today() == day, f"the answers given on one day in {REPORT_ZONE.key} (run again after midnight)")
    plain.close()
    phones = {c[0]: c[2] for c in CUSTOMERS}
    return keys[access_pb2.ROLE_ANALYST], keys[access_pb2.ROLE_OPERATOR], weights, phones, day


def plain_get(url, cookie=None):
    """The status and headers of a GET by urllib, not the browser."""
    request = urllib.request.Request(url, headers={"Cookie": f"{COOKIE}={cookie}"} if cookie else {})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.headers
    except urllib.error.HTTPError as error:
        return error.code, error.headers


def check_no_scripts(url, cookie):
    """The CSP header forbids scripts: default-src 'none' and no script-src to loosen it."""
    status, headers = plain_get(url, cookie)
    policy = headers.get("Content-Security-Policy", "")
    directives = {part.split()[0]: part.split()[1:] for part in policy.split(";") if part.strip()}
    check(status == 200 and directives.get("default-src") == ["'none'"] and "script-src" not in directives
          and "script-src-elem" not in directives,
          f"{url} answered 200 with a CSP forbidding scripts, not {status} with {policy!r}")
    return policy


def sign_in(page, key):
    field = page.find("input#key")
    check(field.get_attribute("type") == "password", "the key typed into a password field")
    field.clear()
    field.send_keys(key)
    page.click_and_wait("button#sign-in")


def check_figures(page, expected, what):
    """The headline cards carry `expected`'s figures."""
    cards = page.cards()
    check(list(cards) == ["index", "csat", "mean", "responses", "response_rate", "recovery_rate"],
          f"the six headline cards, {what}, not {list(cards)}")
    for key in ("index", "csat", "mean", "responses"):
        check(cards[key]["value"] == expected[key],
              f"the {key} card {expected[key]}, {what}, not {cards[key]}")
    unit = {"csat": "%"}
    for key in ("index", "csat", "mean", "responses"):
        check(cards[key]["shown"] == expected[key] + unit.get(key, ""),
              f"the {key} card to show {expected[key]}{unit.get(key, '')}, {what}, not {cards[key]['shown']!r}")
    return cards


def row_of(rows, label):
    found = [row for row in rows if row[0] == label]
    check(len(found) == 1, f"one row {label!r} in {rows}")
    return found[0]


def check_row(row, expected, what):
    """A breakdown table's row: label, responses (and maybe "too few"), index, interval, CSAT, mean."""
    check(row[1].split()[0] == expected["responses"] and row[2] == expected["index"]
          and row[4] == expected["csat"] + "%" and row[5] == expected["mean"],
          f"{what}: {expected['responses']} responses, index {expected['index']}, CSAT {expected['csat']}%, "
          f"mean {expected['mean']}, not {row}")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--target", required=True, help="the server's gRPC address")
    parser.add_argument("--http", required=True, help="the server's HTTP face, http://HOST:PORT")
    parser.add_argument("--stubs", required=True, help="where protoc wrote the *_pb2*.py files")
    parser.add_argument("--profile", required=True, help="a folder for the browser's profile")
    parser.add_argument("--downloads", required=True, help="a folder for the browser's downloads")
    parser.add_argument("--artifacts", required=True, help="where the screenshots go")
    parser.add_argument("--key", required=True, help="an admin API key")
    args = parser.parse_args()
    started = time.monotonic()

    analyst_key, operator_key, weights, phones, day = seed(args)
    answered = {customer: scores for customer, scores in SCORES.items() if scores}
    everyone = expected_figures(list(answered.values()), weights)
    new = expected_figures([answered[c[0]] for c in CUSTOMERS if c[0] in answered and not c[4]], weights)
    loyal = expected_figures([answered[c[0]] for c in CUSTOMERS if c[0] in answered and c[4]], weights)
    agent_wang = expected_figures([answered[c[0]] for c in CUSTOMERS if c[5] == "agent-wang"], weights)
    quality = 100 * (sum(a["product_quality"] for a in answered.values()) / len(answered) - 1) / 4
    planned, responded = len(CUSTOMERS), len(answered)
    response_rate = f"{100 * responded / planned:.1f}"
    low = {c for c, scores in answered.items() if min(scores.values()) <= 2}
    say(f"seeded {planned} surveys, {responded} answered on {day}: index {everyone['index']}, CSAT "
        f"{everyone['csat']}%, mean {everyone['mean']}; new {new['index']}, loyal {loyal['index']} "
        f"({time.monotonic() - started:.1f} s)")

    os.makedirs(args.downloads, exist_ok=True)
    browser = start_chromium(args.profile, "zh-CN", "zh-CN,zh,en", f"{DESKTOP},900")
    page = Dashboard(browser, args.http, args.artifacts)
    questionnaire_path = f"/dashboard/questionnaires/{QUESTIONNAIRE}"
    try:
        # Not signed in: the sign-in form, in the browser's language, with no script.
        page.open("/dashboard")
        check(page.language() == "zh-CN", f"the sign-in page in the browser's zh-CN, not {page.language()}")
        check(page.has("input#key") and page.has("button#sign-in"), "the sign-in form at /dashboard")
        policy = check_no_scripts(args.http + "/dashboard", None)
        page.check_fits(NARROWEST, "the sign-in page")
        browser.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
        page.open(questionnaire_path)
        check(page.status() == 401 and page.has("input#key") and page.notice() == "请登录。",
              f"a questionnaire's page, signed out, to be the sign-in page (401, 请登录), not "
              f"{page.status()} {page.notice()!r}")

        # A wrong key and an operator's are refused, with a notice and no session.
        sign_in(page, "sat_" + "x" * 43)
        check(page.status() == 401 and page.notice() == "密钥不正确或已被吊销。",
              f"a wrong key refused: 401 and its notice, not {page.status()} {page.notice()!r}")
        sign_in(page, operator_key)
        check(page.status() == 403 and "无权查看看板" in (page.notice() or "") and page.cookie() is None,
              f"an operator key refused: 403, its notice and no cookie, not {page.status()} {page.notice()!r} "
              f"{page.cookie()}")
        say("a wrong key is refused (401), an operator key too (403)")

        # The analyst's key: a session cookie the page's scripts could not read, and the questionnaires.
        sign_in(page, analyst_key)
        check(page.status() == 200 and browser.current_url == f"{args.http}/dashboard?lang=zh-CN",
              f"the analyst signed in to /dashboard?lang=zh-CN, not {page.status()} {browser.current_url}")
        session = page.cookie()
        check(session is not None and session.get("httpOnly") and session.get("sameSite") == "Strict",
              f"an HttpOnly, SameSite=Strict session cookie, not {session}")
        listed = [a.get_attribute("data-id") for a in page.find_all("ul#questionnaires a[data-id]")]
        check(QUESTIONNAIRE in listed, f"{QUESTIONNAIRE} among the questionnaires listed, {listed}")
        say(f"the analyst signed in; questionnaires listed: {', '.join(listed)}")

        # The questionnaire's page, by default the last 28 days to today.
        before = report_today()
        page.click_and_wait(f"ul#questionnaires a[data-id='{QUESTIONNAIRE}']")
        navigation = page.navigation()
        check(navigation["status"] == 200, f"the questionnaire's page, not {navigation['status']}")
        parts = [t["name"] for t in navigation["timing"]]
        check(parts[:1] == ["render"] and {"headline", "funnel", "low_scores"} <= set(parts),
              f"a Server-Timing render duration and its parts, not {navigation['timing']}")
        check(page.find("h1#title").text == "收货满意度回访", f"the title 收货满意度回访, not {page.find('h1#title').text}")
        # Today is the server's, in its zone (the page may have crossed midnight after the answers).
        today = datetime.date.fromisoformat(page.page_range()[1])
        check(today in (before, report_today()) and today - day <= datetime.timedelta(days=1),
              f"the range to end today in {REPORT_ZONE.key}, {before}, not {today}")
        check(page.page_range()[0] == str(today - datetime.timedelta(days=27)),
              f"the last 28 days to {today} by default, not {page.page_range()}")
        check(page.find("#days-28").get_attribute("aria-current") == "page", "the 28-day link marked current")
        policy = check_no_scripts(browser.current_url, session["value"])
        ran, scripts = browser.execute_script(INJECT_SCRIPT)
        check(not ran and scripts == 0, f"no script in the page, and an injected one blocked (ran: {ran}, {scripts})")
        say(f"the page runs no script: {policy}; rendered in {navigation['timing'][0]['duration']} ms")

        cards = check_figures(page, everyone, "over the default range")
        check(cards["response_rate"]["value"] == response_rate,
              f"a response rate of {response_rate}% ({responded} of {planned}), not {cards['response_rate']}")
        # The previous 28 days had nothing: no change to show, nothing tested.
        check(cards["responses"]["base"] == "0" and cards["index"]["base"] == "–" and cards["index"]["change"] is None
              and cards["csat"]["significant"] is None,
              f"the previous 28 days shown empty, without change, not {cards['responses']} {cards['index']}")

        trend = page.marks("svg#trend circle.point")
        check(trend == [[str(day), everyone["index"]]], f"one trend point, {day} at {everyone['index']}, not {trend}")
        trend_rows = page.table("#trend-table")
        check(len(trend_rows) == 28, f"a trend row for each of the 28 days, not {len(trend_rows)}")
        check_row(row_of(trend_rows, str(day)), everyone, f"the trend table's {day}")

        bars = dict(page.marks("svg#by-customer-type rect.bar"))
        check(bars == {"新客户": new["index"], "忠诚客户": loyal["index"]},
              f"bars for new ({new['index']}) and loyal ({loyal['index']}) customers, not {bars}")
        types = page.table("#by-customer-type-table")
        check_row(row_of(types, "新客户"), new, "the new customers' row")
        check_row(row_of(types, "忠诚客户"), loyal, "the loyal customers' row")
        check(dict(page.marks("svg#by-channel rect.bar")) == {"短信": everyone["index"]},
              f"one SMS bar at {everyone['index']}, not {page.marks('svg#by-channel rect.bar')}")
        check_row(row_of(page.table("#by-channel-table"), "短信"), everyone, "the SMS row")
        agents = page.table("#by-agent-table")
        check(sorted(row[0] for row in agents) == sorted(["agent-li", "agent-wang", "(无坐席)"]),
              f"rows for agent-li, agent-wang and no agent, not {agents}")
        check_row(row_of(agents, "agent-wang"), agent_wang, "agent-wang's row")
        dimensions = dict(page.marks("svg#by-dimension rect.bar"))
        check(dimensions.get("商品质量") == f"{quality:.1f}" and len(dimensions) == len(weights),
              f"a bar per dimension, product quality at {quality:.1f}, not {dimensions}")
        funnel = dict(page.marks("svg#funnel rect.bar"))
        check(funnel == {"计划": str(planned), "已联系": str(planned), "已回复": str(responded)},
              f"a funnel of {planned} planned, {planned} reached and {responded} answered, not {funnel}")
        check([row[:2] for row in page.table("#funnel-table")] ==
              [["计划", str(planned)], ["已联系", str(planned)], ["已回复", str(responded)]],
              f"the funnel's table as its chart, not {page.table('#funnel-table')}")

        # Newest first: the customer's id, and under it the phone masked.
        lows = page.table("table#low-scores")
        customers = [next((c for c in answered if row[1].startswith(c)), row[1]) for row in lows]
        check(customers == [c for c in reversed(answered) if c in low],
              f"the low scores of {sorted(low)}, newest first, not {lows}")
        for customer, row in zip(customers, lows):
            phone = phones[customer]
            check(phone not in row[1] and phone[-4:] in row[1] and "*" in row[1],
                  f"{customer}'s phone masked, ending {phone[-4:]}, not {row[1]!r}")
            check(row[5] == str(min(answered[customer].values())) and row[6] == COMMENTS[customer]
                  and row[7] == "待回访",
                  f"{customer}'s lowest score {min(answered[customer].values())}, comment and recovery call "
                  f"planned (待回访), not {row}")
        # Each low score opened a recovery call, none made yet: no recovery rate.
        recovery = page.find("p#recovery").text
        check(f"开启 {len(low)}，联系上 0，进行中 {len(low)}" in recovery and cards["recovery_rate"]["value"] == "",
              f"{len(low)} recovery calls opened and still open, no rate yet, not {recovery!r} "
              f"{cards['recovery_rate']}")
        say(f"the figures are those seeded: cards, trend, {len(types)} customer types, {len(agents)} agents, "
            f"{len(dimensions)} dimensions, the funnel and {len(lows)} low scores")

        # On screens: nothing wider than a phone's, kept as screenshots.
        for width in (NARROWEST, PHONE):
            page.check_fits(width, "the questionnaire's page")
        page.screenshot(PHONE, "dashboard-360.png")
        page.screenshot(DESKTOP, "dashboard-1280.png")

        # On paper: the figures without navigation, forms or the download link.
        browser.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "print"})
        printed = browser.execute_script(PRINTED)
        browser.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": ""})
        check(not printed["shown"] and printed["cards"] == 6 and printed["charts"] >= 5,
              f"print to hide the navigation and forms and keep the cards and charts, not {printed}")
        say("printed: no navigation or forms, the cards and charts kept")

        # The last 7 days by link: the same answers, a shorter range.
        page.click_and_wait("#days-7")
        check(page.page_range() == (str(today - datetime.timedelta(days=6)), str(today)),
              f"the last 7 days, not {page.page_range()}")
        check(page.find("#days-7").get_attribute("aria-current") == "page", "the 7-day link marked current")
        check_figures(page, everyone, "over the last 7 days")
        check(len(page.table("#trend-table")) == 7, "a trend row for each of 7 days")

        # A range of the form's with no answers: nothing but dashes, no comparison.
        def apply_range(first, last, compare, by):
            for name, value in (("from", first), ("to", last)):
                browser.execute_script("arguments[0].value = arguments[1];",
                                       page.find(f"#range-form input[name='{name}']"), str(value))
            Select(page.find("#range-form select[name='compare']")).select_by_value(compare)
            Select(page.find("#range-form select[name='by']")).select_by_value(by)
            page.click_and_wait("button#apply")

        empty_from, empty_to = today - datetime.timedelta(days=60), today - datetime.timedelta(days=31)
        apply_range(empty_from, empty_to, "none", "week")
        check(page.page_range() == (str(empty_from), str(empty_to)), f"the range asked, not {page.page_range()}")
        cards = page.cards()
        check(cards["responses"]["value"] == "0" and cards["index"]["value"] == "" and cards["index"]["shown"] == "–"
              and cards["index"]["base"] is None,
              f"an empty range: 0 responses, no index, no comparison, not {cards['responses']} {cards['index']}")
        check(not page.table("table#low-scores") and not page.marks("svg#trend circle.point"),
              "no low scores and no trend point in an empty range")
        check("compare=none" in browser.current_url and "by=week" in browser.current_url,
              f"the form's choices in the address, not {browser.current_url}")

        # The last 28 days by the form, by week: the answers' week at their index.
        apply_range(today - datetime.timedelta(days=27), today, "previous", "week")
        check_figures(page, everyone, "over the form's 28 days")
        trend = page.marks("svg#trend circle.point")
        check(len(trend) == 1 and trend[0][1] == everyone["index"]
              and day - datetime.timedelta(days=6) <= datetime.date.fromisoformat(trend[0][0]) <= day,
              f"one weekly point, the week of {day}, at {everyone['index']}, not {trend}")
        say(f"ranges switched by link and form; weekly trend {trend}")

        # In English: the same range and figures, English words.
        shown_range = page.page_range()
        page.click_and_wait("a#language")
        check(page.language() == "en" and page.page_range() == shown_range,
              f"the page in English over the same range, not {page.language()} {page.page_range()}")
        cards = check_figures(page, everyone, "in English")
        check(cards["index"]["name"] == "Satisfaction index", f"the index card named in English, not {cards['index']}")
        check(dict(page.marks("svg#by-customer-type rect.bar")) == {"New": new["index"], "Loyal": loyal["index"]},
              f"English customer types, not {page.marks('svg#by-customer-type rect.bar')}")
        check("by=week" in browser.current_url, f"the weekly trend kept, not {browser.current_url}")
        say("switched to English")

        # The range's CSV, downloaded: a byte-order mark, the header and a line per response.
        browser.execute_cdp_cmd("Browser.setDownloadBehavior",
                                {"behavior": "allow", "downloadPath": args.downloads})
        href = page.find("a#csv").get_attribute("href")
        page.find("a#csv").click()
        deadline = time.monotonic() + 15
        while True:
            done = [name for name in os.listdir(args.downloads) if name.endswith(".csv")]
            if done or time.monotonic() > deadline:
                break
            time.sleep(0.1)
        check(len(done) == 1, f"one CSV downloaded from {href}, not {os.listdir(args.downloads)}")
        with open(os.path.join(args.downloads, done[0]), "rb") as file:
            content = file.read()
        check(content.startswith(b"\xef\xbb\xbf"), f"the CSV to start with a byte-order mark, not {content[:8]!r}")
        rows = list(csv.reader(io.StringIO(content[3:].decode("utf-8"), newline="")))
        lines = content[3:].decode("utf-8").splitlines()
        check(rows and rows[0][:4] == ["id", "submit_time", "day", "questionnaire_id"]
              and set(weights) | {"comment"} <= set(rows[0]),
              f"the CSV's header with a column per item, not {rows[:1]}")
        check(len(lines) == 1 + responded and len(rows) == 1 + responded,
              f"a CSV line per response: {1 + responded} lines, not {len(lines)}")
        customer_column = rows[0].index("customer_external_id")
        check(sorted(row[customer_column] for row in rows[1:]) == sorted(answered),
              f"the CSV's responses those of {sorted(answered)}, not {[row[customer_column] for row in rows[1:]]}")
        check(not any(phone in content.decode("utf-8") for phone in phones.values()), "no phone in the CSV")
        say(f"downloaded {done[0]}: {len(lines)} lines, BOM and header")

        # A bad query is refused with a notice.
        page.open(f"{questionnaire_path}?from=2024-02-30&lang=en")
        notice = page.find_all("p#notice[data-status]")
        check(page.status() == 400 and notice and notice[0].get_attribute("data-status") == "400"
              and "from" in notice[0].text,
              f"a day that does not exist refused: 400 naming from, not {page.status()} {page.notice()!r}")
        page.open(f"{questionnaire_path}?compare=sideways&lang=en")
        check(page.status() == 400 and "compare" in (page.notice() or ""),
              f"an unknown comparison refused: 400 naming compare, not {page.status()} {page.notice()!r}")
        say("bad queries are refused (400)")

        # Signing out ends the session: the cookie goes, and brought back it is refused.
        page.open(f"{questionnaire_path}?lang=en")
        page.click_and_wait("button#sign-out")
        check(page.has("input#key") and page.notice() == "Please sign in." and page.cookie() is None,
              f"the sign-in page after signing out, and no cookie, not {page.notice()!r} {page.cookie()}")
        page.open(f"{questionnaire_path}?lang=en")
        check(page.status() == 401 and page.has("input#key"),
              f"the sign-in page (401) after signing out, not {page.status()}")
        browser.add_cookie({"name": COOKIE, "value": session["value"], "path": "/", "httpOnly": True,
                            "sameSite": "Strict"})
        page.open(f"{questionnaire_path}?lang=en")
        check(page.status() == 401 and page.has("input#key")
              and page.notice() == "Your session has ended. Sign in again.",
              f"the replayed cookie refused: 401, the session-ended notice, not {page.status()} {page.notice()!r}")
        check(page.cookie() is None, f"the refused cookie cleared, not {page.cookie()}")
        status, _ = plain_get(args.http + questionnaire_path, session["value"])
        check(status == 401, f"the old cookie refused outside the browser too, not {status}")
        say("signed out: the old cookie, replayed, gets the sign-in page (session ended)")
    finally:
        browser.quit()
    say(f"the dashboard showed the seeded figures in Chromium ({time.monotonic() - started:.1f} s)")


if __name__ == "__main__":
    main()
