//! The browser entry point: mounts the product's `App`, nothing else.

fn main() {
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(app::App);
}
