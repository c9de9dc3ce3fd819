//! Identical types written in place become one type.
//!
//! Descriptions repeat themselves: the same enum of field names written in the `fields`
//! parameter of every operation on a resource, the same small object in several
//! responses. Each copy would be a type of its own, with its own code. Two types written in
//! place whose definitions are the same (fields, variants, values, docs of their members;
//! not their own names or docs) are merged into the one declared first, which keeps its
//! name; the merge repeats until no more types are equal, since merging the types two
//! structs hold can make those structs equal. Component schemas are never merged: their
//! names are the description's own.
//!
//! Operations with the same parameters (and tags, so a per-tag feature never removes a
//! struct another tag names) share one parameter struct: the later ones' names are aliases
//! of the first's.

use std::collections::hash_map::Entry;
use std::collections::{BTreeMap, HashMap};

use crate::diagnostic::Pointer;
use crate::model::{Api, Ty, TypeDef, TypeId, TypeKind};

/// Merges identical types among `inline` (types written in place, with where each is
/// written) and drops the copies.
pub fn merge_identical(api: &mut Api, inline: &BTreeMap<TypeId, Pointer>) {
    let mut merged_into: HashMap<TypeId, TypeId> = HashMap::new();
    loop {
        let copies = find_copies(api, inline, &merged_into);
        if copies.is_empty() {
            break;
        }
        for_each_type_id(api, &mut |id| {
            if let Some(kept) = copies.get(id) {
                *id = *kept;
            }
        });
        merged_into.extend(copies);
    }
    if merged_into.is_empty() {
        return;
    }
    note_every_place(api, inline, &merged_into);
    drop_copies(api, &merged_into);
}

/// Points each operation whose parameters (and tags) are those of an earlier operation
/// at it (see [`crate::model::Operation::params_same_as`]).
pub fn share_identical_params(api: &mut Api) {
    let mut first_of: HashMap<String, usize> = HashMap::new();
    for (index, op) in api.operations.iter_mut().enumerate() {
        if op.params.is_empty() {
            continue;
        }
        let key = format!("{:?} {:?}", op.tags, op.params);
        match first_of.entry(key) {
            Entry::Occupied(first) => op.params_same_as = Some(*first.get()),
            Entry::Vacant(slot) => {
                slot.insert(index);
            }
        }
    }
}

/// The types equal to an earlier one, each with the one it equals.
fn find_copies(
    api: &Api,
    inline: &BTreeMap<TypeId, Pointer>,
    merged: &HashMap<TypeId, TypeId>,
) -> HashMap<TypeId, TypeId> {
    let mut first_of: HashMap<String, TypeId> = HashMap::new();
    let mut copies = HashMap::new();
    for &id in inline.keys().filter(|id| !merged.contains_key(id)) {
        let def = api.ty(id);
        if matches!(def.kind, TypeKind::Alias(_)) {
            continue;
        }
        match first_of.entry(definition(def)) {
            Entry::Occupied(kept) => {
                copies.insert(id, *kept.get());
            }
            Entry::Vacant(slot) => {
                slot.insert(id);
            }
        }
    }
    copies
}

/// What makes two types the same: their kind's full text (types they hold appear by id,
/// so two equal texts hold the same types).
fn definition(def: &TypeDef) -> String {
    format!("{:?}", def.kind)
}

/// A kept type that says where its schema is written says every place.
fn note_every_place(
    api: &mut Api,
    inline: &BTreeMap<TypeId, Pointer>,
    merged_into: &HashMap<TypeId, TypeId>,
) {
    let mut places: BTreeMap<TypeId, Vec<&Pointer>> = BTreeMap::new();
    for (copy, kept) in merged_into {
        if let Some(pointer) = inline.get(copy) {
            places
                .entry(final_type(*kept, merged_into))
                .or_default()
                .push(pointer);
        }
    }
    for (kept, mut others) in places {
        let (Some(def), Some(own)) = (api.types.get_mut(kept.0), inline.get(&kept)) else {
            continue;
        };
        let origin = super::Origin::Inline(own).note();
        let Some(note) = def.docs.notes.iter_mut().find(|note| **note == origin) else {
            continue;
        };
        others.sort();
        let listed: Vec<String> = others
            .iter()
            .take(3)
            .map(|pointer| format!("`{}`", pointer.to_string().replace('`', "'")))
            .collect();
        let more = others.len().saturating_sub(listed.len());
        let rest = if more == 0 {
            String::new()
        } else {
            format!(" and {more} more places")
        };
        note.push_str(&format!(
            " The same schema is written at {}{rest}.",
            listed.join(", ")
        ));
    }
}

/// The type that `id` ended up merged into.
fn final_type(mut id: TypeId, merged_into: &HashMap<TypeId, TypeId>) -> TypeId {
    while let Some(next) = merged_into.get(&id) {
        id = *next;
    }
    id
}

/// Removes the merged copies (nothing names them any more) and renumbers the rest.
fn drop_copies(api: &mut Api, merged_into: &HashMap<TypeId, TypeId>) {
    let mut new_ids = Vec::with_capacity(api.types.len());
    let mut next = 0;
    for index in 0..api.types.len() {
        new_ids.push(TypeId(next));
        if !merged_into.contains_key(&TypeId(index)) {
            next += 1;
        }
    }
    let types = std::mem::take(&mut api.types);
    api.types = types
        .into_iter()
        .enumerate()
        .filter(|(index, _)| !merged_into.contains_key(&TypeId(*index)))
        .map(|(_, def)| def)
        .collect();
    for_each_type_id(api, &mut |id| {
        if let Some(new) = new_ids.get(id.0) {
            *id = *new;
        }
    });
}

/// Calls `visit` with every type id the API holds: in type expressions, and the type each
/// derived struct comes from.
fn for_each_type_id(api: &mut Api, visit: &mut dyn FnMut(&mut TypeId)) {
    api.visit_tys_mut(&mut |ty| {
        if let Ty::Named(id) = ty {
            visit(id);
        }
    });
    for def in &mut api.types {
        if let TypeKind::Struct(strukt) = &mut def.kind {
            if let Some((from, _)) = &mut strukt.derived {
                visit(from);
            }
        }
    }
}
