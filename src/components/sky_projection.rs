//! Where an object sits on the explore page's two plots, in the unit square (0,0 = top
//! left): the period–radius diagram (log–log) and the whole sky in the Hammer projection
//! (equal-area, the usual all-sky map; right ascension grows to the left, as on the sky).

/// The period–radius diagram's ranges, in log10: 0.1 day to 100,000 days (Neptune's orbit
/// is 60,190), 0.1 to 1,000 Earth radii (false positives reach hundreds).
pub const LOG_PERIOD: (f64, f64) = (-1.0, 5.0);
pub const LOG_RADIUS: (f64, f64) = (-1.0, 3.0);

/// The solar system's planets for scale: name, period [days], radius [Earth radii].
pub const SOLAR_SYSTEM: [(&str, f64, f64); 8] = [
    ("Mercury", 87.97, 0.383),
    ("Venus", 224.7, 0.949),
    ("Earth", 365.25, 1.0),
    ("Mars", 686.98, 0.532),
    ("Jupiter", 4332.6, 11.21),
    ("Saturn", 10759.2, 9.45),
    ("Uranus", 30688.5, 4.01),
    ("Neptune", 60182.0, 3.88),
];

/// A point of the period–radius diagram; `None` without both values or outside the ranges.
pub fn period_radius(period: Option<f32>, radius: Option<f32>) -> Option<(f64, f64)> {
    let (p, r) = (f64::from(period?), f64::from(radius?));
    if p <= 0.0 || r <= 0.0 {
        return None;
    }
    let x = (p.log10() - LOG_PERIOD.0) / (LOG_PERIOD.1 - LOG_PERIOD.0);
    let y = 1.0 - (r.log10() - LOG_RADIUS.0) / (LOG_RADIUS.1 - LOG_RADIUS.0);
    ((0.0..=1.0).contains(&x) && (0.0..=1.0).contains(&y)).then_some((x, y))
}

/// A point of the all-sky map; `None` without both coordinates.
pub fn sky(ra: Option<f32>, dec: Option<f32>) -> Option<(f64, f64)> {
    let (ra, dec) = (f64::from(ra?), f64::from(dec?));
    if !(0.0..=360.0).contains(&ra) || !(-90.0..=90.0).contains(&dec) {
        return None;
    }
    // Longitude centred on RA 180°, increasing to the left.
    let lambda = (180.0 - ra).to_radians();
    let phi = dec.to_radians();
    let d = (1.0 + phi.cos() * (lambda / 2.0).cos()).sqrt();
    let x = 2.0 * std::f64::consts::SQRT_2 * phi.cos() * (lambda / 2.0).sin() / d;
    let y = std::f64::consts::SQRT_2 * phi.sin() / d;
    Some(((x / (4.0 * std::f64::consts::SQRT_2)) + 0.5, 0.5 - y / (2.0 * std::f64::consts::SQRT_2)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plots_place_known_points() {
        let (x, y) = period_radius(Some(365.25), Some(1.0)).unwrap();
        assert!((x - (365.25f64.log10() + 1.0) / 6.0).abs() < 1e-6 && (y - 0.75).abs() < 1e-6);
        assert!(period_radius(Some(1e7), Some(1.0)).is_none() && period_radius(None, Some(1.0)).is_none());
        // The map's centre is RA 180°, Dec 0; the poles are the top and bottom middle.
        let (x, y) = sky(Some(180.0), Some(0.0)).unwrap();
        assert!((x - 0.5).abs() < 1e-9 && (y - 0.5).abs() < 1e-9);
        let (x, y) = sky(Some(10.0), Some(90.0)).unwrap();
        assert!((x - 0.5).abs() < 1e-6 && y.abs() < 1e-6);
        // RA grows to the left.
        assert!(sky(Some(200.0), Some(0.0)).unwrap().0 < 0.5);
    }
}
