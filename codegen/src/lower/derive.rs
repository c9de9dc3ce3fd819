//! Passes over the lowered model: boxing recursive fields, breaking alias cycles, checking
//! defaults, and deriving request types (`…Input` without read-only fields, `…Patch` for
//! partial updates).

use std::collections::{HashMap, HashSet, VecDeque};

use crate::model::{
    Api, BodyMedia, Derivation, Docs, HttpMethod, Scalar, Struct, Ty, TypeDef, TypeId, TypeKind,
};
use crate::naming::Namespace;

/// Boxes every struct field through which a struct can contain itself, so the generated
/// types have a finite size; and turns aliases that would name themselves into JSON.
pub(super) fn box_recursive_fields(api: &mut Api) {
    for index in 0..api.types.len() {
        let own = TypeId(index);
        if let TypeKind::Alias(ty) = &api.types[index].kind {
            if alias_reaches(&api.types, ty, own) {
                api.types[index].kind = TypeKind::Alias(Ty::Scalar(Scalar::Json));
                api.types[index].docs.notes.push(
                    "The schema is defined in terms of itself without an object in between, \
                     which Rust cannot name; it is kept as untyped JSON."
                        .to_owned(),
                );
            }
        }
    }
    let mut boxed = Vec::new();
    for (index, def) in api.types.iter().enumerate() {
        let TypeKind::Struct(strukt) = &def.kind else {
            continue;
        };
        for (field_index, field) in strukt.fields.iter().enumerate() {
            if let Some(target) = direct_target(&api.types, &field.ty) {
                if reaches(&api.types, target, TypeId(index)) {
                    boxed.push((index, field_index));
                }
            }
        }
    }
    for (index, field_index) in boxed {
        if let TypeKind::Struct(strukt) = &mut api.types[index].kind {
            if let Some(field) = strukt.fields.get_mut(field_index) {
                field.boxed = true;
            }
        }
    }
}

/// The struct a type expression holds inline (not behind a `Vec` or map), through aliases.
fn direct_target(types: &[TypeDef], ty: &Ty) -> Option<TypeId> {
    let mut seen = HashSet::new();
    let mut ty = ty;
    loop {
        let Ty::Named(id) = ty else { return None };
        if !seen.insert(*id) {
            return None;
        }
        match &types.get(id.0)?.kind {
            TypeKind::Struct(_) => return Some(*id),
            TypeKind::Alias(inner) => ty = inner,
            TypeKind::Enum(_) => return None,
        }
    }
}

/// Whether struct `from` holds struct `to` inline, directly or through other structs.
fn reaches(types: &[TypeDef], from: TypeId, to: TypeId) -> bool {
    let mut seen = HashSet::from([from]);
    let mut queue = VecDeque::from([from]);
    while let Some(id) = queue.pop_front() {
        if id == to {
            return true;
        }
        let Some(TypeKind::Struct(strukt)) = types.get(id.0).map(|t| &t.kind) else {
            continue;
        };
        for field in &strukt.fields {
            if let Some(next) = direct_target(types, &field.ty) {
                if seen.insert(next) {
                    queue.push_back(next);
                }
            }
        }
    }
    false
}

/// Whether an alias's type names the alias again through other aliases, vectors or maps.
fn alias_reaches(types: &[TypeDef], ty: &Ty, own: TypeId) -> bool {
    let mut seen = HashSet::new();
    let mut stack = vec![ty];
    while let Some(ty) = stack.pop() {
        match ty {
            Ty::Named(id) if *id == own => return true,
            Ty::Named(id) => {
                if seen.insert(*id) {
                    if let Some(TypeKind::Alias(inner)) = types.get(id.0).map(|t| &t.kind) {
                        stack.push(inner);
                    }
                }
            }
            Ty::Vec(inner) | Ty::Map(inner) => stack.push(inner),
            Ty::Scalar(_) => {}
        }
    }
    false
}

