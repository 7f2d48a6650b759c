//! Whether a new training may be queued: one rule over the counts its store takes inside the
//! admitting transaction (see `database::admission`), so parallel starts admit at most the
//! quota. A person's own quotas (`EXO_QUOTA_*`) hold for every identity; the budget of the
//! principal it is charged to holds on top: an account's are the same as its person's, and
//! every anonymous identity of one address shares the address budget (`EXO_ADDRESS_*`).
//! Each refusal names its limit and setting.

use crate::api::ApiError;
use crate::domain::ErrorCode;
use crate::server::access_settings::{AddressQuotas, Quotas};
use crate::server::owner::Principal;
use crate::server::store::{AdmissionCounts, AdmissionRule};

/// The limits a training's admission is judged by.
#[derive(Debug, Clone, Copy)]
pub struct AdmissionLimits {
    pub person: Quotas,
    pub address: AddressQuotas,
    /// Trainings one principal may have waiting (`EXO_MAX_QUEUE`).
    pub queue_per_principal: usize,
    /// Trainings waiting in all (`EXO_MAX_QUEUE_TOTAL`).
    pub queue_total: usize,
}

fn refused(code: ErrorCode, setting: &str, message: String) -> Result<(), ApiError> {
    Err(ApiError::new(code, message).with_setting(setting))
}

/// The storage limit's refusal (new work is refused, nothing kept is removed).
pub fn storage_full() -> ApiError {
    ApiError::new(
        ErrorCode::StorageFull,
        "This server's storage is at its limit (EXO_MAX_DISK_MB), so it stores no new work just now; nobody's kept work is removed to make room. Try again later, or ask the operator.",
    )
    .with_setting("EXO_MAX_DISK_MB")
}

impl AdmissionLimits {
    /// The rule for a training charged to `principal`.
    pub fn rule(self, principal: Principal) -> AdmissionRule {
        Box::new(move |counts| self.judge(principal, counts))
    }

