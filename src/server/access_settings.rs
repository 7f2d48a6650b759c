//! Settings of a public instance: the cookie-signing secret, the operator token, which
//! host names the server answers to, secure cookies, per-owner quotas and rate limits.
//! Read from the environment only (secrets do not belong in a committed file).

use super::startup_error::StartupError;

/// Quotas of one person: each anonymous identity, and each account (whose identity is its
/// principal: see `fairness::principal`). The operator has none.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Quotas {
    /// Trainings queued or running at once (`EXO_QUOTA_ACTIVE_TRAININGS`, default 3).
    pub active_trainings: usize,
    /// Trainings started in the last 24 hours, each storing a model
    /// (`EXO_QUOTA_TRAININGS_PER_DAY`, default 100).
    pub trainings_per_day: usize,
    /// Trainings (with their models) kept at once (`EXO_QUOTA_STORED_TRAININGS`, default 100).
    pub stored_trainings: usize,
    /// MB of tables uploaded in the last 24 hours (`EXO_QUOTA_UPLOAD_MB_PER_DAY`, default 500).
    pub upload_mb_per_day: u64,
    /// MB of uploaded tables kept at once (`EXO_QUOTA_UPLOAD_MB`, default 1000).
    pub upload_mb_total: u64,
}

impl Default for Quotas {
    fn default() -> Self {
        Quotas {
            active_trainings: 3,
            trainings_per_day: 100,
            stored_trainings: 100,
            upload_mb_per_day: 500,
            upload_mb_total: 1000,
        }
    }
}

/// The budget all anonymous visitors from one address share (IPv4 address, IPv6 /64), on
/// top of each one's own [`Quotas`]: many cookies from one address buy no more than this.
/// Sized for a class behind one school address by default; students who sign in each get
/// an account's budget of their own.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AddressQuotas {
    /// Trainings queued or running at once (`EXO_ADDRESS_ACTIVE_TRAININGS`, default 30).
    pub active_trainings: usize,
    /// Trainings started in the last 24 hours (`EXO_ADDRESS_TRAININGS_PER_DAY`, default 300).
    pub trainings_per_day: usize,
    /// Completed trainings kept (`EXO_ADDRESS_STORED_TRAININGS`, default 300).
    pub stored_trainings: usize,
    /// MB of tables (and large request bodies) sent in the last 24 hours
    /// (`EXO_ADDRESS_UPLOAD_MB_PER_DAY`, default 1500).
    pub upload_mb_per_day: u64,
    /// MB of uploaded tables kept (`EXO_ADDRESS_UPLOAD_MB`, default 3000).
    pub upload_mb_total: u64,
}

impl Default for AddressQuotas {
    fn default() -> Self {
        AddressQuotas {
            active_trainings: 30,
            trainings_per_day: 300,
            stored_trainings: 300,
            upload_mb_per_day: 1500,
            upload_mb_total: 3000,
        }
    }
}

/// Requests per minute (a bucket of that size refilled evenly over the minute).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateLimits {
    /// State-changing requests (start, cancel, delete, share, tokens) per owner, and per
    /// client address for requests without an identity yet (`EXO_RATE_LIMIT_PER_MINUTE`,
    /// default 60).
    pub writes_per_minute: u32,
    /// Register and sign-in attempts per client address (`EXO_SIGN_IN_LIMIT_PER_MINUTE`,
    /// default 10): password guessing is slow.
    pub sign_ins_per_minute: u32,
    /// New anonymous identities per client address (`EXO_NEW_VISITORS_PER_MINUTE`, default
    /// 60): dropping the cookie to get a fresh owner's limits and quotas is slow.
    pub new_visitors_per_minute: u32,
}

