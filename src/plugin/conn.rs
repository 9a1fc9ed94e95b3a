//! Accepting connections: plain or TLS streams fed to tonic as one stream type.
//!
//! tonic's own TLS cannot take a custom client verifier, so we accept on the unix
//! socket ourselves, run the rustls handshake in a task per connection (one slow or
//! hostile client cannot hold up the others) and pass finished streams to tonic
//! through a channel.

use std::io;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{UnixListener, UnixStream};
use tokio::sync::mpsc;
use tokio_rustls::server::TlsStream;
use tokio_rustls::TlsAcceptor;
use tokio_stream::wrappers::ReceiverStream;

use super::log;

/// A handshake that takes longer than this is abandoned; Terraform's takes milliseconds.
const TLS_HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(10);

/// One accepted connection, ready for HTTP/2.
pub enum Conn {
    /// Plaintext (TLS disabled by the user).
    Plain(UnixStream),
    /// After a successful mutual-TLS handshake.
    Tls(Box<TlsStream<UnixStream>>),
}

impl tonic::transport::server::Connected for Conn {
    // Nothing about the peer is useful to the provider: it is always Terraform.
    type ConnectInfo = ();

    fn connect_info(&self) -> Self::ConnectInfo {}
}

impl AsyncRead for Conn {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        match self.get_mut() {
            Conn::Plain(s) => Pin::new(s).poll_read(cx, buf),
            Conn::Tls(s) => Pin::new(s.as_mut()).poll_read(cx, buf),
        }
    }
}

impl AsyncWrite for Conn {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        match self.get_mut() {
            Conn::Plain(s) => Pin::new(s).poll_write(cx, buf),
            Conn::Tls(s) => Pin::new(s.as_mut()).poll_write(cx, buf),
        }
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        match self.get_mut() {
            Conn::Plain(s) => Pin::new(s).poll_write_vectored(cx, bufs),
            Conn::Tls(s) => Pin::new(s.as_mut()).poll_write_vectored(cx, bufs),
        }
    }

    fn is_write_vectored(&self) -> bool {
        match self {
            Conn::Plain(s) => s.is_write_vectored(),
            Conn::Tls(s) => s.is_write_vectored(),
        }
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        match self.get_mut() {
            Conn::Plain(s) => Pin::new(s).poll_flush(cx),
            Conn::Tls(s) => Pin::new(s.as_mut()).poll_flush(cx),
        }
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        match self.get_mut() {
            Conn::Plain(s) => Pin::new(s).poll_shutdown(cx),
            Conn::Tls(s) => Pin::new(s.as_mut()).poll_shutdown(cx),
        }
    }
}

/// The stream of ready connections tonic serves.
pub type Incoming = ReceiverStream<io::Result<Conn>>;

/// Spawns the accept loop on the current runtime and returns the stream of connections.
///
/// With `tls`, only clients completing the mutual-TLS handshake reach tonic; failures
/// are logged at debug level and dropped. The loop ends when tonic drops the stream.
pub fn spawn_accept_loop(listener: UnixListener, tls: Option<TlsAcceptor>) -> Incoming {
    let (tx, rx) = mpsc::channel(16);
    tokio::spawn(accept_loop(listener, tls, tx));
    ReceiverStream::new(rx)
}

async fn accept_loop(
    listener: UnixListener,
    tls: Option<TlsAcceptor>,
    tx: mpsc::Sender<io::Result<Conn>>,
) {
    loop {
        let stream = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => stream,
                Err(e) => {
                    // Typically EMFILE: back off briefly instead of spinning.
                    log::warn(format_args!("accepting a connection failed: {e}"));
                    tokio::time::sleep(Duration::from_millis(20)).await;
                    continue;
                }
            },
            // tonic stopped serving and dropped the stream.
            () = tx.closed() => return,
        };
        match &tls {
            None => {
                if tx.send(Ok(Conn::Plain(stream))).await.is_err() {
                    return;
                }
            }
            Some(acceptor) => {
                let acceptor = acceptor.clone();
                let tx = tx.clone();
                tokio::spawn(async move {
                    match tokio::time::timeout(TLS_HANDSHAKE_TIMEOUT, acceptor.accept(stream)).await
                    {
                        Ok(Ok(tls_stream)) => {
                            let _ = tx.send(Ok(Conn::Tls(Box::new(tls_stream)))).await;
                        }
                        Ok(Err(e)) => log::debug(format_args!("TLS handshake refused: {e}")),
                        Err(_) => log::debug("TLS handshake timed out"),
                    }
                });
            }
        }
    }
}