/// Keeps a field's `default` only when it is a literal of the field's type; a default that
/// cannot be kept is still mentioned in the docs (the emitters mention the kept ones).
pub(super) fn check_defaults(api: &mut Api) {
    let mut verdicts = Vec::new();
    for (index, def) in api.types.iter().enumerate() {
        let TypeKind::Struct(strukt) = &def.kind else {
            continue;
        };
        for (field_index, field) in strukt.fields.iter().enumerate() {
            if let Some(value) = &field.default {
                verdicts.push((
                    index,
                    field_index,
                    literal_fits(&api.types, &field.ty, value),
                ));
            }
        }
    }
    for (index, field_index, fits) in verdicts {
        let TypeKind::Struct(strukt) = &mut api.types[index].kind else {
            continue;
        };
        let Some(field) = strukt.fields.get_mut(field_index) else {
            continue;
        };
        if !fits {
            if let Some(value) = field.default.take() {
                field.docs.notes.push(format!("Defaults to `{value}`."));
            }
        }
    }
}

fn literal_fits(types: &[TypeDef], ty: &Ty, value: &serde_json::Value) -> bool {
    match ty {
        Ty::Scalar(Scalar::String) => value.is_string(),
        Ty::Scalar(Scalar::Bool) => value.is_boolean(),
        Ty::Scalar(Scalar::I32) => value.as_i64().is_some_and(|v| i32::try_from(v).is_ok()),
        Ty::Scalar(Scalar::I64) => value.is_i64(),
        Ty::Scalar(Scalar::F64) => value.is_number(),
        Ty::Named(id) => match types.get(id.0).map(|t| &t.kind) {
            Some(TypeKind::Enum(_)) => value.is_string(),
            Some(TypeKind::Alias(inner)) if !matches!(inner, Ty::Named(_)) => {
                literal_fits(types, inner, value)
            }
            _ => false,
        },
        _ => false,
    }
}

/// Gives request bodies the type they should have: PATCH bodies a `…Patch` type where every
/// field is optional, other bodies of structs with read-only fields an `…Input` type
/// without them.
pub(super) fn request_types(api: &mut Api, names: &mut Namespace) {
    let mut made: HashMap<(TypeId, Derivation), TypeId> = HashMap::new();
    for op in 0..api.operations.len() {
        let Some(body) = &api.operations[op].body else {
            continue;
        };
        let Ty::Named(id) = body.ty else { continue };
        if body.media != BodyMedia::Json {
            continue;
        }
        let Some(TypeKind::Struct(strukt)) = api.types.get(id.0).map(|t| &t.kind) else {
            continue;
        };
        let derivation = if api.operations[op].method == HttpMethod::Patch {
            Derivation::Patch
        } else if strukt.fields.iter().any(|f| f.read_only) {
            Derivation::Input
        } else {
            continue;
        };
        let derived = match made.get(&(id, derivation)) {
            Some(derived) => *derived,
            None => {
                let derived = derive_struct(api, names, id, derivation);
                made.insert((id, derivation), derived);
                derived
            }
        };
        if let Some(body) = &mut api.operations[op].body {
            body.ty = Ty::Named(derived);
        }
    }
}

fn derive_struct(
    api: &mut Api,
    names: &mut Namespace,
    id: TypeId,
    derivation: Derivation,
) -> TypeId {
    let base = &api.types[id.0];
    let TypeKind::Struct(strukt) = &base.kind else {
        return id;
    };
    let (suffix, summary) = match derivation {
        Derivation::Input => (
            "Input",
            format!(
                "[`{}`] as sent in a request: the same fields without the read-only ones, which \
                 only the server sets.",
                base.name
            ),
        ),
        Derivation::Patch => (
            "Patch",
            format!(
                "A partial update of [`{}`]: every field is optional and only the fields that are \
                 set are sent.",
                base.name
            ),
        ),
    };
    let fields = strukt
        .fields
        .iter()
        .filter(|f| !f.read_only)
        .map(|f| {
            let mut field = f.clone();
            if derivation == Derivation::Patch {
                field.required = false;
                field.default = None;
            }
            field
        })
        .collect();
    let def = TypeDef {
        name: names.claim(&format!("{}{suffix}", base.name)),
        docs: Docs {
            rustdoc: vec![summary],
            ..Docs::default()
        },
        kind: TypeKind::Struct(Struct {
            fields,
            additional: strukt.additional.clone(),
            derived: Some((id, derivation)),
        }),
    };
    api.types.push(def);
    TypeId(api.types.len() - 1)
}
