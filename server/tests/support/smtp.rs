//! Real SMTP servers on loopback (aiosmtpd, see tests/smtp/server.py) and the certificates
//! they present, made fresh for each test by a throwaway CA.
#![allow(dead_code)]

use rcgen::{BasicConstraints, CertificateParams, CertifiedIssuer, DnType, IsCa, KeyPair};
use serde_json::Value;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

pub const USER: &str = "billing";
pub const PASSWORD: &str = "s3cret-smtp-Pa55";

pub struct Certs {
    pub dir: tempfile::TempDir,
    pub ca: PathBuf,
    pub cert: PathBuf,
    pub key: PathBuf,
    /// The server certificate's SHA-256, as "Trust this certificate" pins it.
    pub sha256: String,
}

fn sha256(der: &[u8]) -> String {
    use sha2::Digest;
    app::domain::CertificatePin::from_digest(sha2::Sha256::digest(der).into()).to_string()
}

fn write_into(dir: &tempfile::TempDir, name: &str, text: String) -> PathBuf {
    let path = dir.path().join(name);
    std::fs::write(&path, text).unwrap();
    path
}

/// A self-signed server certificate for `names`; with `ca`, marked as a certificate authority,
/// as `openssl req -x509` makes them by default. Its "CA" file is the certificate itself.
pub fn self_signed(names: &[&str], ca: bool) -> Certs {
    let dir = tempfile::tempdir().unwrap();
    let mut params = CertificateParams::new(names.iter().map(|n| n.to_string()).collect::<Vec<_>>()).unwrap();
    params.distinguished_name.push(DnType::CommonName, names[0]);
    if ca {
        params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    }
    let key = KeyPair::generate().unwrap();
    let cert = params.self_signed(&key).unwrap();
    let path = write_into(&dir, "cert.pem", cert.pem());
    Certs { ca: path.clone(), cert: path, key: write_into(&dir, "key.pem", key.serialize_pem()), sha256: sha256(cert.der()), dir }
}

/// A CA, and a server certificate it signed for `names` (DNS names or IP addresses).
pub fn certs(names: &[&str]) -> Certs {
    certs_valid_for(names, None)
}

/// Today's date plus `days`, as (year, month, day) in UTC.
fn date_in(days: i64) -> (i32, u8, u8) {
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs() as i64;
    // Howard Hinnant's days-to-civil.
    let z = now / 86_400 + days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u8;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u8;
    let year = (yoe + era * 400 + i64::from(month <= 2)) as i32;
    (year, month, day)
}

/// Like `certs`, with the server certificate expiring `days_left` days from today.
pub fn certs_valid_for(names: &[&str], days_left: Option<i64>) -> Certs {
    let dir = tempfile::tempdir().unwrap();
    let mut ca_params = CertificateParams::new(Vec::<String>::new()).unwrap();
    ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    ca_params.distinguished_name.push(DnType::CommonName, "Mailroom Test CA");
    let ca = CertifiedIssuer::self_signed(ca_params, KeyPair::generate().unwrap()).unwrap();
    let mut params = CertificateParams::new(names.iter().map(|n| n.to_string()).collect::<Vec<_>>()).unwrap();
    params.distinguished_name.push(DnType::CommonName, names[0]);
    if let Some(days) = days_left {
        let ((y0, m0, d0), (y1, m1, d1)) = (date_in(-30), date_in(days));
        params.not_before = rcgen::date_time_ymd(y0, m0, d0);
        params.not_after = rcgen::date_time_ymd(y1, m1, d1);
    }
    let key = KeyPair::generate().unwrap();
    let cert = params.signed_by(&key, &ca).unwrap();
    let write = |name: &str, text: String| write_into(&dir, name, text);
    Certs {
        ca: write("ca.pem", ca.pem()),
        cert: write("cert.pem", cert.pem()),
        key: write("key.pem", key.serialize_pem()),
        sha256: sha256(cert.der()),
        dir,
    }
}

pub struct SmtpServer {
    child: Child,
    pub host: String,
    pub port: u16,
    record: PathBuf,
    _dir: tempfile::TempDir,
}

fn python() -> PathBuf {
    std::env::var_os("MAILROOM_TEST_PYTHON")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../.tools/venv/bin/python"))
}

/// A port nothing listens on now. It is below the kernel's ephemeral range (32768–60999), so no
/// outgoing connection (to PostgreSQL, to a test's app) can take it between this check and its
/// use, and each is handed out once per test process. A port the kernel picked (bind to port 0)
/// was in that range, and a client socket once took it before the test's SMTP server bound it.
pub fn free_port() -> u16 {
    use std::sync::atomic::{AtomicU32, Ordering};
    const FIRST: u32 = 20_000;
    const COUNT: u32 = 12_000;
    static HANDED_OUT: AtomicU32 = AtomicU32::new(0);
    let start = std::process::id() % COUNT;
    loop {
        let n = HANDED_OUT.fetch_add(1, Ordering::Relaxed);
        assert!(n < COUNT, "every port from {FIRST} to {} was taken", FIRST + COUNT - 1);
        let port = (FIRST + (start + n) % COUNT) as u16;
        if std::net::TcpListener::bind(("127.0.0.1", port)).is_ok() {
            return port;
        }
    }
}

