//! `mailroom` serves the panel; `mailroom rotate-key` re-encrypts stored secrets under a new
//! key. Start-up failures print one sentence naming what to fix.

use mailroom::config::Config;
use mailroom::{Application, StartError};
use std::process::ExitCode;

const USAGE: &str = "usage: mailroom [serve | rotate-key]\n\
  serve       serve the panel (the default)\n\
  rotate-key  re-encrypt stored SMTP passwords under a new key";

#[tokio::main]
async fn main() -> ExitCode {
    return_large_blocks_to_the_system();
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info,sqlx=warn,tower_http=info".into()),
        )
        .init();
    let command = std::env::args().nth(1);
    let result = match command.as_deref() {
        None | Some("serve") => serve().await,
        Some("rotate-key") => rotate_key().await,
        Some("-h" | "--help" | "help") => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Some(other) => {
            eprintln!("mailroom: unknown command \"{other}\".\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("mailroom: {message}");
            ExitCode::from(1)
        }
    }
}

/// Each password check allocates 19 MiB. glibc raises its mmap threshold after such a block is
/// freed, so later ones would come from, and stay in, each blocking thread's heap arena: the
/// resident size would then grow with the number of threads that ever hashed, not with the
/// checks running. A fixed threshold hands every large block back when it is freed.
fn return_large_blocks_to_the_system() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: mallopt only sets an allocator parameter, under glibc's own lock.
    unsafe {
        libc::mallopt(libc::M_MMAP_THRESHOLD, 1 << 20);
    }
}

async fn serve() -> Result<(), String> {
    let config = Config::from_env().map_err(|e| format!("cannot start: {e}"))?;
    let public_url = config.public_url.clone();
    let app = Application::build(config).await.map_err(|e: StartError| format!("cannot start: {e}"))?;
    println!("Mailroom is serving on {public_url} (listening on {})", app.local_addr());
    if let Some(link) = app.setup_link() {
        println!("No administrator exists yet. Create the first one here (the link works once): {link}");
    }
    app.run().await.map_err(|e| format!("the server stopped: {e}"))
}

async fn rotate_key() -> Result<(), String> {
    let config = Config::from_env().map_err(|e| format!("cannot rotate the key: {e}"))?;
    let (db, _) = mailroom::open_store(&config).await.map_err(|e| format!("cannot rotate the key: {e}"))?;
    let outcome = mailroom::keyring::rotate(&db, &config).await.map_err(|e| format!("cannot rotate the key: {e}"))?;
    println!("{outcome}");
    Ok(())
}
