//! Passes over the lowered model: boxing recursive fields, breaking alias cycles, checking
//! defaults, and deriving request types (`…Input` without read-only fields, nested objects
//! included; `…Patch` for partial updates).

use std::collections::{HashMap, HashSet, VecDeque};

use crate::model::{
    Api, BodyMedia, Derivation, Docs, HttpMethod, Scalar, Struct, Ty, TypeDef, TypeId, TypeKind,
};
use crate::naming::{self, Namespace};

/// Boxes every struct field and union variant through which a type can contain itself, so
/// the generated types have a finite size; and turns aliases that would name themselves
/// into JSON.
pub(super) fn box_recursive_fields(api: &mut Api) {
    for index in 0..api.types.len() {
        let own = TypeId(index);
        let Some(TypeKind::Alias(ty)) = api.types.get(index).map(|t| &t.kind) else {
            continue;
        };
        if alias_reaches(&api.types, ty, own) {
            if let Some(def) = api.types.get_mut(index) {
                def.kind = TypeKind::Alias(Ty::Scalar(Scalar::Json));
                def.docs.notes.push(
                    "The schema is defined in terms of itself without an object in between, \
                     which Rust cannot name; it is kept as untyped JSON."
                        .to_owned(),
                );
            }
        }
    }
    let mut boxed = Vec::new();
    for (index, def) in api.types.iter().enumerate() {
        for (member, ty) in inline_members(&def.kind) {
            let targets = direct_targets(&api.types, ty);
            if targets
                .into_iter()
                .any(|target| reaches(&api.types, target, TypeId(index)))
            {
                boxed.push((index, member));
            }
        }
    }
    for (index, member) in boxed {
        match api.types.get_mut(index).map(|t| &mut t.kind) {
            Some(TypeKind::Struct(strukt)) => {
                if let Some(field) = strukt.fields.get_mut(member) {
                    field.boxed = true;
                }
            }
            Some(TypeKind::Union(union)) => {
                if let Some(variant) = union.variants.get_mut(member) {
                    variant.boxed = true;
                }
            }
            _ => {}
        }
    }
}

/// The members of a type that hold a value in place: struct fields and union payloads,
/// with their index.
fn inline_members(kind: &TypeKind) -> Vec<(usize, &Ty)> {
    match kind {
        TypeKind::Struct(strukt) => strukt.fields.iter().map(|f| &f.ty).enumerate().collect(),
        TypeKind::Union(union) => union
            .variants
            .iter()
            .enumerate()
            .filter_map(|(index, v)| Some((index, v.ty.as_ref()?)))
            .collect(),
        TypeKind::Enum(_) | TypeKind::Alias(_) => Vec::new(),
    }
}

/// The structs and unions a type expression holds in place (not behind a `Vec` or map),
/// through aliases, `Option` and tuples.
fn direct_targets(types: &[TypeDef], ty: &Ty) -> Vec<TypeId> {
    let mut found = Vec::new();
    let mut seen = HashSet::new();
    let mut stack = vec![ty];
    while let Some(ty) = stack.pop() {
        match ty {
            Ty::Option(inner) => stack.push(inner),
            Ty::Tuple(items) => stack.extend(items),
            Ty::Named(id) => {
                if !seen.insert(*id) {
                    continue;
                }
                match types.get(id.0).map(|t| &t.kind) {
                    Some(TypeKind::Struct(_) | TypeKind::Union(_)) => found.push(*id),
                    Some(TypeKind::Alias(inner)) => stack.push(inner),
                    Some(TypeKind::Enum(_)) | None => {}
                }
            }
            Ty::Scalar(_) | Ty::Vec(_) | Ty::Map(_) => {}
        }
    }
    found
}

/// Whether type `from` holds type `to` in place, directly or through others.
fn reaches(types: &[TypeDef], from: TypeId, to: TypeId) -> bool {
    let mut seen = HashSet::from([from]);
    let mut queue = VecDeque::from([from]);
    while let Some(id) = queue.pop_front() {
        if id == to {
            return true;
        }
        let Some(def) = types.get(id.0) else { continue };
        for (_, ty) in inline_members(&def.kind) {
            for next in direct_targets(types, ty) {
                if seen.insert(next) {
                    queue.push_back(next);
                }
            }
        }
    }
    false
}