    /// The judgement itself (also used for the early refusal, outside the transaction).
    pub fn judge(&self, principal: Principal, c: &AdmissionCounts) -> Result<(), ApiError> {
        if principal.is_operator() {
            return Ok(());
        }
        let q = self.person;
        if c.owner_active >= q.active_trainings as u64 {
            return refused(
                ErrorCode::QuotaExceeded,
                "EXO_QUOTA_ACTIVE_TRAININGS",
                format!(
                    "You already have {} trainings waiting or running, the most one person may have at once ({}, EXO_QUOTA_ACTIVE_TRAININGS). Start this one when one of them has finished, or cancel one.",
                    c.owner_active, q.active_trainings
                ),
            );
        }
        if let Principal::Address(block) = principal {
            let a = self.address;
            if c.principal_active >= a.active_trainings as u64 {
                return refused(
                    ErrorCode::QuotaExceeded,
                    "EXO_ADDRESS_ACTIVE_TRAININGS",
                    format!(
                        "Visitors from your address ({block}) without an account already have {} trainings waiting or running, the most one address may have ({}, EXO_ADDRESS_ACTIVE_TRAININGS). Sign in (/account) to train with a budget of your own, or try again when some have finished.",
                        c.principal_active, a.active_trainings
                    ),
                );
            }
        }
        if c.principal_queued >= self.queue_per_principal as u64 {
            return refused(
                ErrorCode::QueueFull,
                "EXO_MAX_QUEUE",
                format!(
                    "{} of your trainings are already waiting, the most one account or address may queue ({}, EXO_MAX_QUEUE). Try again when some have started.",
                    c.principal_queued, self.queue_per_principal
                ),
            );
        }
        if c.total_queued >= self.queue_total as u64 {
            return refused(
                ErrorCode::QueueFull,
                "EXO_MAX_QUEUE_TOTAL",
                format!(
                    "{} trainings are waiting on this server, the most it queues ({}, EXO_MAX_QUEUE_TOTAL). Try again when some have started.",
                    c.total_queued, self.queue_total
                ),
            );
        }
        if c.owner_recent >= q.trainings_per_day as u64 {
            return refused(
                ErrorCode::QuotaExceeded,
                "EXO_QUOTA_TRAININGS_PER_DAY",
                format!(
                    "You have started {} trainings in the last 24 hours, the most one person may ({}, EXO_QUOTA_TRAININGS_PER_DAY); deleting some does not give them back. Try again tomorrow.",
                    c.owner_recent, q.trainings_per_day
                ),
            );
        }
        if c.owner_stored >= q.stored_trainings as u64 {
            return refused(
                ErrorCode::QuotaExceeded,
                "EXO_QUOTA_STORED_TRAININGS",
                format!(
                    "You keep {} completed trainings with their models, the most one person may ({}, EXO_QUOTA_STORED_TRAININGS). Delete some on the saved-models page (/models) first.",
                    c.owner_stored, q.stored_trainings
                ),
            );
        }
        if let Principal::Address(block) = principal {
            let a = self.address;
            if c.principal_recent >= a.trainings_per_day as u64 {
                return refused(
                    ErrorCode::QuotaExceeded,
                    "EXO_ADDRESS_TRAININGS_PER_DAY",
                    format!(
                        "Visitors from your address ({block}) without an account have started {} trainings in the last 24 hours, the most one address may ({}, EXO_ADDRESS_TRAININGS_PER_DAY). Sign in (/account) to train with a budget of your own.",
                        c.principal_recent, a.trainings_per_day
                    ),
                );
            }
            if c.principal_stored >= a.stored_trainings as u64 {
                return refused(
                    ErrorCode::QuotaExceeded,
                    "EXO_ADDRESS_STORED_TRAININGS",
                    format!(
                        "Visitors from your address ({block}) without an account keep {} completed trainings, the most one address may ({}, EXO_ADDRESS_STORED_TRAININGS). Delete some (/models), or sign in (/account) to keep work of your own.",
                        c.principal_stored, a.stored_trainings
                    ),
                );
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::server::owner::{AddressBlock, OwnerId};

    fn limits() -> AdmissionLimits {
        AdmissionLimits {
            person: Quotas::default(),
            address: AddressQuotas::default(),
            queue_per_principal: 32,
            queue_total: 1000,
        }
    }

    #[test]
    fn each_refusal_names_its_setting_and_the_operator_has_none() {
        let address = Principal::Address(AddressBlock::of(std::net::IpAddr::from([192, 0, 2, 9])));
        let account = Principal::Account(OwnerId::new());
        let cases = [
            (AdmissionCounts { owner_active: 3, ..Default::default() }, address, "EXO_QUOTA_ACTIVE_TRAININGS"),
            (AdmissionCounts { principal_active: 30, ..Default::default() }, address, "EXO_ADDRESS_ACTIVE_TRAININGS"),
            (AdmissionCounts { principal_queued: 32, ..Default::default() }, account, "EXO_MAX_QUEUE"),
            (AdmissionCounts { total_queued: 1000, ..Default::default() }, account, "EXO_MAX_QUEUE_TOTAL"),
            (AdmissionCounts { owner_recent: 100, ..Default::default() }, account, "EXO_QUOTA_TRAININGS_PER_DAY"),
            (AdmissionCounts { owner_stored: 100, ..Default::default() }, account, "EXO_QUOTA_STORED_TRAININGS"),
            (AdmissionCounts { principal_recent: 300, ..Default::default() }, address, "EXO_ADDRESS_TRAININGS_PER_DAY"),
            (AdmissionCounts { principal_stored: 300, ..Default::default() }, address, "EXO_ADDRESS_STORED_TRAININGS"),
        ];
        for (counts, principal, setting) in cases {
            let error = limits().judge(principal, &counts).unwrap_err();
            assert_eq!(error.setting.as_deref(), Some(setting), "{}", error.message);
            assert!(error.message.contains(setting), "{}", error.message);
            assert!(limits().judge(Principal::Operator, &counts).is_ok());
        }
        // An account's address budget does not apply to it.
        assert!(limits().judge(account, &AdmissionCounts { principal_active: 30, ..Default::default() }).is_ok());
        assert!(limits()
            .judge(address, &AdmissionCounts { owner_active: 2, principal_active: 29, ..Default::default() })
            .is_ok());
    }
}
