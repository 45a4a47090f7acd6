"""Reference values for attune-core's insight statistics, computed with SciPy.

Regenerate (from the repository root):

    python3 -m venv /tmp/scipy-venv && /tmp/scipy-venv/bin/pip install scipy numpy
    /tmp/scipy-venv/bin/python crates/attune-core/tests/data/stats_reference.py \
        > crates/attune-core/tests/data/stats_reference.json

What is compared (tests/insights/reference.rs):
- normal_cdf / normal_sf: scipy.stats.norm.cdf / .sf.
- ln_gamma: scipy.special.gammaln.
- student_t_sf / upper quantile: scipy.stats.t.sf / .isf (fractional df included).
- theil_sen: scipy.stats.theilslopes(y, x, confidence, method="separate"):
  slope, intercept, low_slope, high_slope.
- mann_kendall: S, Var(S) with the tie correction, Z with continuity
  correction and the two-sided normal p, all computed here by hand with
  numpy from the textbook formulas. As an independent check of S and Var(S),
  scipy.stats.kendalltau(t, y, method="asymptotic") gives the p of
  Z = S / sqrt(Var(S)) without continuity correction (tau-b with no ties in
  t has exactly this variance); the Rust test recomputes that p from its own
  S and Var(S) and compares it too.
- welch: scipy.stats.ttest_ind(a, b, equal_var=False): difference of means,
  df, two-sided p, and .confidence_interval(confidence).
- shrinkage: the normal-normal empirical-Bayes fit, written again here in
  numpy from the description in content/insights.toml (no SciPy function
  exists for it), so the Rust code is checked against a second implementation.
"""

import json
import sys

import numpy as np
import scipy
from scipy import special, stats


def normal():
    xs = [-9.0, -8.0, -5.5, -3.0, -2.5, -1.959963984540054, -1.0, -0.5, -1e-3, 0.0,
          0.3, 1.0, 1.7, 2.4999, 2.5, 3.54, 5.0, 7.5]
    return [{"x": x, "cdf": float(stats.norm.cdf(x)), "sf": float(stats.norm.sf(x))} for x in xs]


def lgamma():
    xs = [0.05, 0.5, 1.0, 1.5, 2.0, 3.7, 10.0, 50.25, 100.5, 1234.5]
    return [{"x": x, "ln_gamma": float(special.gammaln(x))} for x in xs]


def student_t():
    out = []
    for df in [1.0, 2.0, 2.5, 4.7, 7.3, 13.0, 30.0, 200.0, 5000.0]:
        for t in [-3.0, -0.4, 0.0, 0.8, 2.0, 4.5, 12.0]:
            out.append({"t": t, "df": df, "sf": float(stats.t.sf(t, df))})
    quantiles = []
    for df in [1.0, 2.5, 4.7, 9.0, 30.0, 200.0]:
        for tail in [0.025, 0.05, 0.005, 0.3]:
            quantiles.append({"tail": tail, "df": df, "t": float(stats.t.isf(tail, df))})
    return out, quantiles


SERIES = [
    # weekly felt security, rising with noise
    [3.0, 3.5, 3.2, 4.1, 4.0, 4.6, 5.2, 5.0, 5.9, 6.1, 6.0, 6.8],
    # with ties and a drop at the end
    [4.0, 4.0, 5.0, 5.0, 5.5, 6.0, 6.0, 6.0, 7.0, 7.5, 7.5, 5.0],
    # falling
    [8.0, 7.5, 7.9, 7.0, 6.5, 6.6, 5.0, 5.25],
    # flat-ish
    [5.0, 6.0, 5.0, 6.0, 5.0, 6.0, 5.0, 6.0, 5.5, 5.5],
    # short
    [2.0, 4.0, 3.0, 5.0],
    # repeated means that come from integer weekly sums
    [7 / 3, 14 / 6, 3.0, 2.5, 10 / 3, 4.0, 4.0, 17 / 4, 4.0],
]


def theil():
    out = []
    for i, y in enumerate(SERIES):
        x = [float(v) for v in range(len(y))]
        if i == 2:
            # a gap: weeks 3 and 4 have no check-ins
            x = [0.0, 1.0, 2.0, 5.0, 6.0, 7.0, 8.0, 9.0]
        for confidence in [0.95, 0.9]:
            r = stats.theilslopes(y, x, confidence, method="separate")
            out.append({"x": x, "y": y, "confidence": confidence, "slope": float(r.slope),
                        "intercept": float(r.intercept), "low_slope": float(r.low_slope),
                        "high_slope": float(r.high_slope)})
    return out


