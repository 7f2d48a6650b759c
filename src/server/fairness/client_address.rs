//! Where a request comes from: the connection's address, or behind a trusted proxy
//! (`EXO_TRUST_PROXY`) the last `X-Forwarded-For` entry, the one the proxy itself added (the
//! entries before it are whatever the client wrote).

use std::net::{IpAddr, SocketAddr};

use axum::extract::ConnectInfo;
use axum::http::Request;

/// The client's address of `request`.
pub fn client_address<B>(request: &Request<B>, trust_proxy: bool) -> IpAddr {
    if trust_proxy {
        let forwarded = request.headers().get("x-forwarded-for").and_then(|v| v.to_str().ok());
        if let Some(ip) = forwarded.and_then(|v| v.rsplit(',').next()).and_then(|ip| ip.trim().parse().ok()) {
            return ip;
        }
    }
    request.extensions().get::<ConnectInfo<SocketAddr>>().map(|c| c.0.ip()).unwrap_or(IpAddr::from([0, 0, 0, 0]))
}
