// The UI Trunk builds lives in dist/.
//
// A build with debug assertions reads dist/ from disk at run time (rust-embed), so nothing
// there needs a rebuild. It makes dist/ when missing: rust-embed resolves the folder when the
// server is compiled, and a debug server compiled before the first web build would otherwise
// never find the files Trunk writes later (it checks each against the path as written, `..`
// and all).
//
// A release build embeds dist/, so it is rebuilt when dist/ changes, and says so when there is
// no UI to embed (`make build` builds it first; the binary then serves a page saying so).
fn main() {
    let dist = std::path::Path::new("../dist");
    if std::env::var_os("CARGO_CFG_DEBUG_ASSERTIONS").is_some() {
        if let Err(e) = std::fs::create_dir_all(dist) {
            println!("cargo:warning=could not create {}: {e}", dist.display());
        }
        println!("cargo:rerun-if-changed=build.rs");
    } else {
        if !dist.join("index.html").exists() {
            println!("cargo:warning=no web interface in ../dist to embed: run `make build` for a binary that serves it");
        }
        println!("cargo:rerun-if-changed=../dist");
    }
}