impl Default for RateLimits {
    fn default() -> Self {
        RateLimits { writes_per_minute: 60, sign_ins_per_minute: 10, new_visitors_per_minute: 60 }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccessSettings {
    /// Signs the visitor cookie and the sign-in session cookie (`EXO_SECRET`, at least 32
    /// characters); unset: one is generated once and kept in the database, so every process
    /// sharing it agrees.
    pub secret: Option<String>,
    /// Bearer token of the operator, who sees and manages everything (`EXO_ADMIN_TOKEN`;
    /// unset: no operator).
    pub admin_token: Option<String>,
    /// Host names (without port) requests may be addressed to; others get 421 (`EXO_ALLOWED_HOSTS`,
    /// comma-separated, default `localhost,127.0.0.1,[::1]`; `*` allows any, for development
    /// behind a proxy that checks itself).
    pub allowed_hosts: Vec<String>,
    /// Cookies only over HTTPS (`EXO_SECURE_COOKIES`, default false: set it behind an HTTPS
    /// proxy).
    pub secure_cookies: bool,
    /// Client addresses from the last `X-Forwarded-For` entry, which a proxy in front adds
    /// (`EXO_TRUST_PROXY`, default false: the connection's address).
    pub trust_proxy: bool,
    pub quotas: Quotas,
    pub address_quotas: AddressQuotas,
    pub rate_limits: RateLimits,
}

impl Default for AccessSettings {
    fn default() -> Self {
        AccessSettings {
            secret: None,
            admin_token: None,
            allowed_hosts: default_hosts(),
            secure_cookies: false,
            trust_proxy: false,
            quotas: Quotas::default(),
            address_quotas: AddressQuotas::default(),
            rate_limits: RateLimits::default(),
        }
    }
}

fn default_hosts() -> Vec<String> {
    ["localhost", "127.0.0.1", "[::1]"].map(String::from).to_vec()
}

impl AccessSettings {
    pub fn from_env() -> Result<AccessSettings, StartupError> {
        let text = |var: &str| std::env::var(var).ok().map(|v| v.trim().to_string()).filter(|v| !v.is_empty());
        let flag = |var: &str| text(var).is_some_and(|v| matches!(v.as_str(), "1" | "true" | "yes"));
        let number = |var: &str, default: u64| -> Result<u64, StartupError> {
            match text(var) {
                Some(v) => v
                    .parse::<u64>()
                    .ok()
                    .filter(|n| *n > 0)
                    .ok_or_else(|| StartupError::NotAPositiveNumber { setting: var.into(), got: v.clone() }),
                None => Ok(default),
            }
        };
        let secret = text("EXO_SECRET");
        if let Some(s) = &secret {
            if s.len() < 32 {
                return Err(StartupError::Refused {
                    setting: "EXO_SECRET",
                    rule: format!(
                        "at least 32 characters (it has {}); for example the output of `openssl rand -hex 32`",
                        s.len()
                    ),
                });
            }
        }
        let admin_token = text("EXO_ADMIN_TOKEN");
        if let Some(t) = &admin_token {
            if t.len() < 24 {
                return Err(StartupError::Refused {
                    setting: "EXO_ADMIN_TOKEN",
                    rule: format!("at least 24 characters (it has {}): it grants everything", t.len()),
                });
            }
        }
        let allowed_hosts = match text("EXO_ALLOWED_HOSTS") {
            Some(list) => list.split(',').map(|h| h.trim().to_ascii_lowercase()).filter(|h| !h.is_empty()).collect(),
            None => default_hosts(),
        };
        let d = Quotas::default();
        let a = AddressQuotas::default();
        let r = RateLimits::default();
        Ok(AccessSettings {
            secret,
            admin_token,
            allowed_hosts,
            secure_cookies: flag("EXO_SECURE_COOKIES"),
            trust_proxy: flag("EXO_TRUST_PROXY"),
            quotas: Quotas {
                active_trainings: number("EXO_QUOTA_ACTIVE_TRAININGS", d.active_trainings as u64)? as usize,
                trainings_per_day: number("EXO_QUOTA_TRAININGS_PER_DAY", d.trainings_per_day as u64)? as usize,
                stored_trainings: number("EXO_QUOTA_STORED_TRAININGS", d.stored_trainings as u64)? as usize,
                upload_mb_per_day: number("EXO_QUOTA_UPLOAD_MB_PER_DAY", d.upload_mb_per_day)?,
                upload_mb_total: number("EXO_QUOTA_UPLOAD_MB", d.upload_mb_total)?,
            },
            address_quotas: AddressQuotas {
                active_trainings: number("EXO_ADDRESS_ACTIVE_TRAININGS", a.active_trainings as u64)? as usize,
                trainings_per_day: number("EXO_ADDRESS_TRAININGS_PER_DAY", a.trainings_per_day as u64)? as usize,
                stored_trainings: number("EXO_ADDRESS_STORED_TRAININGS", a.stored_trainings as u64)? as usize,
                upload_mb_per_day: number("EXO_ADDRESS_UPLOAD_MB_PER_DAY", a.upload_mb_per_day)?,
                upload_mb_total: number("EXO_ADDRESS_UPLOAD_MB", a.upload_mb_total)?,
            },
            rate_limits: RateLimits {
                writes_per_minute: number("EXO_RATE_LIMIT_PER_MINUTE", r.writes_per_minute as u64)?.min(1_000_000)
                    as u32,
                sign_ins_per_minute: number("EXO_SIGN_IN_LIMIT_PER_MINUTE", r.sign_ins_per_minute as u64)?
                    .min(1_000_000) as u32,
                new_visitors_per_minute: number("EXO_NEW_VISITORS_PER_MINUTE", r.new_visitors_per_minute as u64)?
                    .min(1_000_000) as u32,
            },
        })
    }

    /// Whether a request addressed to `host` (a Host header, port included or not) is ours.
    pub fn allows_host(&self, host: &str) -> bool {
        let name = host_name(host).to_ascii_lowercase();
        self.allowed_hosts.iter().any(|allowed| allowed == "*" || *allowed == name)
    }
}

/// `example.org:3000` → `example.org`; `[::1]:3000` → `[::1]`.
pub fn host_name(host: &str) -> &str {
    if host.starts_with('[') {
        return host.split_inclusive(']').next().unwrap_or(host);
    }
    host.split(':').next().unwrap_or(host)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hosts_are_matched_without_their_port() {
        let s = AccessSettings::default();
        assert!(
            s.allows_host("127.0.0.1:3000")
                && s.allows_host("localhost")
                && s.allows_host("[::1]:8080")
                && s.allows_host("LOCALHOST:1")
        );
        assert!(!s.allows_host("attacker.example:3000") && !s.allows_host("127.0.0.1.evil.example"));
        let any = AccessSettings { allowed_hosts: vec!["*".into()], ..AccessSettings::default() };
        assert!(any.allows_host("anything.example"));
    }
}
