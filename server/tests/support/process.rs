//! The real `mailroom` binary as a child process, for tests that stop it the hard way.

use super::{eventually, Browser, ADMIN_EMAIL, ADMIN_PASSWORD};
use std::path::Path;
use std::process::{Child, Command, Stdio};

pub struct Server {
    pub child: Child,
    pub base: String,
}

impl Server {
    /// Starts `mailroom` on `port` over `data`, with the first administrator from the environment.
    pub fn start(data: &Path, port: u16, extra: &[(&str, &str)]) -> Self {
        Self::start_logging(data, port, extra, Stdio::null(), Stdio::inherit())
    }

    /// Like `start`, with its standard output and error going where the test wants them.
    pub fn start_logging(data: &Path, port: u16, extra: &[(&str, &str)], stdout: Stdio, stderr: Stdio) -> Self {
        let mut command = Command::new(env!("CARGO_BIN_EXE_mailroom"));
        command
            .env("MAILROOM_ADDR", format!("127.0.0.1:{port}"))
            .env("MAILROOM_DATA_DIR", data)
            .env("MAILROOM_ADMIN_EMAIL", ADMIN_EMAIL)
            .env("MAILROOM_ADMIN_PASSWORD", ADMIN_PASSWORD)
            .env("RUST_LOG", "warn")
            .env_remove("MAILROOM_SECRET_KEY")
            .env_remove("DATABASE_URL")
            .stdout(stdout)
            .stderr(stderr);
        for (key, value) in extra {
            command.env(key, value);
        }
        Self { child: command.spawn().expect("mailroom starts"), base: format!("http://127.0.0.1:{port}") }
    }

    /// Waits until it answers HTTP.
    pub async fn ready(&self) {
        let http = reqwest::Client::new();
        assert!(eventually(20, || async { http.get(&self.base).send().await.is_ok() }).await, "the server started");
    }

    /// A browser signed in as the first administrator.
    pub async fn admin(&self) -> Browser {
        let admin = Browser {
            base: self.base.clone(),
            origin: Some(self.base.clone()),
            http: reqwest::Client::builder().cookie_store(true).build().unwrap(),
        };
        admin.sign_in(ADMIN_EMAIL, ADMIN_PASSWORD).await.expect("admin signs in");
        admin
    }

    /// Sends a signal (`-TERM`, `-KILL`) and waits for the process to end.
    pub fn stop(mut self, signal: &str) {
        Command::new("kill").args([signal, &self.child.id().to_string()]).status().unwrap();
        let _ = self.child.wait();
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Runs `mailroom rotate-key` on the SQLite database and key file in `data`.
pub fn rotate_key(data: &Path) {
    let rotated = Command::new(env!("CARGO_BIN_EXE_mailroom"))
        .arg("rotate-key")
        .env("MAILROOM_DATA_DIR", data)
        .env_remove("MAILROOM_SECRET_KEY")
        .env_remove("DATABASE_URL")
        .output()
        .unwrap();
    assert!(rotated.status.success(), "{}", String::from_utf8_lossy(&rotated.stderr));
}
