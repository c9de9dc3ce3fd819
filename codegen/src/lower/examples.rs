//! Checks each example of the description against the type it must decode into, the way
//! the generated serde impls read it: an example that contradicts its own schema is
//! reported (and left out of the generated example tests), so that every example the
//! tests decode is one the types must accept.

use serde_json::Value;

use crate::diagnostic::Diagnostics;
use crate::model::{Api, Extra, Scalar, Struct, Tagging, Ty, TypeKind, Union};

/// How deeply a value is followed into itself: examples are finite, but a type may be
/// recursive, and the walk stops at this depth rather than trust the example's.
const MAX_DEPTH: usize = 128;

/// Checks every example, records why the ones that do not fit do not, and warns about
/// them.
pub(super) fn check(api: &mut Api, diagnostics: &mut Diagnostics) {
    let mut verdicts = Vec::with_capacity(api.examples.len());
    for example in &api.examples {
        let checker = Checker { api };
        let verdict = if example.form {
            checker.form_fits(&example.ty, &example.value)
        } else {
            checker.fits(&example.ty, &example.value, MAX_DEPTH)
        };
        verdicts.push(verdict.err());
    }
    for (example, verdict) in api.examples.iter_mut().zip(verdicts) {
        if let Some(problem) = &verdict {
            diagnostics.warning(
                &example.pointer,
                format!(
                    "the example does not match its schema ({problem}); it is left out of the \
                     example tests"
                ),
            );
        }
        example.mismatch = verdict;
    }
}

struct Checker<'a> {
    api: &'a Api,
}

impl Checker<'_> {
    /// Whether `value` decodes as `ty`; the error says where and why not (`at /a/0: ...`).
    fn fits(&self, ty: &Ty, value: &Value, depth: usize) -> Result<(), String> {
        let Some(depth) = depth.checked_sub(1) else {
            return Ok(());
        };
        match ty {
            Ty::Option(_) if value.is_null() => Ok(()),
            Ty::Option(inner) => self.fits(inner, value, depth),
            Ty::Scalar(scalar) => scalar_fits(*scalar, value),
            Ty::Vec(item) => match value {
                Value::Array(items) => {
                    items
                        .iter()
                        .enumerate()
                        .try_for_each(|(index, item_value)| {
                            self.fits(item, item_value, depth)
                                .map_err(|e| at(index, &e))
                        })
                }
                other => Err(expected("an array", other)),
            },
            Ty::Tuple(items) => match value {
                Value::Array(values) if values.len() == items.len() => {
                    items.iter().zip(values).enumerate().try_for_each(
                        |(index, (item, item_value))| {
                            self.fits(item, item_value, depth)
                                .map_err(|e| at(index, &e))
                        },
                    )
                }
                Value::Array(values) => Err(format!(
                    "expected an array of exactly {} items, found {}",
                    items.len(),
                    values.len()
                )),
                other => Err(expected("an array", other)),
            },
            Ty::Map(item) => match value {
                Value::Object(entries) => entries.iter().try_for_each(|(key, entry)| {
                    self.fits(item, entry, depth).map_err(|e| at(key, &e))
                }),
                other => Err(expected("an object", other)),
            },
            Ty::Named(id) => match &self.api.ty(*id).kind {
                TypeKind::Alias(inner) => self.fits(inner, value, depth),
                TypeKind::Enum(_) => match value {
                    Value::String(_) => Ok(()),
                    other => Err(expected("a string", other)),
                },
                TypeKind::Struct(strukt) => self.struct_fits(strukt, value, depth),
                TypeKind::Union(union) => self.union_fits(union, value, depth),
            },
        }
    }

    fn struct_fits(&self, strukt: &Struct, value: &Value, depth: usize) -> Result<(), String> {
        let Value::Object(entries) = value else {
            return Err(expected("an object", value));
        };
        for field in &strukt.fields {
            let optional = field.is_option() || strukt.partial || field.default.is_some();
            match entries.get(&field.wire) {
                None if optional => {}
                None => return Err(format!("the required property `{}` is missing", field.wire)),
                Some(Value::Null) if field.is_option() || strukt.partial => {}
                Some(found) => self
                    .fits(field.value_ty(), found, depth)
                    .map_err(|e| at(&field.wire, &e))?,
            }
        }
        let undeclared = entries
            .iter()
            .filter(|(key, _)| !strukt.fields.iter().any(|f| f.wire == **key));
        for (key, found) in undeclared {
            match &strukt.extra {
                Extra::Kept { .. } => {}
                Extra::Typed { ty, .. } => self.fits(ty, found, depth).map_err(|e| at(key, &e))?,
                Extra::Forbidden => {
                    return Err(format!(
                        "`{key}` is not a declared property, and others are not allowed"
                    ));
                }
            }
        }
        Ok(())
    }

    fn union_fits(&self, union: &Union, value: &Value, depth: usize) -> Result<(), String> {
        let property = match &union.tagging {
            Tagging::Untagged => {
                let fitting = union.variants.iter().any(|variant| {
                    variant
                        .ty
                        .as_ref()
                        .is_some_and(|ty| self.fits(ty, value, depth).is_ok())
                });
                return if fitting {
                    Ok(())
                } else {
                    Err("the value fits none of the alternatives".to_owned())
                };
            }
            Tagging::Internal { property } | Tagging::Embedded { property } => property,
        };
        let tag = value.get(property).and_then(Value::as_str);
        let Some(variant) = union.variants.iter().find(|v| v.tag.as_deref() == tag) else {
            // A tag this version does not know: kept as it is.
            return Ok(());
        };
        match (&variant.ty, &union.tagging) {
            (None, _) => Ok(()),
            (Some(ty), Tagging::Internal { .. }) => {
                let mut payload = value.clone();
                if let Some(object) = payload.as_object_mut() {
                    object.remove(property);
                }
                self.fits(ty, &payload, depth)
            }
            (Some(ty), _) => self.fits(ty, value, depth),
        }
    }
}

