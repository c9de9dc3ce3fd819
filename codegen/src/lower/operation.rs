//! Paths and operations -> [`crate::model::Operation`]s.

use std::collections::HashMap;

use openapiv3::{PathItem, ReferenceOr};

use super::Lowerer;
use crate::diagnostic::Pointer;
use crate::model::{Body, Docs, HttpMethod, Operation, Paging, PagingKind, Param, PathPart, Ty};
use crate::naming::{self, Namespace, RustIdent};

/// Names of the client's own items, and of trait methods every client has (derived `Clone`
/// and `Debug`, blanket `Into`, `ToOwned`, ...), which an operation's method would shadow
/// (`lower::reserved_names` checks the generated client has no other methods and fields).
pub(crate) const CLIENT_ITEMS: &[&str] = &[
    "new",
    "builder",
    "base_url",
    "transport",
    "clone",
    "clone_from",
    "fmt",
    "to_owned",
    "into",
    "try_into",
    "type_id",
    "borrow",
    "borrow_mut",
];

/// An operation as found in `paths`, before it is lowered.
pub(super) struct Found<'a> {
    pub(super) path: &'a str,
    pub(super) item: &'a PathItem,
    pub(super) method: HttpMethod,
    pub(super) operation: &'a openapiv3::Operation,
    pub(super) pointer: Pointer,
}

impl<'a> Lowerer<'a> {
    pub(super) fn lower_operations(&mut self) -> Vec<Operation> {
        let found = self.find_operations();
        // Every operation's own method is named before any is lowered, so the methods
        // besides it that lowering names (see `OtherMethods`) never take an operation's name.
        let (names, mut method_names) = self.operation_names(&found);
        found
            .iter()
            .zip(names)
            .filter_map(|(op, name)| self.lower_operation(name, op, &mut method_names))
            .collect()
    }