def mann_kendall():
    out = []
    for y in SERIES + [[1.0, 2.0], [3.0, 1.0, 2.0]]:
        y = np.asarray(y, dtype=float)
        n = len(y)
        s = 0
        for i in range(n):
            for j in range(i + 1, n):
                s += int(np.sign(y[j] - y[i]))
        _, counts = np.unique(y, return_counts=True)
        ties = counts[counts > 1]
        var = (n * (n - 1) * (2 * n + 5) - np.sum(ties * (ties - 1) * (2 * ties + 5))) / 18.0
        if s > 0:
            z = (s - 1) / np.sqrt(var)
        elif s < 0:
            z = (s + 1) / np.sqrt(var)
        else:
            z = 0.0
        p = 2 * stats.norm.sf(abs(z))
        # kendalltau's asymptotic variance divides by n - 2
        p_plain = float(stats.kendalltau(np.arange(n), y, method="asymptotic").pvalue) if n > 2 else None
        out.append({"y": y.tolist(), "s": s, "var_s": float(var), "z": float(z), "p": float(p),
                    "p_without_continuity_correction": p_plain})
    return out


def welch():
    cases = [
        ([6, 7, 5, 8, 7, 6, 7], [4, 5, 6, 4, 5, 3, 5, 4, 6]),
        ([5, 5, 6, 5, 7], [5, 6, 5, 5, 6, 4, 5]),
        ([2.5, 3.5, 9.0, 4.0, 8.5, 6.0], [5.0, 5.1, 4.9, 5.0, 5.2, 5.05, 4.95]),
        ([7, 8], [3, 4, 3, 5, 9, 1, 2, 2, 3, 4, 4, 5]),
    ]
    out = []
    for a, b in cases:
        for confidence in [0.95, 0.9]:
            r = stats.ttest_ind(a, b, equal_var=False)
            ci = r.confidence_interval(confidence)
            out.append({"a": [float(v) for v in a], "b": [float(v) for v in b], "confidence": confidence,
                        "difference": float(np.mean(a) - np.mean(b)), "df": float(r.df),
                        "p": float(r.pvalue), "low": float(ci.low), "high": float(ci.high)})
    return out


def shrinkage():
    settings = {"prior_min": 5.0, "prior_max": 25.0, "variance_floor": 1.0, "variance_fallback": 4.0,
                "confidence": 0.95}
    cases = [
        [[7, 8, 8, 8, 7, 8, 8, 8, 7, 8], [10], [4, 5, 4, 5, 4, 5]],
        [[3, 9, 2, 10, 6], [5, 5], [8, 7, 9, 6, 8, 7, 8, 9, 7, 8, 9, 6], [1], []],
        [[6], [7], [2]],
        [[5, 5, 5], [5, 5]],
        [[0, 10, 0, 10, 0, 10, 0, 10], [10, 10, 10], [0, 1, 0]],
    ]
    z = stats.norm.isf((1 - settings["confidence"]) / 2)
    out = []
    for groups in cases:
        filled = [np.asarray(g, dtype=float) for g in groups if g]
        allv = np.concatenate(filled)
        mu = allv.mean()
        n_total, j = len(allv), len(filled)
        if n_total > j:
            ssw = sum(((g - g.mean()) ** 2).sum() for g in filled)
            sigma2 = max(ssw / (n_total - j), settings["variance_floor"])
        else:
            sigma2 = max(settings["variance_fallback"], settings["variance_floor"])
        if j >= 2:
            means = np.array([g.mean() for g in filled])
            spread = means.var(ddof=1)
            noise = np.mean([sigma2 / len(g) for g in filled])
            tau2 = max(spread - noise, 0.0)
        else:
            tau2 = 0.0
        k = min(max(sigma2 / tau2, settings["prior_min"]), settings["prior_max"]) if tau2 > 0 else settings["prior_max"]
        scores, lows, highs = [], [], []
        for g in groups:
            if not g:
                scores.append(None); lows.append(None); highs.append(None)
                continue
            n = len(g)
            score = mu + n / (n + k) * (np.mean(g) - mu)
            half = z * np.sqrt(sigma2 / (n + k))
            scores.append(float(score)); lows.append(float(score - half)); highs.append(float(score + half))
        out.append({"groups": groups, "overall_mean": float(mu), "within_variance": float(sigma2),
                    "between_variance": float(tau2), "prior_weight": float(k),
                    "scores": scores, "lows": lows, "highs": highs})
    return {"settings": settings, "cases": out}


def main():
    t_sf, t_quantiles = student_t()
    data = {
        "generated_by": "crates/attune-core/tests/data/stats_reference.py",
        "versions": {"python": sys.version.split()[0], "numpy": np.__version__, "scipy": scipy.__version__},
        "normal": normal(),
        "ln_gamma": lgamma(),
        "student_t_sf": t_sf,
        "student_t_quantile": t_quantiles,
        "theil_sen": theil(),
        "mann_kendall": mann_kendall(),
        "welch": welch(),
        "shrinkage": shrinkage(),
    }
    json.dump(data, sys.stdout, indent=1)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
