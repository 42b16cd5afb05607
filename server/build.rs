// Rebuild when the UI in dist/ is rebuilt, so the binary embeds the current one.
fn main() {
    println!("cargo:rerun-if-changed=../dist");
}
