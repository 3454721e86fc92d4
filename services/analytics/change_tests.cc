#include "services/analytics/change_tests.h"

#include <algorithm>
#include <boost/math/distributions/normal.hpp>
#include <boost/math/distributions/students_t.hpp>
#include <cmath>
#include <numeric>

namespace satisfaction::analytics {

namespace {

struct Moments {
  double n = 0, mean = 0, variance = 0;  // the sample variance
};

Moments MomentsOf(const ScoreCounts& counts) {
  Moments m;
  double sum = 0, squares = 0;
  for (int score = 1; score <= 5; ++score) {
    double k = static_cast<double>(counts.of_score[score - 1]);
    m.n += k;
    sum += k * score;
    squares += k * score * score;
  }
  if (m.n == 0) return m;
  m.mean = sum / m.n;
  if (m.n > 1) m.variance = std::max(0.0, (squares - m.n * m.mean * m.mean) / (m.n - 1));
  return m;
}

}  // namespace

std::optional<v1::ChangeTest> TwoProportionZTest(long long successes, long long trials, long long base_successes,
                                                 long long base_trials) {
  if (trials <= 0 || base_trials <= 0) return std::nullopt;
  double p1 = static_cast<double>(successes) / trials, p2 = static_cast<double>(base_successes) / base_trials;
  double pooled = static_cast<double>(successes + base_successes) / (trials + base_trials);
  double se = std::sqrt(pooled * (1 - pooled) * (1.0 / trials + 1.0 / base_trials));
  v1::ChangeTest test;
  test.set_change(100 * (p1 - p2));
  test.set_statistic(se > 0 ? (p1 - p2) / se : 0);
  test.set_p_value(
      se > 0 ? 2 * boost::math::cdf(boost::math::complement(boost::math::normal(), std::abs(test.statistic()))) : 1);
  return test;
}

std::optional<v1::ChangeTest> WelchTTest(const ScoreCounts& now, const ScoreCounts& base) {
  Moments a = MomentsOf(now), b = MomentsOf(base);
  if (a.n < 2 || b.n < 2) return std::nullopt;
  double va = a.variance / a.n, vb = b.variance / b.n;
  if (va + vb <= 0) return std::nullopt;
  double t = (a.mean - b.mean) / std::sqrt(va + vb);
  double df = (va + vb) * (va + vb) / (va * va / (a.n - 1) + vb * vb / (b.n - 1));
  v1::ChangeTest test;
  test.set_change(a.mean - b.mean);
  test.set_statistic(t);
  test.set_degrees_of_freedom(df);
  test.set_p_value(2 * boost::math::cdf(boost::math::complement(boost::math::students_t(df), std::abs(t))));
  return test;
}

std::vector<double> BenjaminiHochberg(const std::vector<double>& p_values) {
  size_t m = p_values.size();
  std::vector<size_t> order(m);
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(), [&](size_t i, size_t j) { return p_values[i] < p_values[j]; });
  std::vector<double> adjusted(m);
  double running = 1;
  // From the largest p down: each is m/rank times its p, and never more than
  // the next larger one's.
  for (size_t rank = m; rank >= 1; --rank) {
    size_t i = order[rank - 1];
    running = std::min(running, p_values[i] * static_cast<double>(m) / static_cast<double>(rank));
    adjusted[i] = running;
  }
  return adjusted;
}

}  // namespace satisfaction::analytics
