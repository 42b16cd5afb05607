//! The baseline for `settings/list`: a bare axum route serving the same answer from memory, as
//! the bytes Mailroom sent (Mailroom too sends the rows as it serialised them when it read the
//! list), with no session, database or server-function layer in front.
//!
//!     bare <address> <rows.json>      then POST /rows

use app::api::ListedSettings;
use axum::body::Bytes;
use axum::http::header::CONTENT_TYPE;
use axum::routing::post;
use axum::Router;

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
    let _: ListedSettings = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{file} is not a settings list: {e}"));
    let rows = Bytes::from(text);
    let app = Router::new().route("/rows", post(move || async move { ([(CONTENT_TYPE, "application/json")], rows) }));
    let listener = tokio::net::TcpListener::bind(address).await.unwrap_or_else(|e| panic!("{address}: {e}"));
    axum::serve(listener, app).await.expect("serves");
}
