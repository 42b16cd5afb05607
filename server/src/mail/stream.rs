//! The socket under lettre's SMTP client. Mailroom keeps a handle on it so that it can record
//! the conversation as it passes, and perform the TLS handshake itself (to report the protocol
//! and certificate, with its own trust store) while lettre speaks SMTP over it.

use super::reply_guard::{ReplyGuard, Violation};
use super::transcript::{Mode, Transcript};
use lettre::transport::smtp::client::AsyncTokioStream;
use rustls::pki_types::ServerName;
use std::io;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::{Arc, Mutex, MutexGuard};
use std::task::{Context, Poll};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::TcpStream;
use tokio_rustls::client::TlsStream;
use tokio_rustls::TlsConnector;

enum Io {
    Plain(TcpStream),
    Tls(Box<TlsStream<TcpStream>>),
    /// During the handshake, or after it failed.
    Taken,
}

struct Shared {
    io: Io,
    guard: ReplyGuard,
    transcript: Transcript,
    /// Off for long-lived sending connections, whose transcript nobody reads.
    recording: bool,
}

/// Mailroom's handle: switch to TLS, set the transcript mode, read the transcript.
#[derive(Clone)]
pub struct Tap {
    shared: Arc<Mutex<Shared>>,
    peer: SocketAddr,
}

/// What lettre reads from and writes to.
pub struct TappedStream {
    shared: Arc<Mutex<Shared>>,
    peer: SocketAddr,
}

impl std::fmt::Debug for TappedStream {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TappedStream").field("peer", &self.peer).finish()
    }
}

impl Tap {
    pub fn new(tcp: TcpStream, peer: SocketAddr) -> Self {
        Self::with_recording(tcp, peer, true)
    }

    pub fn with_recording(tcp: TcpStream, peer: SocketAddr, recording: bool) -> Self {
        let shared = Shared { io: Io::Plain(tcp), guard: ReplyGuard::default(), transcript: Transcript::default(), recording };
        Self { shared: Arc::new(Mutex::new(shared)), peer }
    }

    fn lock(&self) -> MutexGuard<'_, Shared> {
        self.shared.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    pub fn stream(&self) -> Box<dyn AsyncTokioStream> {
        Box::new(TappedStream { shared: self.shared.clone(), peer: self.peer })
    }

    pub fn set_mode(&self, mode: Mode) {
        self.lock().transcript.set_mode(mode);
    }

    pub fn last_reply(&self) -> Vec<String> {
        self.lock().transcript.last_reply()
    }

    pub fn transcript(&self) -> Transcript {
        std::mem::take(&mut self.lock().transcript)
    }

    /// Performs the TLS handshake on the connection; returns a description of the session.
    /// Refuses if the server sent anything beyond its reply to STARTTLS, read or not yet read.
    pub async fn start_tls(
        &self,
        connector: &TlsConnector,
        name: ServerName<'static>,
        now_unix: i64,
        pinned: bool,
    ) -> io::Result<super::tls::Handshake> {
        let tcp = {
            let mut shared = self.lock();
            if let Err(violation) = shared.guard.ready_for_tls() {
                shared.transcript.note(violation.to_string());
                return Err(violation.into_io());
            }
            match std::mem::replace(&mut shared.io, Io::Taken) {
                Io::Plain(tcp) => tcp,
                other => {
                    shared.io = other;
                    return Err(io::Error::other("the connection is already encrypted"));
                }
            }
        };
        if unread(&tcp) {
            self.lock().transcript.note(Violation::StartTlsInjection.to_string());
            return Err(Violation::StartTlsInjection.into_io());
        }
        let tls = connector.connect(name, tcp).await?;
        let handshake = super::tls::describe(tls.get_ref().1, now_unix, pinned);
        let mut shared = self.lock();
        shared.io = Io::Tls(Box::new(tls));
        shared.transcript.note(format!("TLS handshake done: {}", handshake.described));
        Ok(handshake)
    }
}

impl TappedStream {
    fn lock(&self) -> MutexGuard<'_, Shared> {
        self.shared.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

/// Whether bytes are waiting on the socket (Tokio's sockets are non-blocking, so this peeks
/// without waiting).
fn unread(tcp: &TcpStream) -> bool {
    let mut byte = [std::mem::MaybeUninit::<u8>::uninit()];
    matches!(socket2::SockRef::from(tcp).peek(&mut byte), Ok(n) if n > 0)
}

fn taken() -> io::Error {
    io::Error::new(io::ErrorKind::NotConnected, "the connection is being upgraded to TLS")
}

impl AsyncRead for TappedStream {
    fn poll_read(self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &mut ReadBuf<'_>) -> Poll<io::Result<()>> {
        let mut shared = self.lock();
        let before = buf.filled().len();
        let polled = match &mut shared.io {
            Io::Plain(s) => Pin::new(s).poll_read(cx, buf),
            Io::Tls(s) => Pin::new(s.as_mut()).poll_read(cx, buf),
            Io::Taken => return Poll::Ready(Err(taken())),
        };
        if let Poll::Ready(Ok(())) = &polled {
            let received = &buf.filled()[before..];
            if shared.recording {
                shared.transcript.received(received);
            }
            if let Err(violation) = shared.guard.received(received) {
                shared.transcript.note(violation.to_string());
                return Poll::Ready(Err(violation.into_io()));
            }
        }
        polled
    }
}

impl AsyncWrite for TappedStream {
    fn poll_write(self: Pin<&mut Self>, cx: &mut Context<'_>, data: &[u8]) -> Poll<io::Result<usize>> {
        let mut shared = self.lock();
        let polled = match &mut shared.io {
            Io::Plain(s) => Pin::new(s).poll_write(cx, data),
            Io::Tls(s) => Pin::new(s.as_mut()).poll_write(cx, data),
            Io::Taken => return Poll::Ready(Err(taken())),
        };
        if let Poll::Ready(Ok(n)) = &polled {
            shared.guard.sent();
            if shared.recording {
                shared.transcript.sent(&data[..*n]);
            }
        }
        polled
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        match &mut self.lock().io {
            Io::Plain(s) => Pin::new(s).poll_flush(cx),
            Io::Tls(s) => Pin::new(s.as_mut()).poll_flush(cx),
            Io::Taken => Poll::Ready(Err(taken())),
        }
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        match &mut self.lock().io {
            Io::Plain(s) => Pin::new(s).poll_shutdown(cx),
            Io::Tls(s) => Pin::new(s.as_mut()).poll_shutdown(cx),
            Io::Taken => Poll::Ready(Ok(())),
        }
    }
}

impl AsyncTokioStream for TappedStream {
    fn peer_addr(&self) -> io::Result<SocketAddr> {
        Ok(self.peer)
    }
}
