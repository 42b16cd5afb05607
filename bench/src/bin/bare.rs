//! The baseline for `settings/list`: a bare axum route serving the same rows from memory,
//! serialised from typed rows on every request (Mailroom sends the bytes it serialised when it
//! read the list), with no session, database or server-function layer in front.
//!
//!     bare <address> <rows.json>      then POST /rows

use app::api::ListedSettings;
use axum::http::header::CONTENT_TYPE;
use axum::routing::post;
use axum::Router;
use std::sync::Arc;

/// The server's allocator, so the ratio measures the server's own work, not its allocator.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args().collect();
    let [_, address, file] = args.as_slice() else {
        eprintln!("usage: bare <address> <rows.json>");
        std::process::exit(2);
    };
    let text = std::fs::read_to_string(file).unwrap_or_else(|e| panic!("{file}: {e}"));
    let rows: Arc<ListedSettings> = Arc::new(serde_json::from_str(&text).unwrap_or_else(|e| panic!("{file}: {e}")));
    let app = Router::new().route(
        "/rows",
        post(move || {
            let rows = rows.clone();
            async move { ([(CONTENT_TYPE, "application/json")], serde_json::to_vec(&*rows).expect("rows serialise")) }
        }),
    );
    let listener = tokio::net::TcpListener::bind(address).await.unwrap_or_else(|e| panic!("{address}: {e}"));
    axum::serve(listener, app).await.expect("serves");
}
