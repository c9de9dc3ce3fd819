//! Tags -> cargo features: each tag that tells operations apart is a feature of the
//! generated crate, which compiles the operations of its tag and the types they use.
//!
//! An operation is compiled when any of its tags' features is on; one without such a tag
//! always is. A type is compiled when any operation using it is (through parameters,
//! bodies, responses, fields, alternatives, aliases, or the type a request type is derived
//! from), and always when something that is always compiled uses it, when every feature's
//! operations use it, or when no operation does (webhook payloads, unused components).

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use crate::model::{Api, Feature, Gate, Ty, TypeDef, TypeId, TypeKind};
use crate::naming::{self, Namespace};

/// The features the manifest of every generated crate defines itself.
const RESERVED: [&str; 3] = ["default", "rustls", "native-tls"];

/// Makes the description's tags into [`Api::features`] and gates every operation and type.
///
/// Nothing is gated when fewer than two tags tell operations apart: a tag that every
/// operation has selects nothing, and one tag alone would only make the whole crate
/// optional.
pub(super) fn gate_by_tags(api: &mut Api, declared: &[openapiv3::Tag]) {
    let features = features(api, declared);
    if features.len() < 2 {
        return;
    }
    let by_tag: HashMap<&str, &str> = features
        .iter()
        .map(|feature| (feature.tag.as_str(), feature.name.as_str()))
        .collect();
    for operation in &mut api.operations {
        let names: BTreeSet<String> = operation
            .tags
            .iter()
            .filter_map(|tag| by_tag.get(tag.as_str()))
            .map(|name| (*name).to_owned())
            .collect();
        if names.is_empty() {
            continue;
        }
        operation.docs.rustdoc.push(needs(&names));
        operation.gate = Gate::AnyOf(names);
    }
    gate_types(api, features.len());
    api.features = features;
}

/// One feature per tag that some operations have and others lack: the tags the document
/// declares first, in its order, then the others in the order operations use them.
fn features(api: &Api, declared: &[openapiv3::Tag]) -> Vec<Feature> {
    let mut uses: HashMap<&str, usize> = HashMap::new();
    let mut order: Vec<&str> = Vec::new();
    let mut seen: HashSet<&str> = HashSet::new();
    for operation in &api.operations {
        let tags: BTreeSet<&str> = operation.tags.iter().map(String::as_str).collect();
        order.extend(
            operation
                .tags
                .iter()
                .map(String::as_str)
                .filter(|tag| seen.insert(tag)),
        );
        for tag in tags {
            *uses.entry(tag).or_default() += 1;
        }
    }
    let distinguishing = |tag: &str| uses.get(tag).is_some_and(|n| *n < api.operations.len());
    let descriptions: HashMap<&str, Option<&String>> = declared
        .iter()
        .map(|tag| (tag.name.as_str(), tag.description.as_ref()))
        .collect();
    let mut tags: Vec<&str> = Vec::new();
    let declared_order = declared.iter().map(|tag| tag.name.as_str());
    for tag in declared_order.chain(order) {
        if distinguishing(tag) && !tags.contains(&tag) {
            tags.push(tag);
        }
    }
    let mut names = Namespace::default();
    for reserved in RESERVED {
        names.reserve(reserved);
    }
    tags.into_iter()
        .map(|tag| Feature {
            name: claim(&mut names, &naming::feature_name(tag)),
            tag: tag.to_owned(),
            description: descriptions.get(tag).copied().flatten().cloned(),
        })
        .collect()
}

/// `base` if it is free, else the first free `base-2`, `base-3`, ...
fn claim(names: &mut Namespace, base: &str) -> String {
    let mut name = base.to_owned();
    let mut suffix = 2_u32;
    while names.contains(&name) {
        name = format!("{base}-{suffix}");
        suffix = suffix.saturating_add(1);
    }
    names.reserve(&name);
    name
}

/// The sentence an operation's docs end with: the features that compile it.
fn needs(names: &BTreeSet<String>) -> String {
    let names: Vec<String> = names.iter().map(|name| format!("`{name}`")).collect();
    match names.as_slice() {
        [one] => format!("Needs the crate's {one} feature."),
        [rest @ .., last] => format!(
            "Needs one of the crate's {} or {last} features.",
            rest.join(", ")
        ),
        [] => String::new(),
    }
}

