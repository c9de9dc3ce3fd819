//! YAML or JSON text to a plain JSON value.
//!
//! serde_json's own `Value` refuses integers beyond `u64` and below `i64::MIN` ("JSON
//! number out of range"), which would make a whole document unreadable for one bound
//! such as `maximum: 18446744073709551616`. So the text is read through [`Json`], which
//! keeps such an integer as the nearest float instead; everything else reads exactly as
//! serde_json's `Value` reads it (mapping keys as text, in document order).

use serde::de::{Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Number, Value};

/// Reads `text`, YAML or JSON, as JSON.
pub fn read(text: &str) -> Result<Value, serde_yaml::Error> {
    serde_yaml::from_str::<Json>(text).map(|json| json.0)
}

/// A JSON value read leniently: integers out of the 64-bit ranges become floats.
struct Json(Value);

impl<'de> Deserialize<'de> for Json {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(JsonVisitor).map(Json)
    }
}

struct JsonVisitor;

impl<'de> Visitor<'de> for JsonVisitor {
    type Value = Value;

    fn expecting(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter.write_str("any valid JSON value")
    }

    fn visit_bool<E>(self, value: bool) -> Result<Value, E> {
        Ok(Value::Bool(value))
    }

    fn visit_i64<E>(self, value: i64) -> Result<Value, E> {
        Ok(Value::from(value))
    }

    fn visit_u64<E>(self, value: u64) -> Result<Value, E> {
        Ok(Value::from(value))
    }

    fn visit_i128<E>(self, value: i128) -> Result<Value, E> {
        Ok(match i64::try_from(value) {
            Ok(fits) => Value::from(fits),
            // The nearest float: a bound or an example this large is kept as a number.
            Err(_) => float(value as f64),
        })
    }

    fn visit_u128<E>(self, value: u128) -> Result<Value, E> {
        Ok(match u64::try_from(value) {
            Ok(fits) => Value::from(fits),
            Err(_) => float(value as f64),
        })
    }

    fn visit_f64<E>(self, value: f64) -> Result<Value, E> {
        Ok(float(value))
    }

    fn visit_str<E>(self, value: &str) -> Result<Value, E> {
        Ok(Value::String(value.to_owned()))
    }

    fn visit_string<E>(self, value: String) -> Result<Value, E> {
        Ok(Value::String(value))
    }

    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_none<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<Value, D::Error> {
        Json::deserialize(deserializer).map(|json| json.0)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(4096));
        while let Some(Json(item)) = seq.next_element()? {
            items.push(item);
        }
        Ok(Value::Array(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut entries = Map::new();
        while let Some((key, Json(value))) = map.next_entry::<String, Json>()? {
            entries.insert(key, value);
        }
        Ok(Value::Object(entries))
    }
}

/// A float as JSON: `null` for infinities and NaN, which JSON cannot write (as serde_json
/// does).
fn float(value: f64) -> Value {
    Number::from_f64(value).map_or(Value::Null, Value::Number)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn integers_beyond_64_bits_are_kept_as_floats() {
        let value = read(
            "a: -9223372036854775808\nb: 18446744073709551615\nc: 18446744073709551616\n\
             d: -9223372036854775809\ne: 340282366920938463463374607431768211456\n",
        )
        .unwrap();
        assert_eq!(value["a"], serde_json::json!(i64::MIN));
        assert_eq!(value["b"], serde_json::json!(u64::MAX));
        assert_eq!(value["c"].as_f64(), Some(18_446_744_073_709_551_616.0));
        assert_eq!(value["d"].as_f64(), Some(-9_223_372_036_854_775_809.0));
        assert!(value["e"].is_f64());
        let json = read(r#"{"c": 18446744073709551616}"#).unwrap();
        assert_eq!(json["c"].as_f64(), Some(18_446_744_073_709_551_616.0));
    }

    #[test]
    fn everything_else_reads_as_serde_json_reads_it() {
        let text = "z: 1\na: [true, null, 1.5, ~, text]\n1: numeric key\nnested: {b: {c: -2}}\n";
        let lenient = read(text).unwrap();
        let plain: Value = serde_yaml::from_str(text).unwrap();
        assert_eq!(lenient, plain);
        let keys: Vec<&String> = lenient.as_object().unwrap().keys().collect();
        assert_eq!(keys, ["z", "a", "1", "nested"]);
        assert!(read("a: !tag value").is_err());
        assert!(read("{").is_err());
    }
}
