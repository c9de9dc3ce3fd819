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

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::HeaderValue;

    fn headers(value: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(RETRY_AFTER, HeaderValue::from_str(value).unwrap());
        headers
    }

    fn now() -> SystemTime {
        // 2015-10-21T07:28:00Z, the date used in RFC 9110's examples.
        SystemTime::UNIX_EPOCH + Duration::from_secs(1_445_412_480)
    }

    #[test]
    fn retry_after_seconds() {
        assert_eq!(
            retry_after(&headers("120"), now()),
            Some(Duration::from_secs(120))
        );
        assert_eq!(retry_after(&headers(" 0 "), now()), Some(Duration::ZERO));
        assert_eq!(
            retry_after(&headers("99999999999999999999999"), now()),
            None
        );
    }

    #[test]
    fn retry_after_date() {
        assert_eq!(
            retry_after(&headers("Wed, 21 Oct 2015 07:30:00 GMT"), now()),
            Some(Duration::from_secs(120))
        );
    }

    #[test]
    fn retry_after_past_date_is_zero() {
        assert_eq!(
            retry_after(&headers("Wed, 21 Oct 2015 07:00:00 GMT"), now()),
            Some(Duration::ZERO)
        );
    }

    #[test]
    fn retry_after_garbage_or_missing() {
        assert_eq!(retry_after(&headers("soon"), now()), None);
        assert_eq!(retry_after(&headers("-5"), now()), None);
        assert_eq!(retry_after(&headers("1.5"), now()), None);
        assert_eq!(retry_after(&headers(""), now()), None);
        assert_eq!(retry_after(&HeaderMap::new(), now()), None);
        let mut binary = HeaderMap::new();
        binary.insert(RETRY_AFTER, HeaderValue::from_bytes(b"\xff12").unwrap());
        assert_eq!(retry_after(&binary, now()), None);
    }

    #[test]
    fn backoff_is_exponential_monotone_and_capped() {
        let policy = RetryPolicy::new()
            .initial_backoff(Duration::from_millis(100))
            .max_backoff(Duration::from_secs(1))
            .jitter(false);
        let schedule: Vec<Duration> = (1..=7).map(|n| policy.backoff(n)).collect();
        let expected: Vec<Duration> = [100, 200, 400, 800, 1000, 1000, 1000]
            .into_iter()
            .map(Duration::from_millis)
            .collect();
        assert_eq!(schedule, expected);
        let mut previous = Duration::ZERO;
        for n in 0..=200 {
            let delay = policy.backoff(n);
            assert!(delay >= previous, "back-off decreased at attempt {n}");
            assert!(delay <= Duration::from_secs(1));
            previous = delay;
        }
        assert_eq!(policy.backoff(u32::MAX), Duration::from_secs(1));
    }

    #[test]
    fn backoff_never_overflows() {
        let policy = RetryPolicy::new()
            .initial_backoff(Duration::MAX)
            .max_backoff(Duration::MAX)
            .max_elapsed(Duration::MAX)
            .max_attempts(u32::MAX);
        for n in [1, 2, 40, u32::MAX - 1] {
            assert!(policy.next_delay(n, Duration::ZERO, None).is_some());
        }
        assert_eq!(policy.next_delay(u32::MAX, Duration::ZERO, None), None);
    }

    #[test]
    fn jitter_stays_within_half_and_full_wait() {
        let policy = RetryPolicy::new()
            .initial_backoff(Duration::from_millis(100))
            .max_backoff(Duration::from_secs(1))
            .max_elapsed(Duration::from_secs(3600))
            .max_attempts(10);
        for n in 1..10 {
            let full = policy.backoff(n);
            for _ in 0..50 {
                let delay = policy.next_delay(n, Duration::ZERO, None).unwrap();
                assert!(
                    delay >= full / 2 && delay <= full,
                    "{delay:?} outside [{full:?}/2, {full:?}]"
                );
            }
        }
    }

    #[test]
    fn next_delay_respects_attempts_and_budget() {
        let policy = RetryPolicy::new()
            .max_attempts(3)
            .initial_backoff(Duration::from_secs(1))
            .max_backoff(Duration::from_secs(10))
            .max_elapsed(Duration::from_secs(5))
            .jitter(false);
        assert_eq!(
            policy.next_delay(1, Duration::ZERO, None),
            Some(Duration::from_secs(1))
        );
        assert_eq!(
            policy.next_delay(2, Duration::ZERO, None),
            Some(Duration::from_secs(2))
        );
        assert_eq!(policy.next_delay(3, Duration::ZERO, None), None);
        // The computed wait would end after the budget.
        assert_eq!(policy.next_delay(2, Duration::from_secs(4), None), None);
        // Retry-After takes precedence, even beyond max_backoff...
        assert_eq!(
            policy.next_delay(1, Duration::ZERO, Some(Duration::from_secs(4))),
            Some(Duration::from_secs(4))
        );
        assert_eq!(
            policy.next_delay(1, Duration::ZERO, Some(Duration::ZERO)),
            Some(Duration::ZERO)
        );
        // ...but not beyond the remaining budget.
        assert_eq!(
            policy.next_delay(1, Duration::from_secs(2), Some(Duration::from_secs(4))),
            None
        );
        assert_eq!(
            policy.next_delay(1, Duration::ZERO, Some(Duration::MAX)),
            None
        );
    }

    #[test]
    fn attempts_settings() {
        assert_eq!(
            RetryPolicy::disabled().next_delay(1, Duration::ZERO, None),
            None
        );
        assert_eq!(
            RetryPolicy::new()
                .max_attempts(0)
                .next_delay(1, Duration::ZERO, None),
            None
        );
        let default = RetryPolicy::default();
        assert!(default.next_delay(3, Duration::ZERO, None).is_some());
        assert_eq!(default.next_delay(4, Duration::ZERO, None), None);
    }

    #[test]
    fn methods_and_statuses() {
        let policy = RetryPolicy::new();
        assert!(policy.allows_method(&Method::GET));
        assert!(policy.allows_method(&Method::DELETE));
        assert!(!policy.allows_method(&Method::POST));
        assert!(!policy.allows_method(&Method::PATCH));
        let all = policy.retry_non_idempotent(true);
        assert!(all.allows_method(&Method::POST));
        assert!(all.allows_method(&Method::PATCH));
        for code in [429, 500, 502, 503, 504] {
            assert!(
                is_retryable_status(StatusCode::from_u16(code).unwrap()),
                "{code}"
            );
        }
        for code in [200, 400, 401, 404, 409, 501, 505] {
            assert!(
                !is_retryable_status(StatusCode::from_u16(code).unwrap()),
                "{code}"
            );
        }
    }
}