/// Gives every type the gate of the operations that use it (see the module's docs);
/// `count` is the number of features.
fn gate_types(api: &mut Api, count: usize) {
    let edges: Vec<Vec<TypeId>> = api.types.iter().map(references).collect();
    // The types each gate's operations use directly.
    let mut roots: BTreeMap<&Gate, Vec<TypeId>> = BTreeMap::new();
    for operation in &api.operations {
        let used = roots.entry(&operation.gate).or_default();
        operation.visit_tys(&mut |ty| {
            if let Ty::Named(id) = ty {
                used.push(*id);
            }
        });
    }
    let mut gates: Vec<Option<Gate>> = vec![None; api.types.len()];
    for (gate, used) in roots {
        for id in reachable(used, &edges) {
            if let Some(slot) = gates.get_mut(id.0) {
                *slot = Some(slot.take().map_or_else(|| gate.clone(), |had| had.or(gate)));
            }
        }
    }
    let everywhere = |gate: &Option<Gate>| match gate {
        None | Some(Gate::Always) => true,
        Some(Gate::AnyOf(names)) => names.len() == count,
    };
    let always: Vec<TypeId> = (0..gates.len())
        .filter(|index| gates.get(*index).is_some_and(everywhere))
        .map(TypeId)
        .collect();
    let always: HashSet<TypeId> = reachable(always, &edges).into_iter().collect();
    for (index, (def, gate)) in api.types.iter_mut().zip(gates).enumerate() {
        def.gate = match gate {
            Some(gate) if !always.contains(&TypeId(index)) => gate,
            _ => Gate::Always,
        };
    }
}

/// The types `def` names itself: in its fields, alternatives or aliased type, and the type
/// it is derived from.
fn references(def: &TypeDef) -> Vec<TypeId> {
    let mut found = Vec::new();
    crate::model::visit_def_tys(def, &mut |ty| {
        if let Ty::Named(id) = ty {
            found.push(*id);
        }
    });
    if let TypeKind::Struct(strukt) = &def.kind {
        found.extend(strukt.derived.map(|(base, _)| base));
    }
    found
}

/// `start` and every type reachable from it through `edges`, each once.
fn reachable(start: Vec<TypeId>, edges: &[Vec<TypeId>]) -> Vec<TypeId> {
    let mut seen: HashSet<TypeId> = HashSet::new();
    let mut found = Vec::new();
    let mut stack = start;
    while let Some(id) = stack.pop() {
        if !seen.insert(id) {
            continue;
        }
        found.push(id);
        stack.extend(edges.get(id.0).into_iter().flatten().copied());
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The API a document lowers to.
    fn lowered(text: &str) -> Api {
        let loaded = crate::load(text).expect("the document loads");
        crate::lower(loaded).expect("the document lowers").0
    }

    fn gate(names: &[&str]) -> Gate {
        Gate::AnyOf(names.iter().map(|name| (*name).to_owned()).collect())
    }

    fn type_gate<'a>(api: &'a Api, name: &str) -> &'a Gate {
        let def = api.types.iter().find(|def| def.name == name);
        &def.unwrap_or_else(|| panic!("no type {name}")).gate
    }

    const PARTS: &str = r##"
openapi: 3.0.3
info: { title: Parts, version: "1" }
tags:
  - { name: Store front, description: The shops. }
  - { name: default }
  - { name: store-front }
  - { name: everywhere }
paths:
  /a:
    get:
      operationId: a
      tags: [everywhere, Store front]
      responses:
        "200":
          description: A.
          content: { application/json: { schema: { $ref: "#/components/schemas/A" } } }
    post:
      operationId: b
      tags: [default, everywhere]
      requestBody:
        content: { application/json: { schema: { $ref: "#/components/schemas/Both" } } }
      responses:
        "200":
          description: B.
          content: { application/json: { schema: { $ref: "#/components/schemas/Both" } } }
    put:
      operationId: c
      tags: [store-front, default, everywhere]
      responses:
        "200":
          description: C.
          content: { application/json: { schema: { $ref: "#/components/schemas/C" } } }
    delete:
      operationId: untagged
      tags: [everywhere]
      responses:
        "200":
          description: D.
          content: { application/json: { schema: { $ref: "#/components/schemas/Free" } } }
