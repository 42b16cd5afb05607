// A release build embeds dist/ (the UI Trunk builds), so it is rebuilt when dist/ changes. A
// build with debug assertions reads dist/ from disk at run time (rust-embed), so nothing there
// needs a rebuild; watching a dist/ that does not exist yet would rebuild it on every run.
fn main() {
    if std::env::var_os("CARGO_CFG_DEBUG_ASSERTIONS").is_some() {
        println!("cargo:rerun-if-changed=build.rs");
    } else {
        println!("cargo:rerun-if-changed=../dist");
    }
}
