//! Numbers as the texts show them, the same in core's sentences and in
//! both front ends, so a figure never reads one way in a sentence and
//! another in the chart beside it.

/// One decimal: "6.5".
pub fn one(x: f64) -> String {
    format!("{x:.1}")
}

/// Two decimals with a sign: "+0.25", "-1.00".
pub fn signed(x: f64) -> String {
    format!("{x:+.2}")
}

/// A p-value as the sentences word it: "p = 0.03", "p = 0.004", "p < 0.001".
pub fn p_value(p: f64) -> String {
    if p < 0.001 {
        "p < 0.001".into()
    } else if p < 0.01 {
        format!("p = {p:.3}")
    } else {
        format!("p = {p:.2}")
    }
}

/// A share from 0 to 1 as a whole percentage: "42%".
pub fn percent(share: f64) -> String {
    format!("{:.0}%", share * 100.0)
}

/// At most two decimals, without needless zeros: "3", "3.5", "3.25"; never "-0".
pub fn num(x: f64) -> String {
    let s = format!("{x:.2}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s == "-0" { "0".into() } else { s.to_string() }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    #[test]
    fn numbers_read_as_the_texts_expect() {
        assert_eq!(one(6.54), "6.5");
        assert_eq!(signed(0.25), "+0.25");
        assert_eq!(signed(-1.0), "-1.00");
        assert_eq!(p_value(0.0004), "p < 0.001");
        assert_eq!(p_value(0.004), "p = 0.004");
        assert_eq!(p_value(0.03), "p = 0.03");
        assert_eq!(percent(0.42), "42%");
        assert_eq!(percent(1.0), "100%");
        assert_eq!(num(3.0), "3");
        assert_eq!(num(3.5), "3.5");
        assert_eq!(num(3.25), "3.25");
        assert_eq!(num(-0.001), "0");
        assert_eq!(num(10.0), "10");
    }

    proptest! {
        /// `num` reads back to the value rounded to two decimals.
        #[test]
        fn num_reads_back(x in -1000.0f64..1000.0) {
            let shown = num(x);
            let back: f64 = shown.parse().map_err(|e| TestCaseError::fail(format!("{shown}: {e}")))?;
            prop_assert!((back - x).abs() <= 0.005 + 1e-9, "{x} shown as {shown}");
            prop_assert!(shown != "-0" && !shown.ends_with('.'));
        }

        /// Every p-value reads as "p = …" or "p < 0.001".
        #[test]
        fn p_values_are_worded(p in 0.0f64..=1.0) {
            let shown = p_value(p);
            prop_assert!(shown.starts_with("p = ") || shown == "p < 0.001", "{shown}");
        }
    }
}
