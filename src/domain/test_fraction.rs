//! How much of a table may be held out for testing: the split refuses anything else and
//! the forms offer exactly this range.

/// Shares of the objects that may be held out for testing.
pub const TEST_FRACTION_RANGE: std::ops::RangeInclusive<f64> = 0.05..=0.5;
