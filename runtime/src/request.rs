//! What an operation sends: the request (method, URL, parameters, credentials) and its
//! body, encoded once so that a retry sends the same bytes.

// Which of these helpers a client uses depends on its API description, so unused ones
// are expected.
#![allow(dead_code)]

use std::borrow::Cow;
use std::fmt;
use std::sync::Arc;

use bytes::Bytes;
use reqwest::header::HeaderValue;
use reqwest::{Method, Url};

use crate::auth::Auth;
use crate::error::Error;

/// One request of an operation, before credentials are added.
#[derive(Debug)]
pub(crate) struct Request {
    pub(crate) method: Method,
    pub(crate) url: Url,
    /// Query pairs, in order (a key may repeat).
    pub(crate) query: Vec<(Cow<'static, str>, String)>,
    /// Header parameters.
    pub(crate) headers: Vec<(Cow<'static, str>, String)>,
    /// Cookie parameters.
    pub(crate) cookies: Vec<(Cow<'static, str>, String)>,
    pub(crate) body: Option<Body>,
    /// Which credentials to send.
    pub(crate) auth: Auth,
    /// The `Accept` header: the media types the operation's responses have.
    pub(crate) accept: &'static str,
}

impl Request {
    /// A request without parameters, body or credentials, accepting JSON.
    pub(crate) fn new(method: Method, url: Url) -> Self {
        Request {
            method,
            url,
            query: Vec::new(),
            headers: Vec::new(),
            cookies: Vec::new(),
            body: None,
            auth: Auth::All,
            accept: "application/json",
        }
    }

    /// Adds query parameters.
    pub(crate) fn query(mut self, pairs: Pairs) -> Self {
        self.query.extend(pairs.0);
        self
    }

    /// Adds header parameters.
    pub(crate) fn headers(mut self, pairs: Pairs) -> Self {
        self.headers.extend(pairs.0);
        self
    }

    /// Adds cookie parameters.
    pub(crate) fn cookies(mut self, pairs: Pairs) -> Self {
        self.cookies.extend(pairs.0);
        self
    }

    /// Sets the body.
    pub(crate) fn body(mut self, body: Option<Body>) -> Self {
        self.body = body;
        self
    }

    /// Sets which credentials are sent.
    pub(crate) fn auth(mut self, auth: Auth) -> Self {
        self.auth = auth;
        self
    }

    /// Sets the `Accept` header.
    pub(crate) fn accept(mut self, accept: &'static str) -> Self {
        self.accept = accept;
        self
    }
}

/// An encoded request body, kept so that a retry resends exactly the same bytes.
#[derive(Clone)]
pub(crate) enum Body {
    /// Bytes with their content type: JSON, a form, text, raw bytes.
    Bytes {
        /// The `Content-Type`.
        content_type: HeaderValue,
        /// The body.
        bytes: Bytes,
    },
    /// A body built anew for each try: a multipart form, a stream.
    Built(Arc<dyn Payload>),
}

impl fmt::Debug for Body {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Body::Bytes {
                content_type,
                bytes,
            } => f
                .debug_struct("Bytes")
                .field("content_type", content_type)
                .field("len", &bytes.len())
                .finish(),
            Body::Built(_) => f.write_str("Built"),
        }
    }
}

/// A body built for each try of a request.
pub(crate) trait Payload: Send + Sync {
    /// Puts the body on the request.
    fn attach(
        &self,
        request: reqwest::RequestBuilder,
    ) -> Result<reqwest::RequestBuilder, Unsendable>;

    /// Whether the body can be sent again by a retry (it holds no stream).
    fn repeatable(&self) -> bool;
}

/// Why a body cannot be put on a try of a request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Unsendable {
    /// A stream that was sent already.
    Spent,
    /// A content type that is not a media type (`type/subtype`, optional parameters).
    ContentType(String),
}

impl Body {
    /// A body of bytes with a content type given by the API description.
    pub(crate) fn bytes(content_type: &'static str, bytes: impl Into<Bytes>) -> Body {
        Body::Bytes {
            content_type: HeaderValue::from_static(content_type),
            bytes: bytes.into(),
        }
    }

    /// Text, sent with the description's text media type (`text/plain`, `text/csv`...).
    pub(crate) fn text(content_type: &'static str, text: &str) -> Body {
        Body::bytes(content_type, Bytes::copy_from_slice(text.as_bytes()))
    }

