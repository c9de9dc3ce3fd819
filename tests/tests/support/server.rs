//! The scripted HTTP server the client tests run against (`fault.rs`, `wire.rs`).
//!
//! An axum server on `127.0.0.1:0` records every request it receives, exactly as it came
//! (method, raw URI, headers, body bytes), and answers each with the reply a responder
//! picks; it stops when dropped. A reply's body is either whole or streamed piece by piece
//! as the test hands the pieces over, so a test can tell a client that reads a body as it
//! arrives from one that waits for all of it.

// Each test binary includes this module and uses the part of it its tests need.
#![allow(dead_code)]

use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::{Query, Request, State};
use axum::http::{HeaderMap, HeaderName, HeaderValue, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use serde_json::Value;
use tokio::net::TcpListener;
use tokio::sync::mpsc;
use tokio::task::JoinHandle;

/// A request as the server received it.
#[derive(Debug, Clone)]
pub struct Recorded {
    pub method: String,
    pub uri: Uri,
    pub headers: HeaderMap,
    pub body: Bytes,
}

impl Recorded {
    /// The raw (still percent-encoded) path.
    pub fn path(&self) -> &str {
        self.uri.path()
    }

    /// The raw query string, if any.
    pub fn query(&self) -> Option<&str> {
        self.uri.query()
    }

    /// The decoded query pairs, in order.
    pub fn query_pairs(&self) -> Vec<(String, String)> {
        Query::<Vec<(String, String)>>::try_from_uri(&self.uri)
            .expect("the query string is valid form encoding")
            .0
    }

    /// The decoded value of a query key that must appear exactly once.
    pub fn query_value(&self, key: &str) -> String {
        let values: Vec<String> = self
            .query_pairs()
            .into_iter()
            .filter(|(k, _)| k == key)
            .map(|(_, v)| v)
            .collect();
        assert_eq!(values.len(), 1, "query key {key:?} in {:?}", self.uri);
        values.into_iter().next().unwrap_or_default()
    }

    /// The value of a header sent at most once.
    pub fn header(&self, name: &str) -> Option<&str> {
        let values: Vec<&HeaderValue> = self.headers.get_all(name).iter().collect();
        assert!(
            values.len() <= 1,
            "header {name} sent {} times",
            values.len()
        );
        values
            .first()
            .map(|v| v.to_str().expect("visible ASCII header"))
    }

    /// The body, which must be JSON.
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body).expect("the request body is JSON")
    }
}

/// The pieces of a streamed reply body, handed over by the test one at a time.
type Pieces = Arc<Mutex<Option<mpsc::UnboundedReceiver<Bytes>>>>;

/// A reply's body.
#[derive(Debug, Clone)]
enum ReplyBody {
    Whole(Vec<u8>),
    /// Sent piece by piece as the test sends them; ends when the test drops its sender.
    /// Only the first request answered with it gets the pieces.
    Streamed(Pieces),
}

/// A scripted answer.
#[derive(Debug, Clone)]
pub struct Reply {
    status: u16,
    headers: Vec<(&'static str, String)>,
    body: ReplyBody,
    delay: Duration,
}

/// An answer with `status`, no headers and an empty body.
pub fn reply(status: u16) -> Reply {
    Reply {
        status,
        headers: Vec::new(),
        body: ReplyBody::Whole(Vec::new()),
        delay: Duration::ZERO,
    }
}

impl Reply {
    /// Adds a header (the name in lower case).
    pub fn header(mut self, name: &'static str, value: impl Into<String>) -> Self {
        self.headers.push((name, value.into()));
        self
    }

    /// A JSON body, with its content type.
    pub fn json(self, value: &Value) -> Self {
        self.raw_json(&value.to_string())
    }

    /// A body sent as JSON, whatever it holds.
    pub fn raw_json(self, text: &str) -> Self {
        self.header("content-type", "application/json").body(text)
    }

    /// The body's bytes.
    pub fn body(mut self, bytes: impl AsRef<[u8]>) -> Self {
        self.body = ReplyBody::Whole(bytes.as_ref().to_vec());
        self
    }

