// The UI Trunk builds lives in dist/. A release build embeds it, so it is rebuilt when dist/
// changes. A build with debug assertions reads dist/ from disk at run time (rust-embed), so
// nothing there needs a rebuild.
//
// dist/ is made here when missing: rust-embed resolves the folder when the server is compiled,
// and a debug build compiled before the first web build would otherwise never find the files
// Trunk writes later (it checks each file against the path as written, with its `..`).
fn main() {
    let dist = std::path::Path::new("../dist");
    if let Err(e) = std::fs::create_dir_all(dist) {
        println!("cargo:warning=could not create {}: {e}", dist.display());
    }
    if std::env::var_os("CARGO_CFG_DEBUG_ASSERTIONS").is_some() {
        println!("cargo:rerun-if-changed=build.rs");
    } else {
        println!("cargo:rerun-if-changed=../dist");
    }
}
