// Copied by `cargo xtask codegen` from `runtime/src/retry.rs`, without its tests. Do not
// edit: change the runtime crate and regenerate.

//! When and how often a failed request is tried again.

use std::time::{Duration, SystemTime};

use reqwest::header::{HeaderMap, RETRY_AFTER};
use reqwest::{Method, StatusCode};

/// When and how often a failed request is tried again.
///
/// A request is tried again when the server answers `429 Too Many Requests`, `500`,
/// `502`, `503` or `504`, or when the connection fails before a response arrives.
/// Timeouts are never retried. By default only idempotent methods (`GET`, `HEAD`, `PUT`,
/// `DELETE`, `OPTIONS`, `TRACE`) are retried; see
/// [`retry_non_idempotent`](RetryPolicy::retry_non_idempotent).
///
/// The wait before try number `n + 1` is `initial_backoff * 2^(n - 1)`, capped at
/// `max_backoff`; with jitter on, a random wait between half of that and all of it is
/// used instead. A `Retry-After` header on the response takes precedence over the
/// computed wait. No new try starts once `max_attempts` tries were made, or when the
/// wait would end after `max_elapsed` has passed since the first try started (the last
/// error is then returned at once). Each try is bounded separately by the client's
/// timeout.
#[derive(Debug, Clone)]
pub struct RetryPolicy {
    max_attempts: u32,
    initial_backoff: Duration,
    max_backoff: Duration,
    max_elapsed: Duration,
    jitter: bool,
    retry_non_idempotent: bool,
}

impl RetryPolicy {
    /// The default policy: at most 4 tries, back-off starting at 500 ms and capped at
    /// 30 s, at most 60 s in total, jitter on, idempotent methods only.
    pub fn new() -> Self {
        RetryPolicy {
            max_attempts: 4,
            initial_backoff: Duration::from_millis(500),
            max_backoff: Duration::from_secs(30),
            max_elapsed: Duration::from_secs(60),
            jitter: true,
            retry_non_idempotent: false,
        }
    }

    /// A policy that never tries a request again.
    pub fn disabled() -> Self {
        RetryPolicy::new().max_attempts(1)
    }

    /// The total number of tries, including the first; `0` is treated as `1`.
    pub fn max_attempts(mut self, n: u32) -> Self {
        self.max_attempts = n.max(1);
        self
    }

    /// The wait before the second try; each later wait doubles it.
    pub fn initial_backoff(mut self, d: Duration) -> Self {
        self.initial_backoff = d;
        self
    }

    /// The longest computed wait between two tries. A `Retry-After` header sent by the
    /// server may ask for longer; only `max_elapsed` bounds that.
    pub fn max_backoff(mut self, d: Duration) -> Self {
        self.max_backoff = d;
        self
    }

    /// A bound on the total time spent on one call, waits included: no wait is started
    /// that would end after this much time has passed since the first try started.
    pub fn max_elapsed(mut self, d: Duration) -> Self {
        self.max_elapsed = d;
        self
    }

    /// Whether computed waits are randomised (between half the computed wait and all of
    /// it) so that many clients do not retry in lockstep.
    pub fn jitter(mut self, on: bool) -> Self {
        self.jitter = on;
        self
    }

    /// Whether non-idempotent requests (`POST`, `PATCH`) are retried as well. Only turn
    /// this on if the server handles a repeated request safely.
    pub fn retry_non_idempotent(mut self, on: bool) -> Self {
        self.retry_non_idempotent = on;
        self
    }

    /// Whether a request with this method may be tried more than once.
    pub(crate) fn allows_method(&self, method: &Method) -> bool {
        self.retry_non_idempotent || is_idempotent(method)
    }

    /// The computed wait after `attempts_made` tries (1 for the wait after the first
    /// try), without jitter: `initial_backoff * 2^(attempts_made - 1)`, capped at
    /// `max_backoff`.
    pub(crate) fn backoff(&self, attempts_made: u32) -> Duration {
        let exponent = attempts_made.saturating_sub(1);
        let scaled = 2u32
            .checked_pow(exponent)
            .and_then(|factor| self.initial_backoff.checked_mul(factor))
            .unwrap_or(self.max_backoff);
        scaled.min(self.max_backoff)
    }

    /// Applies "equal jitter": a uniformly random wait between half of `delay` and
    /// `delay`.
    fn jittered(&self, delay: Duration) -> Duration {
        if !self.jitter {
            return delay;
        }
        let nanos = u64::try_from(delay.as_nanos()).unwrap_or(u64::MAX);
        let half = nanos / 2;
        let extra = fastrand::u64(0..=nanos.saturating_sub(half));
        Duration::from_nanos(half.saturating_add(extra))
    }

    /// Decides whether to try again after `attempts_made` tries, `elapsed` after the
    /// first one started: returns the time to wait first, or `None` to give up.
    /// `retry_after` is the wait asked for by the server, which replaces the computed
    /// back-off and is not randomised.
    pub(crate) fn next_delay(
        &self,
        attempts_made: u32,
        elapsed: Duration,
        retry_after: Option<Duration>,
    ) -> Option<Duration> {
        if attempts_made >= self.max_attempts {
            return None;
        }
        let delay = match retry_after {
            Some(wait) => wait,
            None => self.jittered(self.backoff(attempts_made)),
        };
        let remaining = self.max_elapsed.saturating_sub(elapsed);
        if delay > remaining {
            return None;
        }
        Some(delay)
    }
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy::new()
    }
}

/// Whether a response with this status is worth trying again: 429, 500, 502, 503, 504.
pub(crate) fn is_retryable_status(status: StatusCode) -> bool {
    matches!(
        status,
        StatusCode::TOO_MANY_REQUESTS
            | StatusCode::INTERNAL_SERVER_ERROR
            | StatusCode::BAD_GATEWAY
            | StatusCode::SERVICE_UNAVAILABLE
            | StatusCode::GATEWAY_TIMEOUT
    )
}

/// Whether sending a request with this method twice has the same effect as sending it
/// once: GET, HEAD, PUT, DELETE, OPTIONS, TRACE.
pub(crate) fn is_idempotent(method: &Method) -> bool {
    [
        Method::GET,
        Method::HEAD,
        Method::PUT,
        Method::DELETE,
        Method::OPTIONS,
        Method::TRACE,
    ]
    .contains(method)
}

/// The wait asked for by a `Retry-After` header, given either as a number of seconds or
/// as an HTTP date. A date in the past gives [`Duration::ZERO`]; a missing or malformed
/// header gives `None`.
pub(crate) fn retry_after(headers: &HeaderMap, now: SystemTime) -> Option<Duration> {
    let value = headers.get(RETRY_AFTER)?.to_str().ok()?.trim();
    if !value.is_empty() && value.bytes().all(|b| b.is_ascii_digit()) {
        return value.parse::<u64>().ok().map(Duration::from_secs);
    }
    let date = httpdate::parse_http_date(value).ok()?;
    Some(date.duration_since(now).unwrap_or(Duration::ZERO))
}