components:
  schemas:
    A:
      type: object
      properties: { shared: { $ref: "#/components/schemas/Shared" } }
    Both:
      type: object
      properties:
        id: { type: string, readOnly: true }
        shared: { $ref: "#/components/schemas/Shared" }
    C:
      type: object
      properties:
        all: { $ref: "#/components/schemas/All" }
        item: { $ref: "#/components/schemas/FreeItem" }
    Shared:
      type: object
      properties: { all: { $ref: "#/components/schemas/All" } }
    All:
      type: object
      properties: { x: { type: string } }
    Free:
      type: object
      properties: { item: { $ref: "#/components/schemas/FreeItem" } }
    FreeItem:
      type: object
      properties: { x: { type: string } }
    Unused:
      type: object
      properties: { free: { $ref: "#/components/schemas/Free" } }
"##;

    #[test]
    fn tags_that_tell_operations_apart_are_features_with_unique_names() {
        let api = lowered(PARTS);
        let features: Vec<(&str, &str)> = api
            .features
            .iter()
            .map(|f| (f.tag.as_str(), f.name.as_str()))
            .collect();
        // `everywhere` is on every operation: it selects nothing.
        assert_eq!(
            features,
            [
                ("Store front", "store-front"),
                ("default", "default-2"),
                ("store-front", "store-front-2"),
            ]
        );
        assert_eq!(
            api.features.first().and_then(|f| f.description.as_deref()),
            Some("The shops.")
        );
        let gates: Vec<&Gate> = api.operations.iter().map(|op| &op.gate).collect();
        assert_eq!(
            gates,
            [
                &gate(&["store-front"]),
                &gate(&["default-2", "store-front-2"]),
                &gate(&["default-2"]),
                &Gate::Always,
            ]
        );
        let docs = &api.operations.get(1).expect("operation c").docs.rustdoc;
        assert_eq!(
            docs.last().map(String::as_str),
            Some("Needs one of the crate's `default-2` or `store-front-2` features.")
        );
    }

    #[test]
    fn types_take_the_features_of_the_operations_that_use_them() {
        let api = lowered(PARTS);
        // Used by one operation: its features, through fields too.
        assert_eq!(type_gate(&api, "C"), &gate(&["default-2", "store-front-2"]));
        assert_eq!(type_gate(&api, "Both"), &gate(&["default-2"]));
        // The request form of `Both` needs `Both`, whose `From` it has.
        assert_eq!(type_gate(&api, "BothInput"), &gate(&["default-2"]));
        // Used by two parts' operations.
        assert_eq!(
            type_gate(&api, "Shared"),
            &gate(&["default-2", "store-front"])
        );
        // Used by every part, reachable from an untagged operation or from a type no
        // operation uses: always compiled.
        assert_eq!(type_gate(&api, "A"), &gate(&["store-front"]));
        assert_eq!(type_gate(&api, "All"), &Gate::Always);
        assert_eq!(type_gate(&api, "Free"), &Gate::Always);
        assert_eq!(type_gate(&api, "FreeItem"), &Gate::Always);
        assert_eq!(type_gate(&api, "Unused"), &Gate::Always);
    }

    #[test]
    fn feature_names_are_kebab_case_ascii() {
        let cases = [
            ("Store front", "store-front"),
            ("HRIS_Employee", "hris-employee"),
            ("名前", "u540d-u524d"),
            ("*/", "star-slash"),
            ("1st", "1st"),
            ("", "empty"),
        ];
        for (tag, name) in cases {
            assert_eq!(naming::feature_name(tag), name, "for the tag {tag:?}");
        }
    }

    #[test]
    fn one_tag_is_no_feature() {
        let api = lowered(
            r##"
openapi: 3.0.3
info: { title: One, version: "1" }
paths:
  /a:
    get:
      operationId: a
      tags: [only]
      responses: { "204": { description: A. } }
    post:
      operationId: b
      responses: { "204": { description: B. } }
"##,
        );
        assert!(api.features.is_empty());
        assert!(api.operations.iter().all(|op| op.gate.is_always()));
        assert!(api.operations.iter().all(|op| op.docs.rustdoc.is_empty()));
    }
}
