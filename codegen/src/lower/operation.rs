//! Paths and operations -> [`crate::model::Operation`]s.

use std::collections::HashMap;

use openapiv3::{
    Parameter, ParameterData, ParameterSchemaOrContent, PathItem, QueryStyle, ReferenceOr,
    RequestBody, Responses, StatusCode,
};

use super::Lowerer;
use crate::diagnostic::Pointer;
use crate::load::schema::SchemaId;
use crate::model::{
    Body, BodyMedia, Docs, Example, HttpMethod, Operation, Paging, Param, ParamLocation, PathPart,
    Response, Scalar, Ty,
};
use crate::naming::{self, Namespace};

const METHODS: [HttpMethod; 8] = [
    HttpMethod::Get,
    HttpMethod::Put,
    HttpMethod::Post,
    HttpMethod::Delete,
    HttpMethod::Options,
    HttpMethod::Head,
    HttpMethod::Patch,
    HttpMethod::Trace,
];

/// Names a client method uses besides its path arguments: its other arguments, its
/// locals, and those of its stream method.
const METHOD_LOCALS: [&str; 8] = [
    "params",
    "body",
    "url",
    "response",
    "offset",
    "limit",
    "page_size",
    "start",
];

/// An operation as found in `paths`, before it is lowered.
struct Found<'a> {
    path: &'a str,
    item: &'a PathItem,
    method: HttpMethod,
    operation: &'a openapiv3::Operation,
    pointer: Pointer,
}