    /// Puts the body on one try of a request.
    pub(crate) fn attach(
        &self,
        request: reqwest::RequestBuilder,
    ) -> Result<reqwest::RequestBuilder, Unsendable> {
        match self {
            Body::Bytes {
                content_type,
                bytes,
            } => Ok(request
                .header(reqwest::header::CONTENT_TYPE, content_type.clone())
                .body(bytes.clone())),
            Body::Built(payload) => payload.attach(request),
        }
    }

    /// Whether a retry can send the body again: it holds no stream, which only one try
    /// can send.
    pub(crate) fn repeatable(&self) -> bool {
        match self {
            Body::Bytes { .. } => true,
            Body::Built(payload) => payload.repeatable(),
        }
    }
}

/// Encodes `value` as a JSON request body of media type `content_type`.
pub(crate) fn json_body<T: serde::Serialize + ?Sized>(
    content_type: &'static str,
    value: &T,
) -> Result<Body, Error> {
    serde_json::to_vec(value)
        .map(|bytes| Body::bytes(content_type, bytes))
        .map_err(Error::Encode)
}

/// Encodes `value` as an `application/x-www-form-urlencoded` body: a field per property,
/// a repeated key per item of a list, nothing for an unset field.
pub(crate) fn form_body<T: serde::Serialize + ?Sized>(value: &T) -> Result<Body, Error> {
    serde_html_form::to_string(value)
        .map(|text| Body::bytes("application/x-www-form-urlencoded", text))
        .map_err(|error| Error::InvalidRequest(format!("the form body cannot be encoded: {error}")))
}