impl Checker<'_> {
    /// Whether the example of a form body decodes as `ty`, once written as a form: an
    /// object of text values (JSON scalars are written as their text), a list being a key
    /// repeated (a single value is a list of one).
    fn form_fits(&self, ty: &Ty, value: &Value) -> Result<(), String> {
        let strukt = match self.resolve(ty) {
            Ty::Named(id) => match &self.api.ty(*id).kind {
                TypeKind::Struct(strukt) => strukt,
                _ => return Err("a form body is an object".to_owned()),
            },
            _ => return Err("a form body is an object".to_owned()),
        };
        let Value::Object(entries) = value else {
            return Err(expected("an object", value));
        };
        for field in &strukt.fields {
            match entries.get(&field.wire) {
                None | Some(Value::Null) if field.is_option() || field.default.is_some() => {}
                None | Some(Value::Null) => {
                    return Err(format!("the required property `{}` is missing", field.wire));
                }
                Some(found) => self
                    .form_value_fits(field.value_ty(), found)
                    .map_err(|e| at(&field.wire, &e))?,
            }
        }
        let undeclared = entries
            .keys()
            .find(|key| !strukt.fields.iter().any(|f| f.wire == **key));
        match (undeclared, &strukt.extra) {
            (Some(key), Extra::Forbidden) => Err(format!(
                "`{key}` is not a declared property, and others are not allowed"
            )),
            _ => Ok(()),
        }
    }

    /// Whether one property of a form decodes as `ty`: a list from an array or a single
    /// value, anything else from one value.
    fn form_value_fits(&self, ty: &Ty, value: &Value) -> Result<(), String> {
        match (self.resolve(ty), value) {
            (Ty::Vec(item), Value::Array(items)) => {
                items
                    .iter()
                    .enumerate()
                    .try_for_each(|(index, item_value)| {
                        self.form_text_fits(item, item_value)
                            .map_err(|e| at(index, &e))
                    })
            }
            (Ty::Vec(item), single) => self.form_text_fits(item, single),
            (other, single) => self.form_text_fits(other, single),
        }
    }

    /// Whether one value of a form, as text, decodes as `ty` (a scalar or an enum).
    fn form_text_fits(&self, ty: &Ty, value: &Value) -> Result<(), String> {
        let text = match value {
            Value::String(text) => text.clone(),
            Value::Number(number) => number.to_string(),
            Value::Bool(flag) => flag.to_string(),
            other => return Err(expected("a value a form can hold", other)),
        };
        match self.resolve(ty) {
            Ty::Scalar(scalar) => scalar_fits(*scalar, &as_form_reads(*scalar, text)),
            Ty::Named(id) if matches!(self.api.ty(*id).kind, TypeKind::Enum(_)) => Ok(()),
            _ => Err("a form value cannot hold an object or a list".to_owned()),
        }
    }

    /// `ty` with aliases followed and nullability left out.
    fn resolve<'t>(&'t self, mut ty: &'t Ty) -> &'t Ty {
        for _ in 0..=self.api.types.len() {
            match ty {
                Ty::Option(inner) => ty = inner,
                Ty::Named(id) => match &self.api.ty(*id).kind {
                    TypeKind::Alias(inner) => ty = inner,
                    _ => return ty,
                },
                _ => return ty,
            }
        }
        ty
    }
}

/// The JSON value a form's `text` becomes once the generated crate reads it as `scalar`:
/// a number or a boolean when the text spells one, the text itself otherwise.
fn as_form_reads(scalar: Scalar, text: String) -> Value {
    let parsed = match scalar {
        Scalar::Bool => text.parse::<bool>().ok().map(Value::from),
        Scalar::F64 => text.parse::<f64>().ok().map(Value::from),
        Scalar::U8 | Scalar::U16 | Scalar::U32 | Scalar::U64 => {
            text.parse::<u64>().ok().map(Value::from)
        }
        _ if scalar.is_integer() => text.parse::<i64>().ok().map(Value::from),
        _ => None,
    };
    parsed.unwrap_or(Value::String(text))
}

