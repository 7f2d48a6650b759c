//! Who pays for a request: the *principal*. Identities are cheap (a visitor cookie is free to
//! drop), so budgets that matter for fairness are not kept per identity but per principal:
//! an account (each signed-in person, with their API tokens), or for anonymous visitors the
//! address they come from (an IPv4 address, or an IPv6 /64, which one household or phone
//! is given whole). Many anonymous identities from one address therefore share one budget,
//! and signing in gives a person a budget of their own (a classroom behind one school
//! address signs in, or shares the address budget sized for a class).

use std::fmt;
use std::net::{IpAddr, Ipv6Addr};

use super::super::owner::OwnerId;

/// An anonymous visitor's address as budgets see it: IPv4 whole, IPv6 cut to its /64
/// (IPv4-mapped IPv6 addresses count as the IPv4 address).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct AddressBlock(IpAddr);

impl AddressBlock {
    pub fn of(ip: IpAddr) -> AddressBlock {
        match ip {
            IpAddr::V4(v4) => AddressBlock(IpAddr::V4(v4)),
            IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
                Some(v4) => AddressBlock(IpAddr::V4(v4)),
                None => {
                    let s = v6.segments();
                    AddressBlock(IpAddr::V6(Ipv6Addr::new(s[0], s[1], s[2], s[3], 0, 0, 0, 0)))
                }
            },
        }
    }
}

impl fmt::Display for AddressBlock {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            IpAddr::V4(v4) => write!(f, "{v4}"),
            IpAddr::V6(v6) => write!(f, "{v6}/64"),
        }
    }
}

/// Who a request's costs are charged to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Principal {
    /// `EXO_ADMIN_TOKEN`: no budgets.
    Operator,
    /// A signed-in account (its session or one of its API tokens).
    Account(OwnerId),
    /// Every anonymous visitor from one address.
    Address(AddressBlock),
}

impl Principal {
    /// The stable text kept in the database (the `principal` column of trainings and usage).
    pub fn key(&self) -> String {
        self.to_string()
    }

    pub fn is_operator(&self) -> bool {
        matches!(self, Principal::Operator)
    }

    pub fn is_anonymous(&self) -> bool {
        matches!(self, Principal::Address(_))
    }
}

impl fmt::Display for Principal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Principal::Operator => f.write_str("operator"),
            Principal::Account(owner) => write!(f, "account:{owner}"),
            Principal::Address(block) => write!(f, "address:{block}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ipv6_addresses_of_one_64_are_one_principal_and_mapped_ipv4_is_ipv4() {
        let a: IpAddr = "2001:db8:1:2:aaaa::1".parse().unwrap();
        let b: IpAddr = "2001:db8:1:2:ffff:1:2:3".parse().unwrap();
        let other: IpAddr = "2001:db8:1:3::1".parse().unwrap();
        assert_eq!(AddressBlock::of(a), AddressBlock::of(b));
        assert_ne!(AddressBlock::of(a), AddressBlock::of(other));
        assert_eq!(Principal::Address(AddressBlock::of(a)).key(), "address:2001:db8:1:2::/64");
        let mapped: IpAddr = "::ffff:192.0.2.7".parse().unwrap();
        assert_eq!(AddressBlock::of(mapped), AddressBlock::of("192.0.2.7".parse().unwrap()));
        assert_eq!(Principal::Address(AddressBlock::of(mapped)).key(), "address:192.0.2.7");
        let owner = OwnerId::new();
        assert_eq!(Principal::Account(owner).key(), format!("account:{owner}"));
    }
}
