#include "tests/support/reference_values.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "gtest/gtest.h"
#include "tests/support/test_database.h"

namespace satisfaction::test_support {

namespace {

// The values `script` (in tests/reference/) prints for `cases`, one a line.
std::vector<double> RunReferenceScript(const std::string& script, const std::string& cases) {
  std::string command = absl::StrCat("/usr/bin/python3 '", RepoRoot(), "/tests/reference/", script, "' '", cases, "'");
  std::vector<double> values;
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) {
    ADD_FAILURE() << "cannot run " << command;
    return values;
  }
  std::string output;
  char buffer[256];
  while (fgets(buffer, sizeof buffer, pipe) != nullptr) output += buffer;
  EXPECT_EQ(pclose(pipe), 0) << command << "\n" << output;
  for (absl::string_view line : absl::StrSplit(output, '\n', absl::SkipEmpty())) {
    double value = 0;
    EXPECT_TRUE(absl::SimpleAtod(line, &value)) << line;
    values.push_back(value);
  }
  return values;
}

// {"1": [counts], ...}, or {"1": share, ...}.
template <typename Map, typename Format>
std::string JsonObject(const Map& by_type, Format format) {
  return absl::StrCat("{",
                      absl::StrJoin(by_type, ", ",
                                    [&](std::string* out, const auto& entry) {
                                      absl::StrAppend(out, "\"", entry.first, "\": ", format(entry.second));
                                    }),
                      "}");
}

}  // namespace

std::vector<double> ChangeTestReferences(const std::string& cases) {
  return RunReferenceScript("change_tests.py", cases);
}

std::vector<WeightedReference> WeightedFigureReferences(const std::vector<WeightingCase>& cases) {
  std::vector<std::string> json;
  for (const WeightingCase& c : cases) {
    std::vector<std::string> items;
    for (const auto& [weight, by_type] : c.items) {
      auto counts = [](const std::array<long long, 5>& of_score) {
        return absl::StrCat("[", absl::StrJoin(of_score, ", "), "]");
      };
      items.push_back(absl::StrCat(R"({"weight": )", absl::StrFormat("%.17g", weight), R"(, "answers": )",
                                   JsonObject(by_type, counts), "}"));
    }
    json.push_back(absl::StrCat(R"({"target": )",
                                JsonObject(c.target, [](double share) { return absl::StrFormat("%.17g", share); }),
                                R"(, "items": [)", absl::StrJoin(items, ", "), "]}"));
  }
  std::string asked = absl::StrCat("[", absl::StrJoin(json, ", "), "]");
  std::vector<double> values = RunReferenceScript("weighted_figures.py", asked);
  constexpr size_t kPerCase = 20;
  std::vector<WeightedReference> references;
  if (values.size() != kPerCase * cases.size()) {
    ADD_FAILURE() << values.size() << " values for " << cases.size() << " cases: " << asked;
    return references;
  }
  for (size_t at = 0; at < values.size(); at += kPerCase) {
    const double* v = &values[at];
    WeightedReference& r = references.emplace_back();
    r = {v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7], v[8], v[9], v[10], v[11], v[12], v[13], {}};
    for (int type = 0; type < 6; ++type) r.weight_of_type[type] = v[14 + type];
  }
  return references;
}

namespace {

void ExpectWithin(double actual, double expected, const std::string& what) {
  EXPECT_NEAR(actual, expected, 1e-9 * std::max(1.0, std::abs(expected))) << what;
}

}  // namespace

void ExpectAsReference(const v1::WeightedFigures& figures, const WeightedReference& reference,
                       const std::string& what) {
  ExpectWithin(figures.mean_score(), reference.mean_score, what + ": mean");
  ExpectWithin(figures.mean_score_interval().low(), reference.mean_score_low, what + ": mean low");
  ExpectWithin(figures.mean_score_interval().high(), reference.mean_score_high, what + ": mean high");
  ExpectWithin(figures.csat_percent(), reference.csat_percent, what + ": CSAT");
  ExpectWithin(figures.csat_interval().low(), reference.csat_low, what + ": CSAT low");
  ExpectWithin(figures.csat_interval().high(), reference.csat_high, what + ": CSAT high");
  ExpectWithin(figures.dissatisfied_percent(), reference.dissatisfied_percent, what + ": dissatisfied");
  ExpectWithin(figures.dissatisfied_interval().low(), reference.dissatisfied_low, what + ": dissatisfied low");
  ExpectWithin(figures.dissatisfied_interval().high(), reference.dissatisfied_high, what + ": dissatisfied high");
  ExpectWithin(figures.index(), reference.index, what + ": index");
  ExpectWithin(figures.index_interval().low(), reference.index_low, what + ": index low");
  ExpectWithin(figures.index_interval().high(), reference.index_high, what + ": index high");
  ExpectWithin(figures.effective_answers(), reference.effective_answers, what + ": n_eff");
  ExpectWithin(figures.uncovered_share(), reference.uncovered_share, what + ": uncovered share");
  for (const v1::StratumWeight& stratum : figures.strata()) {
    ExpectWithin(stratum.weight(), reference.weight_of_type[stratum.customer_type()],
                 absl::StrCat(what, ": weight of type ", stratum.customer_type()));
  }
}

}  // namespace satisfaction::test_support
