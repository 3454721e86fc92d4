"""Reference values for services/analytics/weighted_figures, computed another way.

Reads its cases from the command line as JSON:
  [{"target": {"<customer type>": share, ...},
    "items": [{"weight": w, "answers": {"<customer type>": [count of 1s .. 5s]}}, ...]},
   ...]
and for each case prints one value a line, in this order: the weighted mean
with its interval's low and high, CSAT (%) with its, the dissatisfied share
(%) with its, the index with its, Kish's effective sample size, the uncovered
share, then the weight of an answer of each customer type 0 to 5.

The answers are spelled out one by one, each weighted by its type's target
share (renormalized over the types in the target that answered) over the
type's share of the answers; then NumPy's weighted mean and its unbiased
variance under reliability weights (np.cov with aweights, ddof=1), Kish's
(sum w)^2 / sum w^2, Wilson's interval by its formula with n_eff for n, and
z from SciPy. The index weights each item's answers on their own.
"""
import json
import sys

import numpy as np
from scipy import stats

# The service prints z as 1.96: the two-sided 95% point, to two places.
Z = round(float(stats.norm.ppf(0.975)), 2)
assert Z == 1.96


def spelled_out(answers):
    """The scores and customer types of every answer."""
    scores, types = [], []
    for customer_type, counts in answers.items():
        for score, count in enumerate(counts, start=1):
            scores += [score] * count
            types += [int(customer_type)] * count
    return np.array(scores, dtype=float), np.array(types)


def answer_weights(types, target):
    """Each answer's weight: P_h * a / a_h over the types in the target that answered."""
    covered = [t for t in target if np.any(types == t)]
    total = sum(target[t] for t in covered)
    a = sum(np.count_nonzero(types == t) for t in covered)
    weights = np.zeros(len(types))
    for t in covered:
        weights[types == t] = target[t] / total * a / np.count_nonzero(types == t)
    return weights


def weighted(scores, weights):
    """Mean, standard error and n_eff of the answers with positive weight."""
    keep = weights > 0
    x, w = scores[keep], weights[keep]
    mean = np.average(x, weights=w)
    n_eff = w.sum() ** 2 / (w ** 2).sum()
    variance = float(np.cov(x, aweights=w, ddof=1))
    return mean, np.sqrt(variance / n_eff), n_eff, x, w


def wilson(p, n):
    center = (p + Z * Z / (2 * n)) / (1 + Z * Z / n)
    half = Z * np.sqrt(p * (1 - p) / n + Z * Z / (4 * n * n)) / (1 + Z * Z / n)
    return 100 * max(0.0, center - half), 100 * min(1.0, center + half)


def main():
    for case in json.loads(sys.argv[1]):
        target = {int(t): float(s) for t, s in case["target"].items()}
        merged = {}
        for item in case["items"]:
            for t, counts in item["answers"].items():
                merged[t] = [a + b for a, b in zip(merged.get(t, [0] * 5), counts)]
        scores, types = spelled_out(merged)
        weights = answer_weights(types, target)
        mean, se, n_eff, x, w = weighted(scores, weights)
        values = [mean, mean - Z * se, mean + Z * se]
        for low, high in ((4, 5), (1, 2)):
            share = np.average((x >= low) & (x <= high), weights=w)
            values += [100 * share, *wilson(share, n_eff)]

        item_weights, index_terms, variance_terms = [], [], []
        for item in case["items"]:
            item_scores, item_types = spelled_out(item["answers"])
            item_mean, item_se, _, _, _ = weighted(item_scores, answer_weights(item_types, target))
            item_weights.append(item["weight"])
            index_terms.append(100 * (item_mean - 1) / 4)
            variance_terms.append((100 / 4 * item_se) ** 2)
        shares = np.array(item_weights) / sum(item_weights)
        index = float(np.dot(shares, index_terms))
        index_se = np.sqrt(np.dot(shares ** 2, variance_terms))
        values += [index, index - Z * index_se, index + Z * index_se]

        answered = {t for t in target if np.any(types == t)}
        uncovered = sum(s for t, s in target.items() if t not in answered) / sum(target.values())
        values += [n_eff, uncovered]
        for t in range(6):
            values.append(weights[types == t][0] if np.any(types == t) else 0.0)
        for value in values:
            print(repr(float(value)))


main()