impl SmtpServer {
    pub fn start(mode: &str, certs: Option<&Certs>) -> Self {
        Self::start_on(mode, certs, "127.0.0.1", free_port())
    }

    pub fn start_on(mode: &str, certs: Option<&Certs>, host: &str, port: u16) -> Self {
        Self::start_with(mode, certs, host, port, &[])
    }

    /// With extra server.py options such as `--fail-first 2`.
    pub fn start_with(mode: &str, certs: Option<&Certs>, host: &str, port: u16, extra: &[&str]) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let record = dir.path().join("record.jsonl");
        let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/smtp/server.py");
        let mut command = Command::new(python());
        command.arg(script).args([
            "--mode",
            mode,
            "--host",
            host,
            "--port",
            &port.to_string(),
            "--user",
            USER,
            "--password",
            PASSWORD,
        ]);
        command.arg("--record").arg(&record).args(extra);
        if let Some(certs) = certs {
            command.arg("--cert").arg(&certs.cert).arg("--key").arg(&certs.key);
        }
        let mut child = command.stdout(Stdio::piped()).stderr(Stdio::inherit()).spawn().unwrap_or_else(|e| {
            panic!("cannot start {}: {e}; run ./scripts/test-deps.sh to install aiosmtpd", python().display())
        });
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
        assert_eq!(line.trim(), "ready", "the SMTP server did not start");
        Self { child, host: host.to_owned(), port, record, _dir: dir }
    }

    /// What the server saw: AUTH attempts and messages, in order.
    pub fn events(&self) -> Vec<Value> {
        json_lines(&self.record)
    }

    pub fn of_kind(&self, kind: &str) -> Vec<Value> {
        self.events().into_iter().filter(|e| e["kind"] == kind).collect()
    }

    /// Stops it the hard way (SIGKILL) and waits until it is gone; what it recorded stays.
    pub fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The lines a test server has finished appending to `path` (none if it does not exist yet).
/// Tests poll while the server may be mid-way through a line, so an unterminated tail is left
/// for the next look.
fn complete_lines(path: &Path) -> String {
    let mut text = std::fs::read_to_string(path).unwrap_or_default();
    text.truncate(text.rfind('\n').map_or(0, |end| end + 1));
    text
}

/// The JSON records of `complete_lines`.
fn json_lines(path: &Path) -> Vec<Value> {
    complete_lines(path).lines().map(|l| serde_json::from_str(l).unwrap()).collect()
}

impl Drop for SmtpServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub const CLIENT_ID: &str = "6a1c3f0e-0000-4000-8000-00000000c11d";
pub const CLIENT_SECRET: &str = "Qx8~client-secret-value";
pub const SCOPE: &str = "https://outlook.office365.com/.default";

/// A local OAuth2 token endpoint (tests/smtp/token_server.py) at `url`; the tokens it issued
/// are in `tokens`, which an SmtpServer started with `--tokens` accepts for XOAUTH2.
pub struct TokenServer {
    child: Child,
    pub url: String,
    pub tokens: PathBuf,
    record: PathBuf,
    _dir: tempfile::TempDir,
}

impl TokenServer {
    pub fn start(expires_in: u64) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let (tokens, record, port) = (dir.path().join("tokens.txt"), dir.path().join("requests.jsonl"), free_port());
        let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/smtp/token_server.py");
        let mut child = Command::new(python())
            .arg(script)
            .args(["--port", &port.to_string(), "--client-id", CLIENT_ID, "--client-secret", CLIENT_SECRET, "--scope", SCOPE])
            .args(["--expires-in", &expires_in.to_string()])
            .arg("--tokens")
            .arg(&tokens)
            .arg("--record")
            .arg(&record)
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .unwrap();
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
        assert_eq!(line.trim(), "ready", "the token endpoint did not start");
        Self { child, url: format!("http://127.0.0.1:{port}/token"), tokens, record, _dir: dir }
    }

    /// Its sign-in page, which approves at once and sends the browser back with a code.
    pub fn authorize_url(&self) -> String {
        self.url.replace("/token", "/authorize")
    }

    /// How many tokens it has issued.
    pub fn issued(&self) -> usize {
        complete_lines(&self.tokens).lines().filter(|l| !l.trim().is_empty()).count()
    }

    /// Every request it received (grant type, client ID and scope; never the secret).
    pub fn requests(&self) -> Vec<Value> {
        json_lines(&self.record)
    }

    /// The SMTP server options that make it accept this endpoint's tokens.
    pub fn smtp_args(&self) -> Vec<String> {
        vec!["--tokens".into(), self.tokens.display().to_string()]
    }
}

impl Drop for TokenServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
