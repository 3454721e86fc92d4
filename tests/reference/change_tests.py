"""Reference values for services/analytics/change_tests, computed another way.

Reads its cases from the command line as JSON and prints one value a line:
  {"proportions": [[successes, trials, base_successes, base_trials], ...],
   "means": [[[count of 1s .. 5s], [base counts]], ...],
   "p_values": [...]}
For each proportion: z squared and p, from SciPy's chi-square test of the 2x2
table (without continuity correction, it equals the pooled z-test's z squared).
For each mean: t, degrees of freedom and p, from SciPy's Welch test over the
answers themselves. Then the Benjamini-Hochberg adjusted p-values, from the
definition: the least m/k * p(k) over the ranks k at or past a p's.
"""
import json
import sys

import numpy as np
from scipy import stats


def answers(counts):
    return np.repeat(np.arange(1, 6), counts)


def main():
    cases = json.loads(sys.argv[1])
    for successes, trials, base_successes, base_trials in cases["proportions"]:
        table = [[successes, trials - successes], [base_successes, base_trials - base_successes]]
        chi2, p, _, _ = stats.chi2_contingency(table, correction=False)
        print(repr(float(chi2)))
        print(repr(float(p)))
    for now, base in cases["means"]:
        x, y = answers(now), answers(base)
        t, p = stats.ttest_ind(x, y, equal_var=False)
        vx, vy = x.var(ddof=1) / len(x), y.var(ddof=1) / len(y)
        df = (vx + vy) ** 2 / (vx ** 2 / (len(x) - 1) + vy ** 2 / (len(y) - 1))
        print(repr(float(t)))
        print(repr(float(df)))
        print(repr(float(p)))
    p_values = cases["p_values"]
    m = len(p_values)
    ranked = sorted(p_values)
    for p in p_values:
        print(repr(min(1.0, min(ranked[k] * m / (k + 1) for k in range(m) if ranked[k] >= p))))


main()
