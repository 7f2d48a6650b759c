//! Who owns a piece of work, and who may see it. Every training (with its result, model
//! and uploaded tables) belongs to one owner: an anonymous visitor (a browser, by its
//! signed cookie) or an account. Work stored before owners existed has none: only the
//! operator sees it.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

pub use super::fairness::principal::{AddressBlock, Principal};

/// An owner of work: a visitor's or an account's id (random, never derived from a name).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct OwnerId(pub Uuid);

impl OwnerId {
    pub fn new() -> OwnerId {
        OwnerId(Uuid::new_v4())
    }

    pub fn parse(text: &str) -> Option<OwnerId> {
        Uuid::parse_str(text).ok().map(OwnerId)
    }
}

impl Default for OwnerId {
    fn default() -> Self {
        OwnerId::new()
    }
}

impl std::fmt::Display for OwnerId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

/// A training its owner made public: anyone with its link reads the result (never cancels
/// or deletes it).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Share {
    /// Shown on the shared page: the account name, or "anonymous".
    pub by: String,
    /// Whether readers see the uploaded rows (values, labels, file names) and may download
    /// the model (a fine-tuned one carries the ids of the rows it learned from).
    pub include_rows: bool,
}

/// Who is asking, as the identity layer resolved it for this request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Caller {
    /// `EXO_ADMIN_TOKEN`: sees and manages everything; no quotas or rate limits.
    Operator,
    /// A visitor or an account (through its session cookie or an API token), with the
    /// principal its costs are charged to (the account, or a visitor's address).
    Owner { id: OwnerId, account: Option<String>, principal: Principal },
}

impl Caller {
    /// An anonymous visitor coming from `address`.
    pub fn visitor(id: OwnerId, address: AddressBlock) -> Caller {
        Caller::Owner { id, account: None, principal: Principal::Address(address) }
    }

    /// A signed-in account (its session or one of its tokens).
    pub fn account(id: OwnerId, username: String) -> Caller {
        Caller::Owner { id, account: Some(username), principal: Principal::Account(id) }
    }

    /// Who this caller's costs are charged to.
    pub fn principal(&self) -> Principal {
        match self {
            Caller::Operator => Principal::Operator,
            Caller::Owner { principal, .. } => *principal,
        }
    }

    pub fn owner(&self) -> Option<OwnerId> {
        match self {
            Caller::Operator => None,
            Caller::Owner { id, .. } => Some(*id),
        }
    }

    pub fn is_operator(&self) -> bool {
        matches!(self, Caller::Operator)
    }

    /// The name a shared result shows.
    pub fn display_name(&self) -> String {
        match self {
            Caller::Operator => "the operator".into(),
            Caller::Owner { account: Some(name), .. } => name.clone(),
            Caller::Owner { account: None, .. } => "anonymous".into(),
        }
    }

    /// Whether this caller may change or delete work owned by `owner` (and read it whole).
    pub fn manages(&self, owner: Option<OwnerId>) -> bool {
        match self {
            Caller::Operator => true,
            Caller::Owner { id, .. } => owner == Some(*id),
        }
    }
}

/// What a caller may do with one training.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// Owner or operator: everything.
    Manage,
    /// Someone with the link of a shared training: read only.
    ReadShared { include_rows: bool },
    /// Nothing: answered "not found", as if it did not exist.
    None,
}

impl Access {
    /// Whether the caller reaches the per-object rows, the model download and predictions
    /// with the model: the owner, or anyone when it was shared with its rows.
    pub fn reaches_rows(self) -> bool {
        matches!(self, Access::Manage | Access::ReadShared { include_rows: true })
    }

    pub fn of(caller: &Caller, owner: Option<OwnerId>, share: Option<&Share>) -> Access {
        if caller.manages(owner) {
            Access::Manage
        } else if let Some(share) = share {
            Access::ReadShared { include_rows: share.include_rows }
        } else {
            Access::None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn owners_manage_theirs_others_see_shared_only_and_old_work_is_the_operators() {
        let (a, b) = (OwnerId::new(), OwnerId::new());
        let home = AddressBlock::of(std::net::IpAddr::from([192, 0, 2, 1]));
        let alice = Caller::visitor(a, home);
        let bob = Caller::account(b, "bob".into());
        let share = Share { by: "anonymous".into(), include_rows: false };
        assert_eq!(Access::of(&alice, Some(a), None), Access::Manage);
        assert_eq!(Access::of(&bob, Some(a), None), Access::None);
        assert_eq!(Access::of(&bob, Some(a), Some(&share)), Access::ReadShared { include_rows: false });
        assert!(!Access::of(&bob, Some(a), Some(&share)).reaches_rows());
        assert!(Access::of(&bob, Some(a), Some(&Share { include_rows: true, ..share.clone() })).reaches_rows());
        assert!(Access::Manage.reaches_rows() && !Access::None.reaches_rows());
        assert_eq!(Access::of(&Caller::Operator, Some(a), None), Access::Manage);
        assert_eq!(Access::of(&alice, None, None), Access::None, "work from before owners");
        assert_eq!(Access::of(&Caller::Operator, None, None), Access::Manage);
        assert_eq!(bob.display_name(), "bob");
    }
}