/// Whether a JSON value decodes as a scalar, with the parsers the generated crate uses.
fn scalar_fits(scalar: Scalar, value: &Value) -> Result<(), String> {
    let fits = match scalar {
        Scalar::Json => true,
        Scalar::Upload => false,
        Scalar::String => value.is_string(),
        Scalar::Bool => value.is_boolean(),
        Scalar::F64 => value.is_number(),
        Scalar::I8 => int_fits::<i8>(value),
        Scalar::I16 => int_fits::<i16>(value),
        Scalar::I32 => int_fits::<i32>(value),
        Scalar::I64 => value.is_i64(),
        Scalar::U8 => uint_fits::<u8>(value),
        Scalar::U16 => uint_fits::<u16>(value),
        Scalar::U32 => uint_fits::<u32>(value),
        Scalar::U64 => value.is_u64(),
        Scalar::DateTime => value
            .as_str()
            .is_some_and(|text| text.parse::<chrono::DateTime<chrono::Utc>>().is_ok()),
        Scalar::Date => value
            .as_str()
            .is_some_and(|text| text.parse::<chrono::NaiveDate>().is_ok()),
        Scalar::Uuid => value
            .as_str()
            .is_some_and(|text| uuid::Uuid::parse_str(text).is_ok()),
    };
    if fits {
        Ok(())
    } else {
        Err(expected(scalar_name(scalar), value))
    }
}

fn int_fits<T: TryFrom<i64>>(value: &Value) -> bool {
    value.as_i64().is_some_and(|n| T::try_from(n).is_ok())
}

fn uint_fits<T: TryFrom<u64>>(value: &Value) -> bool {
    value.as_u64().is_some_and(|n| T::try_from(n).is_ok())
}

fn scalar_name(scalar: Scalar) -> &'static str {
    match scalar {
        Scalar::String => "a string",
        Scalar::Bool => "a boolean",
        Scalar::F64 => "a number",
        Scalar::DateTime => "an RFC 3339 date-time",
        Scalar::Date => "a date (YYYY-MM-DD)",
        Scalar::Uuid => "a UUID",
        Scalar::Json => "any value",
        Scalar::Upload => "bytes to upload",
        Scalar::I8 | Scalar::I16 | Scalar::I32 | Scalar::I64 => "an integer in range",
        Scalar::U8 | Scalar::U16 | Scalar::U32 | Scalar::U64 => "a non-negative integer in range",
    }
}

/// "expected X, found Y".
fn expected(what: &str, found: &Value) -> String {
    let found = match found {
        Value::Null => "null".to_owned(),
        Value::Bool(b) => format!("`{b}`"),
        Value::Number(n) => format!("`{n}`"),
        Value::String(s) if s.len() <= 40 => format!("{s:?}"),
        Value::String(_) => "a string".to_owned(),
        Value::Array(_) => "an array".to_owned(),
        Value::Object(_) => "an object".to_owned(),
    };
    format!("expected {what}, found {found}")
}

/// Prefixes a problem with the place it is at, as a JSON pointer into the example.
fn at(segment: impl std::fmt::Display, problem: &str) -> String {
    let segment = segment.to_string().replace('~', "~0").replace('/', "~1");
    match problem.strip_prefix("at ") {
        Some(rest) => format!("at /{segment}{rest}"),
        None => format!("at /{segment}: {problem}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn places_nest_as_json_pointers() {
        let inner = at("b", "expected a string, found `1`");
        assert_eq!(inner, "at /b: expected a string, found `1`");
        assert_eq!(at(0, &inner), "at /0/b: expected a string, found `1`");
        assert_eq!(at("a/b", "x"), "at /a~1b: x");
    }

    #[test]
    fn scalars_are_read_as_the_generated_crate_reads_them() {
        assert!(scalar_fits(Scalar::DateTime, &"2024-03-01T08:15:30+01:00".into()).is_ok());
        assert!(scalar_fits(Scalar::DateTime, &"Thu, 01 Mar 2024 08:15:30 +0000".into()).is_err());
        assert!(scalar_fits(Scalar::I32, &serde_json::json!(1.0)).is_err());
        assert!(scalar_fits(Scalar::U8, &serde_json::json!(256)).is_err());
        assert!(scalar_fits(Scalar::F64, &serde_json::json!(3)).is_ok());
        assert!(scalar_fits(Scalar::Uuid, &"e0b1b3a2-6a53-4a2b-9d1b-0e7b5a1c2d3e".into()).is_ok());
    }
}
