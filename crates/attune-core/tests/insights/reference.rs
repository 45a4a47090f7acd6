//! Every statistic against values SciPy computed on fixed inputs
//! (tests/data/stats_reference.py writes tests/data/stats_reference.json).

use attune_core::insights::special::{
    ln_gamma, normal_cdf, normal_sf, student_t_cdf, student_t_sf, student_t_upper_quantile,
};
use attune_core::insights::stats::{GroupSums, ShrinkSettings, mann_kendall, shrink, theil_sen, welch};
use serde_json::Value;

const REFERENCE: &str = include_str!("../data/stats_reference.json");

fn data() -> Value {
    serde_json::from_str(REFERENCE).unwrap()
}

fn f(v: &Value) -> f64 {
    v.as_f64().unwrap_or_else(|| panic!("not a number: {v}"))
}

fn floats(v: &Value) -> Vec<f64> {
    v.as_array().unwrap().iter().map(f).collect()
}

/// Relative agreement to 1e-9 (absolute 1e-12 around zero).
#[track_caller]
fn close(got: f64, want: f64, what: &str) {
    let ok = (got - want).abs() <= 1e-9 * want.abs() || (got - want).abs() <= 1e-12;
    assert!(ok, "{what}: got {got:e}, SciPy {want:e}");
}

#[test]
fn normal_distribution_matches_scipy() {
    for case in data()["normal"].as_array().unwrap() {
        let x = f(&case["x"]);
        close(normal_cdf(x), f(&case["cdf"]), &format!("cdf({x})"));
        close(normal_sf(x), f(&case["sf"]), &format!("sf({x})"));
    }
}

#[test]
fn ln_gamma_matches_scipy() {
    for case in data()["ln_gamma"].as_array().unwrap() {
        let x = f(&case["x"]);
        close(ln_gamma(x), f(&case["ln_gamma"]), &format!("ln_gamma({x})"));
    }
}

#[test]
fn student_t_matches_scipy() {
    let d = data();
    for case in d["student_t_sf"].as_array().unwrap() {
        let (t, df) = (f(&case["t"]), f(&case["df"]));
        close(student_t_sf(t, df), f(&case["sf"]), &format!("t.sf({t}, {df})"));
        close(student_t_cdf(-t, df), f(&case["sf"]), &format!("t.cdf(-{t}, {df})"));
    }
    for case in d["student_t_quantile"].as_array().unwrap() {
        let (tail, df) = (f(&case["tail"]), f(&case["df"]));
        close(student_t_upper_quantile(tail, df), f(&case["t"]), &format!("t.isf({tail}, {df})"));
    }
}

#[test]
fn theil_sen_matches_scipy_theilslopes() {
    let cases = data()["theil_sen"].as_array().unwrap().clone();
    assert!(cases.len() >= 10);
    for case in cases {
        let (x, y) = (floats(&case["x"]), floats(&case["y"]));
        let r = theil_sen(&x, &y, f(&case["confidence"])).unwrap();
        for (got, key) in
            [(r.slope, "slope"), (r.intercept, "intercept"), (r.low_slope, "low_slope"), (r.high_slope, "high_slope")]
        {
            close(got, f(&case[key]), &format!("{key} for {y:?}"));
        }
    }
}

#[test]
fn mann_kendall_matches_the_formulas_and_kendalltau() {
    for case in data()["mann_kendall"].as_array().unwrap() {
        let y = floats(&case["y"]);
        let r = mann_kendall(&y).unwrap();
        assert_eq!(r.s, case["s"].as_i64().unwrap(), "S for {y:?}");
        close(r.var_s, f(&case["var_s"]), &format!("Var(S) for {y:?}"));
        close(r.z, f(&case["z"]), &format!("Z for {y:?}"));
        close(r.p, f(&case["p"]), &format!("p for {y:?}"));
        // Without continuity correction, the same S and Var(S) give kendalltau's p.
        if let Some(p_plain) = case["p_without_continuity_correction"].as_f64() {
            let z = r.s as f64 / r.var_s.sqrt();
            close(2.0 * normal_sf(z.abs()), p_plain, &format!("kendalltau p for {y:?}"));
        }
    }
}

#[test]
fn welch_matches_scipy_ttest_ind() {
    for case in data()["welch"].as_array().unwrap() {
        let (a, b) = (floats(&case["a"]), floats(&case["b"]));
        let r = welch(&a, &b, f(&case["confidence"])).unwrap();
        for (got, key) in [(r.difference, "difference"), (r.df, "df"), (r.p, "p"), (r.low, "low"), (r.high, "high")] {
            close(got, f(&case[key]), &format!("{key} for {a:?} vs {b:?}"));
        }
    }
}

#[test]
fn shrinkage_matches_a_second_implementation() {
    let d = data();
    let s = &d["shrinkage"]["settings"];
    let settings = ShrinkSettings {
        prior_min: f(&s["prior_min"]),
        prior_max: f(&s["prior_max"]),
        variance_floor: f(&s["variance_floor"]),
        variance_fallback: f(&s["variance_fallback"]),
        confidence: f(&s["confidence"]),
    };
    for case in d["shrinkage"]["cases"].as_array().unwrap() {
        let groups: Vec<GroupSums> = case["groups"]
            .as_array()
            .unwrap()
            .iter()
            .map(|g| {
                let mut sums = GroupSums::default();
                for v in g.as_array().unwrap() {
                    sums.add(v.as_u64().unwrap());
                }
                sums
            })
            .collect();
        let fit = shrink(&groups, &settings).unwrap();
        let what = format!("{}", case["groups"]);
        close(fit.overall_mean, f(&case["overall_mean"]), &what);
        close(fit.within_variance, f(&case["within_variance"]), &what);
        close(fit.between_variance, f(&case["between_variance"]), &what);
        close(fit.prior_weight, f(&case["prior_weight"]), &what);
        for (i, g) in fit.groups.iter().enumerate() {
            match g {
                None => assert!(case["scores"][i].is_null()),
                Some(g) => {
                    close(g.score, f(&case["scores"][i]), &what);
                    close(g.low, f(&case["lows"][i]), &what);
                    close(g.high, f(&case["highs"][i]), &what);
                }
            }
        }
    }
}
