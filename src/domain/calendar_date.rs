//! Calendar dates as the archive writes them, `YYYY-MM-DD` (maybe followed by a time):
//! in that form they compare as text, so the temporal split needs no date library.
//! Shared by the server (cut-offs, date columns) and the browser (guessing an upload's
//! date column).

/// Whether `text` starts with a `YYYY-MM-DD` date whose month and day are in range.
pub fn looks_like_date(text: &str) -> bool {
    let b = text.trim().as_bytes();
    if b.len() < 10 || b[4] != b'-' || b[7] != b'-' || (b.len() > 10 && !matches!(b[10], b' ' | b'T')) {
        return false;
    }
    let number = |r: std::ops::Range<usize>| {
        b[r].iter().try_fold(0u32, |n, d| d.is_ascii_digit().then(|| n * 10 + u32::from(d - b'0')))
    };
    let (Some(_), Some(month), Some(day)) = (number(0..4), number(5..7), number(8..10)) else {
        return false;
    };
    (1..=12).contains(&month) && (1..=31).contains(&day)
}

#[cfg(test)]
mod tests {
    use super::looks_like_date;

    #[test]
    fn archive_dates_and_timestamps_pass_and_others_do_not() {
        for good in ["2024-01-01", "2023-12-31 23:59:59", "2019-07-04T10:00:00Z", " 2020-02-29 "] {
            assert!(looks_like_date(good), "{good}");
        }
        for bad in ["2024-1-01", "2024-13-01", "2024-01-32", "01-01-2024", "2024/01/01", "", "2024-01-01x", "12.5"] {
            assert!(!looks_like_date(bad), "{bad}");
        }
    }
}