/// Whether an alias's type names the alias again through other aliases, vectors, maps or
/// options.
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
            Ty::Vec(inner) | Ty::Map(inner) | Ty::Option(inner) => stack.push(inner),
            Ty::Tuple(items) => stack.extend(items),
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
                    literal_fits(&api.types, field.value_ty(), value),
                ));
            }
        }
    }
    for (index, field_index, fits) in verdicts {
        let Some(TypeKind::Struct(strukt)) = api.types.get_mut(index).map(|t| &mut t.kind) else {
            continue;
        };
        let Some(field) = strukt.fields.get_mut(field_index) else {
            continue;
        };
        if !fits {
            if let Some(value) = field.default.take() {
                if !value.is_null() {
                    field.docs.notes.push(format!("Defaults to `{value}`."));
                }
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

/// Gives request bodies the type they should have: PATCH bodies a partial type (every
/// field optional, `null` distinct from absent), other bodies of structs with read-only
/// fields (in nested objects too) an `…Input` type without them.
pub(super) fn request_types(api: &mut Api, names: &mut Namespace) {
    let mut deriver = Deriver {
        names,
        made: HashMap::new(),
        needs_input: needs_input(&api.types),
        used_elsewhere: used_besides_patch_bodies(api),
    };
    for op in 0..api.operations.len() {
        let Some(operation) = api.operations.get(op) else {
            continue;
        };
        let Some(body) = &operation.body else {
            continue;
        };
        if body.media != BodyMedia::Json {
            continue;
        }
        let patch = operation.method == HttpMethod::Patch;
        let body_ty = body.ty.clone();
        let new_ty = match body_ty.non_null() {
            Ty::Named(id) if patch => deriver.patch_type(api, *id).map(Ty::Named),
            _ => Some(deriver.input_ty(api, &body_ty)),
        };
        let Some(mut new_ty) = new_ty else { continue };
        if matches!(body_ty, Ty::Option(_)) {
            new_ty = new_ty.nullable();
        }
        if let Some(body) = api.operations.get_mut(op).and_then(|o| o.body.as_mut()) {
            body.ty = new_ty;
        }
    }
}

/// The structs that have read-only fields, in themselves or in objects they hold (a fixed
/// point over the type graph, so recursive types are handled).
fn needs_input(types: &[TypeDef]) -> HashSet<TypeId> {
    let mut found: HashSet<TypeId> = HashSet::new();
    loop {
        let before = found.len();
        for (index, def) in types.iter().enumerate() {
            let TypeKind::Struct(strukt) = &def.kind else {
                continue;
            };
            let needed = strukt.fields.iter().any(|field| {
                field.read_only || structs_in(types, &field.ty).any(|t| found.contains(&t))
            });
            if needed {
                found.insert(TypeId(index));
            }
        }
        if found.len() == before {
            return found;
        }
    }
}

/// The structs a type expression holds, in place or in a `Vec`, map, `Option` or tuple,
/// through aliases.
fn structs_in<'t>(types: &'t [TypeDef], ty: &'t Ty) -> impl Iterator<Item = TypeId> + 't {
    let mut stack = vec![ty];
    let mut seen = HashSet::new();
    std::iter::from_fn(move || {
        while let Some(ty) = stack.pop() {
            match ty {
                Ty::Vec(inner) | Ty::Map(inner) | Ty::Option(inner) => stack.push(inner),
                Ty::Tuple(items) => stack.extend(items),
                Ty::Named(id) if seen.insert(*id) => match types.get(id.0).map(|t| &t.kind) {
                    Some(TypeKind::Struct(_)) => return Some(*id),
                    Some(TypeKind::Alias(inner)) => stack.push(inner),
                    _ => {}
                },
                Ty::Named(_) | Ty::Scalar(_) => {}
            }
        }
        None
    })
}

/// The types used anywhere but as the body of a PATCH operation.
fn used_besides_patch_bodies(api: &Api) -> HashSet<TypeId> {
    let mut used = HashSet::new();
    let mut note = |ty: &Ty| {
        if let Ty::Named(id) = ty {
            used.insert(*id);
        }
    };
    for def in &api.types {
        crate::model::visit_def_tys(def, &mut note);
    }
    for operation in &api.operations {
        let patch_body = operation.method == HttpMethod::Patch;
        for param in operation.path_params.iter().chain(&operation.params) {
            crate::model::visit_ty(&param.ty, &mut note);
        }
        let bodies = operation.body.iter().chain(&operation.other_bodies);
        for body in bodies.filter(|_| !patch_body) {
            crate::model::visit_ty(&body.ty, &mut note);
        }
        for content in operation.responses.contents() {
            if let crate::model::Content::Json(ty) = content {
                crate::model::visit_ty(ty, &mut note);
            }
        }
    }
    used
}

/// Makes derived request types, each once.
struct Deriver<'n> {
    names: &'n mut Namespace,
    made: HashMap<(TypeId, Derivation), TypeId>,
    needs_input: HashSet<TypeId>,
    /// Types used besides as PATCH bodies, which a partial update must not change.
    used_elsewhere: HashSet<TypeId>,
}

impl Deriver<'_> {
    /// `ty` with every struct that has read-only fields replaced by its `…Input` type.
    fn input_ty(&mut self, api: &mut Api, ty: &Ty) -> Ty {
        match ty {
            Ty::Vec(inner) => Ty::Vec(Box::new(self.input_ty(api, inner))),
            Ty::Map(inner) => Ty::Map(Box::new(self.input_ty(api, inner))),
            Ty::Option(inner) => Ty::Option(Box::new(self.input_ty(api, inner))),
            Ty::Tuple(items) => Ty::Tuple(items.iter().map(|t| self.input_ty(api, t)).collect()),
            Ty::Named(id) if self.needs_input.contains(id) => {
                Ty::Named(self.derive(api, *id, Derivation::Input))
            }
            other => other.clone(),
        }
    }

    /// The partial-update type of struct `id`: the struct itself when all its fields are
    /// optional and writable already and nothing else uses it (it is marked partial, and
    /// its nested objects lose their read-only fields), else a derived `…Patch`.
    fn patch_type(&mut self, api: &mut Api, id: TypeId) -> Option<TypeId> {
        let Some(TypeKind::Struct(strukt)) = api.types.get(id.0).map(|t| &t.kind) else {
            return None;
        };
        let in_place = strukt.derived.is_none()
            && strukt.fields.iter().all(|f| !f.required && !f.read_only)
            && !self.used_elsewhere.contains(&id);
        if !in_place {
            return Some(self.derive(api, id, Derivation::Patch));
        }
        let field_tys: Vec<Ty> = strukt.fields.iter().map(|f| f.ty.clone()).collect();
        let input_tys: Vec<Ty> = field_tys.iter().map(|ty| self.input_ty(api, ty)).collect();
        if let Some(TypeKind::Struct(strukt)) = api.types.get_mut(id.0).map(|t| &mut t.kind) {
            strukt.partial = true;
            for (field, ty) in strukt.fields.iter_mut().zip(input_tys) {
                field.ty = ty;
            }
        }
        Some(id)
    }

    fn derive(&mut self, api: &mut Api, id: TypeId, derivation: Derivation) -> TypeId {
        if let Some(made) = self.made.get(&(id, derivation)) {
            return *made;
        }
        let Some(base) = api.types.get(id.0) else {
            return id;
        };
        let TypeKind::Struct(strukt) = &base.kind else {
            return id;
        };
        let (suffix, summary) = derived_docs(&base.name, derivation);
        let fields = strukt.fields.clone();
        let extra = strukt.extra.clone();
        let name = self.names.claim(&naming::compose(&[&base.name, suffix]));
        // Declared before its fields are derived, so a recursive type finds itself.
        let derived = TypeId(api.types.len());
        api.types.push(TypeDef {
            name,
            docs: Docs {
                rustdoc: vec![summary],
                ..Docs::default()
            },
            kind: TypeKind::Alias(Ty::Scalar(Scalar::Json)),
            gate: crate::model::Gate::Always,
        });
        self.made.insert((id, derivation), derived);
        let mut kept = Vec::with_capacity(fields.len());
        for mut field in fields.into_iter().filter(|f| !f.read_only) {
            field.ty = self.input_ty(api, &field.ty);
            if derivation == Derivation::Patch {
                field.required = false;
                field.default = None;
            }
            kept.push(field);
        }
        if let Some(def) = api.types.get_mut(derived.0) {
            def.kind = TypeKind::Struct(Struct {
                fields: kept,
                extra,
                derived: Some((id, derivation)),
                partial: derivation == Derivation::Patch,
                multipart: false,
            });
        }
        derived
    }
}

/// The name suffix and summary of a derived type.
fn derived_docs(base: &str, derivation: Derivation) -> (&'static str, String) {
    match derivation {
        Derivation::Input => (
            "Input",
            format!(
                "[`{base}`] as sent in a request: the same fields without the read-only ones, \
                 which only the server sets."
            ),
        ),
        Derivation::Patch => (
            "Patch",
            format!(
                "A partial update of [`{base}`]: every field is optional and only the fields \
                 that are set are sent."
            ),
        ),
    }
}
