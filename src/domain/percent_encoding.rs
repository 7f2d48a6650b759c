//! Text written into a URL: everything but the unreserved characters percent-encoded.
//! One rule for the server's links to the archives and the pages' links between themselves.

/// Percent-encodes everything but unreserved characters (names hold spaces, "K2-18 b";
/// hyperparameter choices commas, "64,32").
pub fn percent_encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn unreserved_characters_stay_and_the_rest_is_encoded() {
        assert_eq!(super::percent_encode("K2-18 b"), "K2-18%20b");
        assert_eq!(super::percent_encode("64,32"), "64%2C32");
        assert_eq!(super::percent_encode("a.b_c~d"), "a.b_c~d");
    }
}
