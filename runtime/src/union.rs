//! Decoding of tagged unions: the tag is read from the value, then the value is decoded as
//! the variant the tag names.

// Which of these helpers a client uses depends on its API description, so unused ones
// are expected.
#![allow(dead_code)]

use serde::de::{DeserializeOwned, Error};
use serde_json::Value;

/// The tag of a value: the string its `property` holds, if any.
pub(crate) fn tag(value: &Value, property: &str) -> Option<String> {
    value
        .get(property)
        .and_then(Value::as_str)
        .map(str::to_owned)
}

/// Decodes `value` as a variant's payload. `strip` names the tag property when the
/// payload's type does not declare it: it is removed first, so that it is not kept among
/// the payload's undeclared properties (and written twice).
pub(crate) fn payload<T: DeserializeOwned, E: Error>(
    mut value: Value,
    strip: Option<&str>,
) -> Result<T, E> {
    if let (Some(property), Some(object)) = (strip, value.as_object_mut()) {
        object.remove(property);
    }
    serde_json::from_value(value).map_err(E::custom)
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[derive(Debug, PartialEq, serde::Deserialize)]
    struct Attached {
        instance: String,
        #[serde(flatten)]
        extra: serde_json::Map<String, Value>,
    }

    #[test]
    fn the_tag_is_read_and_stripped_before_the_payload_is_decoded() {
        let value = json!({"state": "attached", "instance": "i-1"});
        assert_eq!(tag(&value, "state").as_deref(), Some("attached"));
        let attached: Attached = payload::<_, serde_json::Error>(value, Some("state")).unwrap();
        assert_eq!(attached.instance, "i-1");
        assert!(attached.extra.is_empty());
    }

    #[test]
    fn a_payload_that_does_not_fit_is_an_error() {
        let value = json!({"state": "attached"});
        assert!(payload::<Attached, serde_json::Error>(value, Some("state")).is_err());
        assert_eq!(tag(&json!({"state": 1}), "state"), None);
    }
}