impl<'a> Lowerer<'a> {
    pub(super) fn lower_operations(&mut self) -> Vec<Operation> {
        let found = self.find_operations();
        let (names, mut method_names) = self.operation_names(&found);
        let mut operations = Vec::with_capacity(found.len());
        for (op, name) in found.iter().zip(names) {
            operations.extend(self.lower_operation(name, op));
        }
        // Stream methods are named last, so they never take an operation's name.
        for operation in &mut operations {
            let stream = format!("{}_stream", operation.name);
            if let Some(paging) = &mut operation.paging {
                paging.method = method_names.claim(&stream);
            }
        }
        operations
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
            for method in METHODS {
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
    fn operation_names(&mut self, found: &[Found<'a>]) -> (Vec<String>, Namespace) {
        let mut method_names = Namespace::default();
        // Names of the client's own items, and of trait methods every client has (derived
        // `Clone` and `Debug`, blanket `Into`, `ToOwned`, ...), which an inherent method
        // would shadow.
        for taken in [
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
        ] {
            method_names.reserve(taken);
        }
        let mut operation_ids: HashMap<&str, &Pointer> = HashMap::new();
        let mut names = vec![String::new(); found.len()];
        for (slot, op) in names.iter_mut().zip(found) {
            let Some(id) = &op.operation.operation_id else {
                continue;
            };
            if let Some(first) = operation_ids.insert(id.as_str(), &op.pointer) {
                self.diagnostics.error(
                    &op.pointer.push("operationId"),
                    format!("operationId `{id}` is already used at {first}"),
                );
            }
            *slot = method_names.claim(&naming::snake_name(id));
        }
        for (slot, op) in names.iter_mut().zip(found) {
            if op.operation.operation_id.is_none() {
                *slot = method_names.claim(&derived_name(op.method, op.path));
            }
        }
        (names, method_names)
    }

    fn lower_operation(&mut self, name: String, found: &Found<'a>) -> Option<Operation> {
        let Some(segments) = parse_path(found.path) else {
            self.diagnostics.error(
                &Pointer::root().push("paths").push(found.path),
                "the path template has an unclosed or empty `{...}`",
            );
            return None;
        };
        let type_prefix = naming::type_name(&name);
        let declared = self.merge_parameters(found);
        let (path_params, params) = self.lower_parameters(declared, &type_prefix);
        let (path_params, segments) = self.bind_path(found, &segments, path_params);
        let operation = found.operation;
        let body = match &operation.request_body {
            Some(body) => self.lower_body(body, &found.pointer.push("requestBody"), &type_prefix),
            None => None,
        };
        let response = self.lower_responses(
            &operation.responses,
            &found.pointer.push("responses"),
            &type_prefix,
        );
        let paging = paging(&params, &response);
        let params_type =
            (!params.is_empty()).then(|| self.type_names.claim(&format!("{type_prefix}Params")));
        Some(Operation {
            name,
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
            body,
            response,
            paging,
        })
    }

    /// The operation's parameters: the path item's, overridden by the operation's own with
    /// the same name and location; references followed.
    fn merge_parameters(&mut self, found: &Found<'a>) -> Vec<(Parameter, Pointer)> {
        let item_pointer = Pointer::root()
            .push("paths")
            .push(found.path)
            .push("parameters");
        let params_pointer = found.pointer.push("parameters");
        let all = found
            .item
            .parameters
            .iter()
            .enumerate()
            .map(|(i, p)| (p, item_pointer.push(i)))
            .chain(
                found
                    .operation
                    .parameters
                    .iter()
                    .enumerate()
                    .map(|(i, p)| (p, params_pointer.push(i))),
            );
        let mut declared: Vec<(Parameter, Pointer)> = Vec::new();
        for (param, at) in all {
            let Some(param) = self.resolve(param, &at, "parameter") else {
                continue;
            };
            let data = param.parameter_data_ref();
            let same = |(p, _): &(Parameter, Pointer)| {
                p.parameter_data_ref().name == data.name
                    && std::mem::discriminant(p) == std::mem::discriminant(&param)
            };
            if let Some(index) = declared.iter().position(same) {
                declared.remove(index);
            }
            declared.push((param, at));
        }
        declared
    }

    /// Path parameters become the method's arguments, the others fields of its parameter
    /// struct: two scopes. Arguments must not take the names of the method's other
    /// arguments and locals (`params`, `body`, `url`, ...), nor those of its stream method
    /// (`offset`, `limit`, ...), which would shadow them. Path parameters keep their pointer
    /// until they are matched with the template.
    fn lower_parameters(
        &mut self,
        declared: Vec<(Parameter, Pointer)>,
        type_prefix: &str,
    ) -> (Vec<(Param, Pointer)>, Vec<Param>) {
        let mut field_names = Namespace::default();
        let mut argument_names = Namespace::default();
        for taken in METHOD_LOCALS {
            argument_names.reserve(taken);
        }
        let mut path_params = Vec::new();
        let mut params = Vec::new();
        for (param, at) in declared {
            let Some(mut lowered) = self.lower_parameter(&param, &at, type_prefix) else {
                continue;
            };
            let raw = naming::snake_name(&lowered.wire);
            if lowered.location == ParamLocation::Path {
                lowered.name = argument_names.claim(&raw);
                path_params.push((lowered, at));
            } else {
                lowered.name = field_names.claim(&raw);
                params.push(lowered);
            }
        }
        (path_params, params)
    }

    /// One parameter, named later (see [`Self::lower_parameters`]).
    fn lower_parameter(
        &mut self,
        param: &Parameter,
        at: &Pointer,
        type_prefix: &str,
    ) -> Option<Param> {
        let (location, explode) = match param {
            Parameter::Path { .. } => (ParamLocation::Path, false),
            Parameter::Query {
                style,
                parameter_data,
                ..
            } => {
                if !matches!(style, QueryStyle::Form) {
                    self.diagnostics.warning(
                        &at.push("style"),
                        "only the `form` query style is supported; the parameter is sent in \
                         `form` style",
                    );
                }
                let explode = parameter_data
                    .explode
                    .unwrap_or(matches!(style, QueryStyle::Form));
                (ParamLocation::Query, explode)
            }
            Parameter::Header { .. } => (ParamLocation::Header, false),
            Parameter::Cookie { .. } => {
                self.diagnostics.error(
                    at,
                    "cookie parameters are not supported by the generated client",
                );
                return None;
            }
        };
        let data = param.parameter_data_ref();
        let hint = format!("{type_prefix}{}", naming::type_name(&data.name));
        let schema = self.param_schema(data, at)?;
        let declared_before = self.types.len();
        let ty = self.ty_of(schema, &hint);
        self.document_parameter_types(declared_before, data);
        let mut docs = Docs {
            description: data.description.clone(),
            ..Docs::default()
        };
        docs.notes.extend(self.fallback_note(schema));
        let resolved = self.analysis.get(self.analysis.resolve(schema));
        let maximum = resolved.maximum.map(|bound| bound.value);
        let default = self.analysis.annotations(schema).default;
        Some(Param {
            wire: data.name.clone(),
            name: String::new(),
            location,
            // A parameter that may be `null` is one that may be left out: there is no way to
            // send `null` in a path, a query or a header.
            ty: ty.non_null().clone(),
            required: data.required || location == ParamLocation::Path,
            explode,
            deprecated: data.deprecated.unwrap_or(false),
            default,
            maximum,
            docs,
        })
    }

    /// Types written in place for a parameter are documented by it.
    fn document_parameter_types(&mut self, declared_before: usize, data: &ParameterData) {
        for def in self.types.iter_mut().skip(declared_before) {
            if def.docs.summary.is_none() && def.docs.description.is_none() {
                def.docs.description.clone_from(&data.description);
                def.docs.notes = vec![format!(
                    "Values of the `{}` parameter.",
                    data.name.replace('`', "'")
                )];
            }
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

    /// An object that may be a `$ref` (a parameter, a request body, a response): the object,
    /// or the one the reference names, anywhere in the document.
    fn resolve<T: serde::de::DeserializeOwned + Clone>(
        &mut self,
        object: &ReferenceOr<T>,
        at: &Pointer,
        noun: &str,
    ) -> Option<T> {
        let mut reference = match object {
            ReferenceOr::Item(item) => return Some(item.clone()),
            ReferenceOr::Reference { reference } => reference.clone(),
        };
        let mut seen = Vec::new();
        loop {
            let Some(pointer) = Pointer::from_ref(&reference) else {
                self.diagnostics.error(at, external_ref(&reference));
                return None;
            };
            if seen.contains(&pointer) {
                self.diagnostics.error(
                    at,
                    format!("`$ref: {reference}` leads back to itself; it names no {noun}"),
                );
                return None;
            }
            let Some(value) = self.skeleton.pointer(pointer.as_json_pointer()) else {
                self.diagnostics.error(
                    at,
                    format!("`$ref: {reference}` points to a {noun} that does not exist"),
                );
                return None;
            };
            match serde_json::from_value::<ReferenceOr<T>>(value.clone()) {
                Ok(ReferenceOr::Item(item)) => return Some(item),
                Ok(ReferenceOr::Reference { reference: next }) => {
                    seen.push(pointer);
                    reference = next;
                }
                Err(error) => {
                    self.diagnostics.error(
                        at,
                        format!("`$ref: {reference}` does not point to a {noun}: {error}"),
                    );
                    return None;
                }
            }
        }
    }

    /// The schema of a parameter, or `None` (reported) when it has `content` instead.
    fn param_schema(&mut self, data: &ParameterData, at: &Pointer) -> Option<SchemaId> {
        match &data.format {
            ParameterSchemaOrContent::Schema(schema) => self.schema_id(schema, &at.push("schema")),
            ParameterSchemaOrContent::Content(_) => {
                self.diagnostics.error(
                    &at.push("content"),
                    "parameters described by `content` are not supported; give the parameter a \
                     `schema`",
                );
                None
            }
        }
    }

    /// The schema that a schema position of the skeleton stands for: every schema was
    /// replaced by a reference to its own place when the document was loaded.
    fn schema_id(
        &mut self,
        schema: &ReferenceOr<openapiv3::Schema>,
        at: &Pointer,
    ) -> Option<SchemaId> {
        let found = match schema {
            ReferenceOr::Reference { reference } => {
                Pointer::from_ref(reference).and_then(|pointer| self.schemas.at(&pointer))
            }
            ReferenceOr::Item(_) => None,
        };
        if found.is_none() {
            self.diagnostics
                .error(at, "the schema could not be read (see the other errors)");
        }
        found
    }

    fn lower_body(
        &mut self,
        body: &ReferenceOr<RequestBody>,
        pointer: &Pointer,
        type_prefix: &str,
    ) -> Option<Body> {
        let body = self.resolve(body, pointer, "request body")?;
        let (media_type, media) = choose_request_media(&body.content)?;
        let known = is_json(media_type)
            || media_type.starts_with("application/x-www-form-urlencoded")
            || media_type.starts_with("text/")
            || media_type == "*/*";
        if !known {
            self.diagnostics.warning(
                &pointer.push("content").push(media_type),
                format!("`{media_type}` bodies are not supported; the body is sent as JSON"),
            );
        }
        let content = body.content.get(media_type)?;
        let at = pointer.push("content").push(media_type);
        let schema = match &content.schema {
            Some(schema) => self.schema_id(schema, &at.push("schema")),
            None => None,
        };
        let ty = match (schema, media) {
            (_, BodyMedia::Text) => Ty::Scalar(Scalar::String),
            (Some(schema), _) => self.ty_of(schema, &format!("{type_prefix}Body")),
            (None, _) => Ty::Scalar(Scalar::Json),
        };
        self.media_examples(content, &at, &ty);
        let mut docs = Docs {
            description: body.description.clone(),
            ..Docs::default()
        };
        docs.notes
            .extend(schema.and_then(|s| self.fallback_note(s)));
        Some(Body {
            ty,
            media,
            required: body.required,
            docs,
        })
    }

    /// Records a media type's `example` and `examples` as values of `ty`.
    fn media_examples(&mut self, content: &openapiv3::MediaType, at: &Pointer, ty: &Ty) {
        if let Some(value) = &content.example {
            self.examples.push(Example {
                pointer: at.push("example"),
                ty: ty.clone(),
                value: value.clone(),
                mismatch: None,
            });
        }
        for (name, example) in &content.examples {
            let here = at.push("examples").push(name);
            let Some(example) = self.resolve(example, &here, "example") else {
                continue;
            };
            if let Some(value) = example.value {
                self.examples.push(Example {
                    pointer: here,
                    ty: ty.clone(),
                    value,
                    mismatch: None,
                });
            }
        }
    }

    fn lower_responses(
        &mut self,
        responses: &Responses,
        pointer: &Pointer,
        type_prefix: &str,
    ) -> Response {
        let mut success: Vec<(&StatusCode, &ReferenceOr<openapiv3::Response>)> = responses
            .responses
            .iter()
            .filter(|(code, _)| match code {
                StatusCode::Code(code) => (200..300).contains(code),
                StatusCode::Range(range) => *range == 2,
            })
            .collect();
        success.sort_by_key(|(code, _)| match code {
            StatusCode::Code(code) => *code,
            StatusCode::Range(_) => 299,
        });
        // The first success response with a body decides the type; without one, the call
        // returns nothing.
        for (code, response) in success {
            let at = pointer.push(code);
            let Some(response) = self.resolve(response, &at, "response") else {
                continue;
            };
            let Some((media_type, kind)) = choose_response_media(&response.content) else {
                continue;
            };
            return match kind {
                ResponseKind::Json => {
                    let at = at.push("content").push(media_type);
                    let Some(content) = response.content.get(media_type) else {
                        continue;
                    };
                    let schema = match &content.schema {
                        Some(schema) => self.schema_id(schema, &at.push("schema")),
                        None => None,
                    };
                    let ty = match schema {
                        Some(schema) => self.ty_of(schema, &format!("{type_prefix}Response")),
                        None => Ty::Scalar(Scalar::Json),
                    };
                    self.media_examples(content, &at, &ty);
                    Response::Json(ty)
                }
                ResponseKind::Text => Response::Text,
                ResponseKind::Bytes => Response::Bytes,
            };
        }
        Response::Empty
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
fn derived_name(method: HttpMethod, path: &str) -> String {
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

fn choose_request_media(
    content: &indexmap::IndexMap<String, openapiv3::MediaType>,
) -> Option<(&str, BodyMedia)> {
    let find = |pred: &dyn Fn(&str) -> bool| content.keys().map(String::as_str).find(|k| pred(k));
    if let Some(json) = find(&|k| is_json(k)) {
        return Some((json, BodyMedia::Json));
    }
    if let Some(form) = find(&|k| k.starts_with("application/x-www-form-urlencoded")) {
        return Some((form, BodyMedia::Form));
    }
    if let Some(text) = find(&|k| k.starts_with("text/")) {
        return Some((text, BodyMedia::Text));
    }
    // Anything else (`*/*`, multipart, binary): sent as JSON, the one encoding every schema has.
    content.keys().next().map(|k| (k.as_str(), BodyMedia::Json))
}

enum ResponseKind {
    Json,
    Text,
    Bytes,
}

fn choose_response_media(
    content: &indexmap::IndexMap<String, openapiv3::MediaType>,
) -> Option<(&str, ResponseKind)> {
    let find = |pred: &dyn Fn(&str) -> bool| content.keys().map(String::as_str).find(|k| pred(k));
    if let Some(json) = find(&|k| is_json(k)) {
        return Some((json, ResponseKind::Json));
    }
    if let Some(text) = find(&|k| k.starts_with("text/")) {
        return Some((text, ResponseKind::Text));
    }
    content
        .keys()
        .next()
        .map(|k| (k.as_str(), ResponseKind::Bytes))
}

fn is_json(media_type: &str) -> bool {
    let essence = media_type.split(';').next().unwrap_or(media_type).trim();
    essence == "application/json" || essence.ends_with("+json")
}

/// Offset/limit paging: optional `limit` and `offset` query parameters holding numbers, and
/// a JSON array response.
fn paging(params: &[Param], response: &Response) -> Option<Paging> {
    let Response::Json(Ty::Vec(item)) = response else {
        return None;
    };
    let numeric = |p: &Param| {
        matches!(p.ty.non_null(), Ty::Scalar(scalar) if scalar.is_number())
            && !p.required
            && p.location == ParamLocation::Query
    };
    let limit = params
        .iter()
        .position(|p| p.wire == "limit" && numeric(p))?;
    let offset = params
        .iter()
        .position(|p| p.wire == "offset" && numeric(p))?;
    let limit_param = params.get(limit)?;
    // Float to integer `as` casts saturate, and NaN becomes 0, which the filters drop.
    let max_page_size = limit_param
        .maximum
        .map(|max| max.floor() as u64)
        .filter(|max| *max > 0);
    let default_page_size = limit_param
        .default
        .as_ref()
        .and_then(|d| d.as_u64().or_else(|| d.as_f64().map(|f| f as u64)))
        .filter(|size| *size > 0)
        .unwrap_or(100)
        .min(max_page_size.unwrap_or(u64::MAX));
    // The stream method is named once every operation has its name.
    Some(Paging {
        limit,
        offset,
        item: (**item).clone(),
        default_page_size,
        max_page_size,
        method: String::new(),
    })
}

fn non_blank(text: Option<&String>) -> Option<String> {
    text.filter(|s| !s.trim().is_empty()).cloned()
}

/// Explains why a reference outside the document cannot be followed.
fn external_ref(reference: &str) -> String {
    if reference.starts_with('#') {
        format!("`$ref: {reference}` is not a JSON pointer (`#/...`); anchors are not supported")
    } else {
        format!(
            "`$ref: {reference}` points outside this document; external references are not \
             supported (bundle the spec into one file first)"
        )
    }
}