    /// Every operation of every path item, in document order.
    fn find_operations(&mut self) -> Vec<Found<'a>> {
        let spec = self.spec;
        let paths = Pointer::root().push("paths");
        let mut found = Vec::new();
        for (path, item) in &spec.paths.paths {
            let item_pointer = paths.push(path);
            let item = match item {
                ReferenceOr::Item(item) => item,
                ReferenceOr::Reference { reference } => {
                    self.diagnostics.error(
                        &item_pointer,
                        format!("`$ref: {reference}` path items are not supported"),
                    );
                    continue;
                }
            };
            for method in HttpMethod::ALL {
                let Some(operation) = operation_of(item, method) else {
                    continue;
                };
                let pointer = item_pointer.push(method.as_str());
                found.push(Found {
                    path,
                    item,
                    method,
                    operation,
                    pointer,
                });
            }
        }
        found
    }

    /// The method name of each operation, and the client's method namespace.
    ///
    /// Names from an `operationId` are claimed before names derived from the method and
    /// path, so that an operation without an id never takes the name another one asked for.
    fn operation_names(&mut self, found: &[Found<'a>]) -> (Vec<RustIdent>, Namespace) {
        let mut method_names = Namespace::default();
        for taken in CLIENT_ITEMS {
            method_names.reserve(taken);
        }
        let mut operation_ids: HashMap<&str, &Pointer> = HashMap::new();
        let mut from_ids: Vec<Option<RustIdent>> = Vec::with_capacity(found.len());
        for op in found {
            let Some(id) = &op.operation.operation_id else {
                from_ids.push(None);
                continue;
            };
            if let Some(first) = operation_ids.insert(id.as_str(), &op.pointer) {
                self.diagnostics.error(
                    &op.pointer.push("operationId"),
                    format!("operationId `{id}` is already used at {first}"),
                );
            }
            from_ids.push(Some(method_names.claim(&naming::snake_name(id))));
        }
        let names = from_ids
            .into_iter()
            .zip(found)
            .map(|(from_id, op)| {
                from_id.unwrap_or_else(|| method_names.claim(&derived_name(op.method, op.path)))
            })
            .collect();
        (names, method_names)
    }

    /// One operation; `None` when it cannot be generated (reported, as errors or as a
    /// warning that it is left out).
    fn lower_operation(
        &mut self,
        name: RustIdent,
        found: &Found<'a>,
        method_names: &mut Namespace,
    ) -> Option<Operation> {
        let Some(segments) = parse_path(found.path) else {
            self.diagnostics.error(
                &Pointer::root().push("paths").push(found.path),
                "the path template has an unclosed or empty `{...}`",
            );
            return None;
        };
        let type_prefix = naming::type_name(&name);
        let mut refused = Vec::new();
        let declared = self.merge_parameters(found);
        let (path_params, params) = self.lower_parameters(declared, &type_prefix, &mut refused);
        let (path_params, segments) = self.bind_path(found, &segments, path_params);
        let operation = found.operation;
        let (body, other_bodies) = match &operation.request_body {
            Some(body) => self.lower_bodies(
                body,
                &found.pointer.push("requestBody"),
                &type_prefix,
                &mut refused,
            ),
            None => (None, Vec::new()),
        };
        if !refused.is_empty() {
            self.leave_out(&name, &refused);
            return None;
        }
        let responses = self.lower_responses(
            &operation.responses,
            &found.pointer.push("responses"),
            &type_prefix,
        );
        let security = self.operation_security(operation, &found.pointer);
        let paging = self.paging(&params, &responses);
        let params_type = (!params.is_empty()).then(|| {
            self.type_names
                .claim(&naming::compose(&[&type_prefix, "Params"]))
        });
        let methods = OtherMethods::name(&name, other_bodies, paging, method_names);
        Some(Operation {
            name,
            with_response: methods.with_response,
            method: found.method,
            path_template: found.path.to_owned(),
            segments,
            docs: Docs {
                summary: non_blank(operation.summary.as_ref()),
                description: non_blank(operation.description.as_ref()),
                ..Docs::default()
            },
            deprecated: operation.deprecated,
            path_params,
            params,
            params_type,
            params_same_as: None,
            tags: operation.tags.clone(),
            body,
            other_bodies: methods.other_bodies,
            responses,
            security,
            paging: methods.paging,
            gate: crate::model::Gate::Always,
        })
    }

    /// Warns that an operation is left out of the client, and why: a client method that
    /// would be wrong on the wire is worse than none.
    fn leave_out(&mut self, name: &str, refused: &[(Pointer, String)]) {
        for (at, reason) in refused {
            self.diagnostics.warning(
                at,
                format!("{reason}; the operation `{name}` is left out of the client"),
            );
        }
    }

    /// Matches the path template's `{name}`s with the path parameters: every one of the
    /// template must be a path parameter, and every path parameter must appear in the
    /// template. Returns the parameters in template order and the resolved segments.
    fn bind_path(
        &mut self,
        found: &Found<'a>,
        segments: &[Vec<RawPart>],
        mut path_params: Vec<(Param, Pointer)>,
    ) -> (Vec<Param>, Vec<Vec<PathPart>>) {
        let mut ordered: Vec<Param> = Vec::with_capacity(path_params.len());
        let mut resolved = Vec::with_capacity(segments.len());
        for segment in segments {
            let mut parts = Vec::new();
            for part in segment {
                match part {
                    RawPart::Literal(text) => parts.push(PathPart::Literal(text.clone())),
                    RawPart::Param(wire) => {
                        // A name the template repeats (`/a/{id}/b/{id}`) takes the same value.
                        if let Some(index) = ordered.iter().position(|p| p.wire == *wire) {
                            parts.push(PathPart::Param(index));
                        } else if let Some(index) =
                            path_params.iter().position(|(p, _)| p.wire == *wire)
                        {
                            parts.push(PathPart::Param(ordered.len()));
                            ordered.push(path_params.remove(index).0);
                        } else {
                            self.diagnostics.error(
                                &found.pointer,
                                format!(
                                    "the path has `{{{wire}}}` but the operation declares no path \
                                     parameter `{wire}`"
                                ),
                            );
                        }
                    }
                }
            }
            resolved.push(parts);
        }
        for (orphan, at) in &path_params {
            self.diagnostics.error(
                at,
                format!(
                    "path parameter `{}` does not appear in the path `{}`",
                    orphan.wire, found.path
                ),
            );
        }
        (ordered, resolved)
    }
}

