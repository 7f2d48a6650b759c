//! The front end's files under `/pkg` (the WASM, its JavaScript glue and the style sheet that
//! cargo-leptos writes to `target/site/pkg`), served precompressed.
//!
//! cargo-leptos does not write `.br` / `.gz` files in debug builds, so the server makes them
//! once at start-up, off the async threads, for every file that has none or an older one.
//! Each is written to a temporary name and renamed into place, so a request never sees half
//! a file; until a file's variants exist, the compression layer compresses it on the fly.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Instant;

/// File types worth compressing (images such as PNG are compressed already).
const COMPRESSIBLE: &[&str] = &["wasm", "js", "mjs", "css", "html", "json", "svg", "txt", "map"];

/// Brotli's best quality (11) takes about a second per MB. A release build's files (2.8 MB of
/// WASM in ~150 chunks) get it; a debug build's (tens of MB) get a faster quality, or the
/// first minute after start-up would be spent compressing (38.7 s at quality 11 with split
/// debug chunks, which slowed the first training fourfold).
const BEST_QUALITY_UP_TO: u64 = 4 * 1024 * 1024;
const FAST_QUALITY: u32 = 5;

/// Starts writing the missing or outdated `.br` and `.gz` files of `pkg_dir` on a thread of
/// its own at the lowest priority (requests and trainings go first); returns at once.
pub fn precompress_in_background(pkg_dir: PathBuf) {
    let spawned = std::thread::Builder::new().name("precompress".into()).spawn(move || {
        crate::server::priority::lowest_for_this_thread();
        let started = Instant::now();
        match precompress(&pkg_dir) {
            Ok(0) => {}
            Ok(written) => {
                tracing::info!(dir = %pkg_dir.display(), written, ms = started.elapsed().as_millis() as u64, "precompressed static files")
            }
            Err(error) => {
                tracing::warn!(dir = %pkg_dir.display(), %error, "static files not precompressed; they are compressed per request")
            }
        }
    });
    if let Err(error) = spawned {
        tracing::warn!(%error, "static files not precompressed; they are compressed per request");
    }
}

/// Writes `<file>.br` and `<file>.gz` beside every compressible file in `dir` (not its
/// subfolders) that lacks them or whose variant is older than the file; the number written.
/// A missing folder (the front end not built) is not an error.
pub fn precompress(dir: &Path) -> std::io::Result<usize> {
    let entries = match fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(0),
        Err(e) => return Err(e),
    };
    // Every variant to write, then one brotli quality for all of them by their total size.
    let mut stale: Vec<StaleVariant> = Vec::new();
    for entry in entries.flatten() {
        let path = entry.path();
        let Some(extension) = path.extension().and_then(|e| e.to_str()) else { continue };
        if !COMPRESSIBLE.contains(&extension) || !entry.file_type().is_ok_and(|t| t.is_file()) {
            continue;
        }
        for variant in [Variant::Brotli, Variant::Gzip] {
            let target = variant.path_for(&path);
            if !is_fresh(&path, &target) {
                let bytes = entry.metadata().map(|m| m.len()).unwrap_or(0);
                stale.push(StaleVariant { source: path.clone(), target, variant, bytes });
            }
        }
    }
    let brotli_bytes: u64 = stale.iter().filter(|s| matches!(s.variant, Variant::Brotli)).map(|s| s.bytes).sum();
    let quality = if brotli_bytes <= BEST_QUALITY_UP_TO { 11 } else { FAST_QUALITY };
    for s in &stale {
        s.variant.write(&s.source, &s.target, quality)?;
    }
    Ok(stale.len())
}

/// A compressed variant that is missing or older than its source, and the source's size.
struct StaleVariant {
    source: PathBuf,
    target: PathBuf,
    variant: Variant,
    bytes: u64,
}

#[derive(Clone, Copy)]
enum Variant {
    Brotli,
    Gzip,
}

impl Variant {
    fn path_for(self, source: &Path) -> PathBuf {
        let mut name = source.as_os_str().to_owned();
        name.push(match self {
            Variant::Brotli => ".br",
            Variant::Gzip => ".gz",
        });
        PathBuf::from(name)
    }

    fn write(self, source: &Path, target: &Path, brotli_quality: u32) -> std::io::Result<()> {
        let bytes = fs::read(source)?;
        let partial = target.with_extension(format!("{}.partial", std::process::id()));
        let result = (|| {
            let file = std::io::BufWriter::new(fs::File::create(&partial)?);
            match self {
                Variant::Brotli => {
                    let mut writer = brotli::CompressorWriter::new(file, 64 * 1024, brotli_quality, 22);
                    writer.write_all(&bytes)?;
                    writer.flush()?;
                    writer.into_inner().into_inner().map_err(|e| e.into_error())?.sync_all()?;
                }
                Variant::Gzip => {
                    let mut writer = flate2::write::GzEncoder::new(file, flate2::Compression::best());
                    writer.write_all(&bytes)?;
                    writer.finish()?.into_inner().map_err(|e| e.into_error())?.sync_all()?;
                }
            }
            fs::rename(&partial, target)
        })();
        if result.is_err() {
            let _ = fs::remove_file(&partial);
        }
        result
    }
}

/// True when `variant` exists and is at least as new as `source`.
fn is_fresh(source: &Path, variant: &Path) -> bool {
    let modified = |p: &Path| fs::metadata(p).and_then(|m| m.modified()).ok();
    match (modified(source), modified(variant)) {
        (Some(source), Some(variant)) => variant >= source,
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Read;

    #[test]
    fn writes_missing_and_outdated_variants_that_decompress_to_the_source() {
        let dir = std::env::temp_dir().join(format!("exo-pkg-{}", uuid::Uuid::new_v4()));
        fs::create_dir_all(&dir).unwrap();
        let js = "export function hydrate() { return 42; }\n".repeat(200);
        fs::write(dir.join("app.js"), &js).unwrap();
        fs::write(dir.join("picture.png"), [0u8; 100]).unwrap();
        assert_eq!(precompress(&dir).unwrap(), 2);
        assert!(!dir.join("picture.png.br").exists(), "only compressible types");
        assert_eq!(precompress(&dir).unwrap(), 0, "fresh variants are kept");

        let mut unbrotli = String::new();
        brotli::Decompressor::new(fs::File::open(dir.join("app.js.br")).unwrap(), 4096)
            .read_to_string(&mut unbrotli)
            .unwrap();
        assert_eq!(unbrotli, js);
        let mut ungzip = String::new();
        flate2::read::GzDecoder::new(fs::File::open(dir.join("app.js.gz")).unwrap())
            .read_to_string(&mut ungzip)
            .unwrap();
        assert_eq!(ungzip, js);

        // A rebuilt source (newer than its variants) is compressed again.
        let old = std::time::SystemTime::now() - std::time::Duration::from_secs(60);
        for variant in ["app.js.br", "app.js.gz"] {
            fs::File::options().write(true).open(dir.join(variant)).unwrap().set_modified(old).unwrap();
        }
        assert_eq!(precompress(&dir).unwrap(), 2);
        assert_eq!(precompress(&std::env::temp_dir().join("exo-no-such-pkg")).unwrap(), 0);
        let _ = fs::remove_dir_all(&dir);
    }
}