    /// A body streamed piece by piece: each piece sent on the returned sender goes out at
    /// once, and the body ends when the sender is dropped.
    pub fn streamed(mut self) -> (Self, mpsc::UnboundedSender<Bytes>) {
        let (sender, receiver) = mpsc::unbounded_channel();
        self.body = ReplyBody::Streamed(Arc::new(Mutex::new(Some(receiver))));
        (self, sender)
    }

    /// Waits this long before answering.
    pub fn delay(mut self, delay: Duration) -> Self {
        self.delay = delay;
        self
    }
}

/// Chooses the answer to the `n`-th request (0-based).
type Responder = dyn Fn(usize, &Recorded) -> Reply + Send + Sync;

#[derive(Clone)]
struct ServerState {
    recorded: Arc<Mutex<Vec<Recorded>>>,
    responder: Arc<Responder>,
}

/// An axum server on an OS-picked port; stopped when dropped.
pub struct TestServer {
    addr: SocketAddr,
    recorded: Arc<Mutex<Vec<Recorded>>>,
    task: JoinHandle<()>,
}

impl TestServer {
    /// A server answering with `responder`.
    pub async fn start(
        responder: impl Fn(usize, &Recorded) -> Reply + Send + Sync + 'static,
    ) -> Self {
        let state = ServerState {
            recorded: Arc::new(Mutex::new(Vec::new())),
            responder: Arc::new(responder),
        };
        let recorded = state.recorded.clone();
        let app = Router::new().fallback(handle).with_state(state);
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let task = tokio::spawn(async move {
            axum::serve(listener, app).await.unwrap();
        });
        TestServer {
            addr,
            recorded,
            task,
        }
    }

    /// A server giving the n-th scripted reply to the n-th request, repeating the last.
    pub async fn script(replies: Vec<Reply>) -> Self {
        assert!(!replies.is_empty());
        Self::start(move |n, _| replies[n.min(replies.len() - 1)].clone()).await
    }

    /// `http://127.0.0.1:<port>`.
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Every request received so far, in order.
    pub fn requests(&self) -> Vec<Recorded> {
        self.recorded.lock().unwrap().clone()
    }

    /// How many requests were received.
    pub fn hits(&self) -> usize {
        self.recorded.lock().unwrap().len()
    }

    /// The only request the server received.
    pub fn only_request(&self) -> Recorded {
        let requests = self.requests();
        assert_eq!(requests.len(), 1, "{requests:#?}");
        requests.into_iter().next().unwrap()
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

async fn handle(State(state): State<ServerState>, request: Request) -> Response {
    let (parts, body) = request.into_parts();
    let body = axum::body::to_bytes(body, usize::MAX).await.unwrap();
    let recorded = Recorded {
        method: parts.method.to_string(),
        uri: parts.uri,
        headers: parts.headers,
        body,
    };
    let n = {
        let mut all = state.recorded.lock().unwrap();
        all.push(recorded.clone());
        all.len() - 1
    };
    let answer = (state.responder)(n, &recorded);
    if !answer.delay.is_zero() {
        tokio::time::sleep(answer.delay).await;
    }
    let mut headers = HeaderMap::new();
    for (name, value) in &answer.headers {
        headers.append(
            HeaderName::from_static(name),
            HeaderValue::from_str(value).unwrap(),
        );
    }
    let body = match answer.body {
        ReplyBody::Whole(bytes) => Body::from(bytes),
        ReplyBody::Streamed(pieces) => {
            let receiver = pieces.lock().unwrap().take();
            Body::from_stream(futures_util::stream::unfold(
                receiver,
                |receiver| async move {
                    let mut receiver = receiver?;
                    let piece = receiver.recv().await?;
                    Some((Ok::<_, Infallible>(piece), Some(receiver)))
                },
            ))
        }
    };
    (StatusCode::from_u16(answer.status).unwrap(), headers, body).into_response()
}
