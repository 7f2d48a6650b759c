//! Server entry point: everything lives in `server::serve`, so this stays tiny.

#[tokio::main]
async fn main() {
    if let Err(message) = exoplanet_playground::server::serve().await {
        eprintln!("exoplanet-playground: {message}");
        std::process::exit(1);
    }
}
