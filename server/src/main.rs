//! `mailroom` serves the panel; `mailroom rotate-key` re-encrypts stored secrets under a new
//! key. Start-up failures print one sentence naming what to fix.

use mailroom::config::Config;
use mailroom::{Application, StartError};
use std::process::ExitCode;

const USAGE: &str = "usage: mailroom [serve | rotate-key]\n\
  serve       serve the panel (the default)\n\
  rotate-key  re-encrypt stored SMTP passwords under a new key";

/// mimalloc, not glibc's malloc: under load glibc spent a sixth of the server's time in its
/// free lists (profiled on `settings/list` under `make bench`).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[tokio::main]
async fn main() -> ExitCode {
    no_transparent_huge_pages();
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

/// No transparent huge pages: mimalloc's memory would otherwise be backed by 2 MiB pages, and a
/// few touched bytes would keep a whole one resident (idle RSS went from 22 to 46 MB).
fn no_transparent_huge_pages() {
    #[cfg(target_os = "linux")]
    // SAFETY: prctl with PR_SET_THP_DISABLE only sets a flag of this process.
    unsafe {
        libc::prctl(libc::PR_SET_THP_DISABLE, 1, 0, 0, 0);
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
