#ifndef SATISFACTION_TESTS_E2E_METRICS_SAMPLES_H_
#define SATISFACTION_TESTS_E2E_METRICS_SAMPLES_H_

#include <map>
#include <string>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_split.h"
#include "gtest/gtest.h"
#include "tests/support/http_client.h"

namespace satisfaction::test_support {

// Each sample of a scrape, by its name and labels as written
// (`name{label="value",...}`; prometheus-cpp writes labels sorted by name).
using Samples = std::map<std::string, double>;

inline Samples ParseSamples(const std::string& text) {
  Samples samples;
  for (absl::string_view line : absl::StrSplit(text, '\n', absl::SkipEmpty())) {
    if (absl::StartsWith(line, "#")) continue;
    size_t space = line.rfind(' ');
    double value = 0;
    if (space == absl::string_view::npos || !absl::SimpleAtod(line.substr(space + 1), &value)) continue;
    samples[std::string(line.substr(0, space))] = value;
  }
  return samples;
}

// What GET /metrics on `port` answers; fails the test and returns "" if not 200.
inline std::string ScrapeMetrics(int port) {
  absl::StatusOr<HttpReply> reply = HttpGet(port, "/metrics");
  EXPECT_TRUE(reply.ok()) << reply.status();
  if (!reply.ok()) return "";
  EXPECT_EQ(reply->status, 200);
  return reply->body;
}

// How much `sample` moved between two scrapes (a missing sample reads 0).
inline double Delta(const Samples& before, const Samples& after, const std::string& sample) {
  auto value = [&](const Samples& samples) {
    auto it = samples.find(sample);
    return it == samples.end() ? 0.0 : it->second;
  };
  return value(after) - value(before);
}

}  // namespace satisfaction::test_support

#endif  // SATISFACTION_TESTS_E2E_METRICS_SAMPLES_H_
