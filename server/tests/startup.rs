//! The `mailroom` binary: a bad setting stops start-up with one sentence naming it, and the
//! encryption key is checked before anything is read or written.

use std::process::{Command, Output};

fn mailroom(dir: &std::path::Path, args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_mailroom"));
    command
        .args(args)
        .current_dir(dir)
        .env_remove("MAILROOM_SECRET_KEY")
        .env_remove("DATABASE_URL")
        .env("MAILROOM_DATA_DIR", dir.join("data"))
        .env("MAILROOM_ADDR", "127.0.0.1:0");
    for (key, value) in env {
        command.env(key, value);
    }
    command.output().expect("mailroom runs")
}

/// Starts the server until it says it is serving (or exits first), then stops it.
fn serves(dir: &std::path::Path, env: &[(&str, &str)]) -> bool {
    use std::io::BufRead;
    let mut command = Command::new(env!("CARGO_BIN_EXE_mailroom"));
    command
        .current_dir(dir)
        .env_remove("MAILROOM_SECRET_KEY")
        .env_remove("DATABASE_URL")
        .env("MAILROOM_DATA_DIR", dir.join("data"))
        .env("MAILROOM_ADDR", "127.0.0.1:0");
    for (key, value) in env {
        command.env(key, value);
    }
    let mut child = command.stdout(std::process::Stdio::piped()).stderr(std::process::Stdio::null()).spawn().unwrap();
    // The line arrives once the server listens; end of output means it exited instead.
    let stdout = std::io::BufReader::new(child.stdout.take().unwrap());
    let serving = stdout.lines().map_while(Result::ok).any(|line| line.starts_with("Mailroom is serving on "));
    let _ = child.kill();
    let _ = child.wait();
    serving
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).lines().filter(|l| !l.contains(" INFO ")).collect::<Vec<_>>().join("\n")
}

#[test]
fn a_bad_setting_is_named_in_one_sentence() {
    let dir = tempfile::tempdir().unwrap();
    for (env, variable) in [
        (("MAILROOM_ADDR", "localhost"), "MAILROOM_ADDR"),
        (("MAILROOM_PUBLIC_URL", "mail.example.com"), "MAILROOM_PUBLIC_URL"),
        (("MAILROOM_SESSION_IDLE_MINUTES", "soon"), "MAILROOM_SESSION_IDLE_MINUTES"),
        (("DATABASE_URL", "mysql://db/mailroom"), "DATABASE_URL"),
        (("DATABASE_URL", "postgres://mailroom:hunter2-secret@127.0.0.1:1/mailroom"), "DATABASE_URL"),
        (("MAILROOM_DATA_DIR", "/proc/mailroom-cannot-be-here"), "MAILROOM_DATA_DIR"),
        (("MAILROOM_SECRET_KEY", "too-short"), "MAILROOM_SECRET_KEY"),
    ] {
        let output = mailroom(dir.path(), &[], &[env]);
        let text = stderr(&output);
        assert_eq!(output.status.code(), Some(1), "{variable}: {text}");
        assert!(text.starts_with("mailroom: cannot start: ") && text.contains(variable), "{variable}: {text}");
        assert!(!text.contains("panicked") && !text.contains("RUST_BACKTRACE"), "{text}");
        assert_eq!(text.lines().count(), 1, "{text}");
        assert!(!text.contains("hunter2-secret"), "the database password is never shown: {text}");
    }
}

#[test]
fn a_wrong_or_missing_key_stops_start_up_and_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let key_a = "AQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQE=";
    let key_b = "AgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgI=";
    assert!(serves(dir.path(), &[("MAILROOM_SECRET_KEY", key_a)]));
    let wrong = mailroom(dir.path(), &[], &[("MAILROOM_SECRET_KEY", key_b)]);
    assert!(stderr(&wrong).contains("does not match"), "{}", stderr(&wrong));
    let missing = mailroom(dir.path(), &[], &[]);
    assert!(stderr(&missing).contains("secret.key is missing"), "{}", stderr(&missing));
    assert!(!dir.path().join("data/secret.key").exists(), "no new key replaces the lost one");
    assert!(serves(dir.path(), &[("MAILROOM_SECRET_KEY", key_a)]), "the right key still opens it");
}

#[test]
fn rotate_key_replaces_the_key_file() {
    let dir = tempfile::tempdir().unwrap();
    assert!(serves(dir.path(), &[]));
    let key_file = dir.path().join("data/secret.key");
    let before = std::fs::read_to_string(&key_file).unwrap();
    let output = mailroom(dir.path(), &["rotate-key"], &[]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(String::from_utf8_lossy(&output.stdout).contains("Back up the new file"));
    let after = std::fs::read_to_string(&key_file).unwrap();
    assert_ne!(before, after);
    assert!(serves(dir.path(), &[]), "the rotated key opens the database");
}

#[test]
fn an_unknown_command_is_explained() {
    let dir = tempfile::tempdir().unwrap();
    let output = mailroom(dir.path(), &["serv"], &[]);
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("unknown command \"serv\""));
}
