//! Number formatting shared by the result views.

/// 0.7934 → "79.3 %".
pub fn percent(x: f64) -> String {
    format!("{:.1} %", x * 100.0)
}

/// A score with three decimals.
pub fn score(x: f64) -> String {
    format!("{x:.3}")
}

/// 9564 → "9,564".
pub fn count(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(ch);
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn formats() {
        assert_eq!(super::count(9564), "9,564");
        assert_eq!(super::count(12), "12");
        assert_eq!(super::count(1_000_000), "1,000,000");
        assert_eq!(super::percent(0.7934), "79.3 %");
    }
}