/// The methods of an operation besides its own, named after it, in this order: the method
/// for each other body media type (`…_form`) and its `…_with_response` twin, the
/// operation's `…_with_response` method, its stream method (`…_stream`).
struct OtherMethods {
    /// The other bodies, with their methods named.
    other_bodies: Vec<Body>,
    /// The name of the operation's `…_with_response` method.
    with_response: RustIdent,
    /// How the operation pages, with its stream method named.
    paging: Option<Paging>,
}

impl OtherMethods {
    /// Names the methods of operation `name`, whose other bodies each come with the suffix
    /// of their media type and whose paging (when it pages) is `(item, kind)`.
    fn name(
        name: &RustIdent,
        other_bodies: Vec<(Body, &str)>,
        paging: Option<(Ty, PagingKind)>,
        method_names: &mut Namespace,
    ) -> Self {
        let other_bodies = other_bodies
            .into_iter()
            .map(|(mut body, suffix)| {
                let method = method_names.claim(&naming::suffixed_method(name, suffix));
                let with_response =
                    method_names.claim(&naming::suffixed_method(&method, "with_response"));
                body.method = Some(method);
                body.with_response = Some(with_response);
                body
            })
            .collect();
        let with_response = method_names.claim(&naming::suffixed_method(name, "with_response"));
        let paging = paging.map(|(item, kind)| Paging {
            item,
            kind,
            method: method_names.claim(&naming::suffixed_method(name, "stream")),
        });
        Self {
            other_bodies,
            with_response,
            paging,
        }
    }
}

fn operation_of(item: &PathItem, method: HttpMethod) -> Option<&openapiv3::Operation> {
    match method {
        HttpMethod::Get => item.get.as_ref(),
        HttpMethod::Put => item.put.as_ref(),
        HttpMethod::Post => item.post.as_ref(),
        HttpMethod::Delete => item.delete.as_ref(),
        HttpMethod::Options => item.options.as_ref(),
        HttpMethod::Head => item.head.as_ref(),
        HttpMethod::Patch => item.patch.as_ref(),
        HttpMethod::Trace => item.trace.as_ref(),
    }
}

/// A stable method name for an operation without `operationId`: the method and the path's
/// words, with `by_<param>` for parameters (`GET /pets/{id}` -> `get_pets_by_id`).
fn derived_name(method: HttpMethod, path: &str) -> RustIdent {
    let mut words = vec![method.as_str().to_owned()];
    for segment in path.split('/').filter(|s| !s.is_empty()) {
        match segment.strip_prefix('{').and_then(|s| s.strip_suffix('}')) {
            Some(param) => words.push(format!("by {param}")),
            None => words.push(segment.to_owned()),
        }
    }
    naming::snake_name(&words.join(" "))
}

enum RawPart {
    Literal(String),
    Param(String),
}

/// Splits a path template into segments of literal text and `{param}`s; `None` when a brace
/// is unbalanced or empty.
fn parse_path(path: &str) -> Option<Vec<Vec<RawPart>>> {
    let mut segments = Vec::new();
    for segment in path.split('/').filter(|s| !s.is_empty()) {
        let mut parts = Vec::new();
        let mut rest = segment;
        while !rest.is_empty() {
            match rest.find('{') {
                Some(0) => {
                    let close = rest.find('}')?;
                    let name = rest.get(1..close)?;
                    if name.is_empty() {
                        return None;
                    }
                    parts.push(RawPart::Param(name.to_owned()));
                    rest = rest.get(close + 1..)?;
                }
                Some(open) => {
                    parts.push(RawPart::Literal(rest.get(..open)?.to_owned()));
                    rest = rest.get(open..)?;
                }
                None => {
                    if rest.contains('}') {
                        return None;
                    }
                    parts.push(RawPart::Literal(rest.to_owned()));
                    rest = "";
                }
            }
        }
        segments.push(parts);
    }
    Some(segments)
}

fn non_blank(text: Option<&String>) -> Option<String> {
    text.filter(|s| !s.trim().is_empty()).cloned()
}