/// The parameters of one place (the query, the headers or the cookies) as name-value
/// pairs, in order, written one parameter at a time as its `style` says.
#[derive(Debug, Default)]
pub(crate) struct Pairs(Vec<(Cow<'static, str>, String)>);

impl Pairs {
    /// A pair for each value: the value of an optional parameter when it is set (an
    /// `Option` is a list of at most one), or each value of a list, as the exploded `form`
    /// style writes lists (`id=1&id=2`).
    pub(crate) fn each<V: fmt::Display>(
        mut self,
        name: &'static str,
        values: impl IntoIterator<Item = V>,
    ) -> Self {
        for value in values {
            self.0.push((Cow::Borrowed(name), value.to_string()));
        }
        self
    }

    /// One pair holding the values of a list joined by `separator` (`id=1,2`); none for
    /// an empty or absent list.
    pub(crate) fn joined<V: fmt::Display>(
        mut self,
        name: &'static str,
        values: impl IntoIterator<Item = V>,
        separator: &str,
    ) -> Self {
        let values: Vec<String> = values.into_iter().map(|v| v.to_string()).collect();
        if !values.is_empty() {
            self.0.push((Cow::Borrowed(name), values.join(separator)));
        }
        self
    }

    /// The properties of an object as pairs of their own (the exploded `form` style:
    /// `color=red&size=2`).
    pub(crate) fn properties<T: serde::Serialize + ?Sized>(mut self, object: Option<&T>) -> Self {
        for (key, value) in object.map(object_entries).unwrap_or_default() {
            self.0.push((Cow::Owned(key), value));
        }
        self
    }

    /// The properties of an object as `name[key]` pairs (the `deepObject` style:
    /// `filter[color]=red`).
    pub(crate) fn deep<T: serde::Serialize + ?Sized>(
        mut self,
        name: &'static str,
        object: Option<&T>,
    ) -> Self {
        for (key, value) in object.map(object_entries).unwrap_or_default() {
            self.0.push((Cow::Owned(format!("{name}[{key}]")), value));
        }
        self
    }

    /// The properties of an object as one pair, keys and values joined by commas (the
    /// `form` style, not exploded: `filter=color,red,size,2`); none for an empty object.
    pub(crate) fn flattened<T: serde::Serialize + ?Sized>(
        self,
        name: &'static str,
        object: Option<&T>,
    ) -> Self {
        let entries = object.map(object_entries).unwrap_or_default();
        self.joined(name, entries.into_iter().flat_map(|(k, v)| [k, v]), ",")
    }
}

/// The text of a date-time parameter: RFC 3339, in UTC, with `Z`
/// (`2024-05-01T12:00:00Z`).
pub(crate) fn date_time_text(value: &chrono::DateTime<chrono::Utc>) -> String {
    value.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true)
}

/// The properties of an object parameter as name and text pairs (for `deepObject` and
/// exploded `form` styles): strings as they are, other values as JSON.
pub(crate) fn object_entries<T: serde::Serialize + ?Sized>(value: &T) -> Vec<(String, String)> {
    match serde_json::to_value(value) {
        Ok(serde_json::Value::Object(entries)) => entries
            .into_iter()
            .filter(|(_, value)| !value.is_null())
            .map(|(key, value)| (key, param_text(&value)))
            .collect(),
        _ => Vec::new(),
    }
}

/// The text of a parameter value that is not a plain scalar: a string as it is (a union
/// whose value is a name, say), anything else as JSON.
pub(crate) fn param_text<T: serde::Serialize + ?Sized>(value: &T) -> String {
    match serde_json::to_value(value) {
        Ok(serde_json::Value::String(text)) => text,
        Ok(other) => other.to_string(),
        Err(_) => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(serde::Serialize)]
    struct Message {
        to: String,
        media_url: Vec<String>,
        #[serde(skip_serializing_if = "Option::is_none")]
        status_callback: Option<String>,
        send_at: Option<bool>,
    }

    fn bytes_of(body: &Body) -> (String, Bytes) {
        match body {
            Body::Bytes {
                content_type,
                bytes,
            } => (content_type.to_str().unwrap().to_owned(), bytes.clone()),
            Body::Built(_) => panic!("not bytes"),
        }
    }

    #[test]
    fn a_form_repeats_the_key_of_each_list_item_and_leaves_out_unset_fields() {
        let body = form_body(&Message {
            to: "+1 555 0100".to_owned(),
            media_url: vec![
                "https://x.io/a.png".to_owned(),
                "https://x.io/b&c.png".to_owned(),
            ],
            status_callback: None,
            send_at: None,
        })
        .unwrap();
        let (content_type, bytes) = bytes_of(&body);
        assert_eq!(content_type, "application/x-www-form-urlencoded");
        assert_eq!(
            bytes,
            "to=%2B1+555+0100&media_url=https%3A%2F%2Fx.io%2Fa.png&media_url=https%3A%2F%2Fx.io%2Fb%26c.png"
        );
    }

    #[test]
    fn json_and_text_bodies_carry_their_media_type_and_exact_bytes() {
        let (content_type, bytes) =
            bytes_of(&json_body("application/vnd.api+json", &serde_json::json!({"a": 1})).unwrap());
        assert_eq!(content_type, "application/vnd.api+json");
        assert_eq!(bytes, "{\"a\":1}");
        let (content_type, bytes) = bytes_of(&Body::text("text/csv", "a,b\n1,2\n"));
        assert_eq!(content_type, "text/csv");
        assert_eq!(bytes, "a,b\n1,2\n");
    }

    #[test]
    fn parameters_that_are_not_scalars_are_sent_as_text() {
        assert_eq!(param_text(&"name"), "name");
        assert_eq!(param_text(&serde_json::json!({"a": [1]})), "{\"a\":[1]}");
        assert_eq!(param_text(&3), "3");
    }

    #[test]
    fn date_times_are_written_in_utc_with_z() {
        let value = chrono::DateTime::parse_from_rfc3339("2024-05-01T14:00:00.5+02:00")
            .unwrap()
            .with_timezone(&chrono::Utc);
        assert_eq!(date_time_text(&value), "2024-05-01T12:00:00.500Z");
    }

    fn written(pairs: Pairs) -> Vec<(String, String)> {
        pairs
            .0
            .into_iter()
            .map(|(k, v)| (k.into_owned(), v))
            .collect()
    }

    fn pair(key: &str, value: &str) -> (String, String) {
        (key.to_owned(), value.to_owned())
    }

    #[test]
    fn each_writes_a_set_value_or_every_value_of_a_list() {
        let absent: Option<u32> = None;
        let pairs = Pairs::default()
            .each("limit", Some(&10))
            .each("offset", absent.as_ref())
            .each("id", ["a", "b"]);
        assert_eq!(
            written(pairs),
            [pair("limit", "10"), pair("id", "a"), pair("id", "b")]
        );
    }

    #[test]
    fn joined_writes_one_value_and_nothing_for_an_empty_list() {
        let none: [u8; 0] = [];
        let pairs = Pairs::default()
            .joined("ids", [1, 2, 3], "|")
            .joined("tags", none, ",");
        assert_eq!(written(pairs), [pair("ids", "1|2|3")]);
    }

    #[test]
    fn objects_are_written_as_their_style_says() {
        let filter = serde_json::json!({"color": "red", "size": 2, "gone": null});
        let pairs = Pairs::default()
            .properties(Some(&filter))
            .deep("filter", Some(&filter))
            .flattened("f", Some(&filter))
            .flattened("empty", None::<&serde_json::Value>);
        assert_eq!(
            written(pairs),
            [
                pair("color", "red"),
                pair("size", "2"),
                pair("filter[color]", "red"),
                pair("filter[size]", "2"),
                pair("f", "color,red,size,2"),
            ]
        );
    }
}
