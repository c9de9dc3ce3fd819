//! Parameters: path, query, header and cookie parameters, merged from the path item and
//! the operation, with how each is written on the wire.

use openapiv3::{Parameter, ParameterData, ParameterSchemaOrContent, PathStyle, QueryStyle};

use super::Lowerer;
use super::operation::Found;
use crate::diagnostic::Pointer;
use crate::load::schema::SchemaId;
use crate::model::{Docs, Param, ParamLocation, ParamStyle};
use crate::naming::{self, Namespace, RustIdent};

/// Names a client method binds besides its path arguments: its other arguments, its
/// locals and its closures' arguments, and those of its `…_with_response` twin and its
/// stream method (`lower::reserved_names` checks the generated code binds no other).
pub(crate) const METHOD_LOCALS: &[&str] = &[
    "params",
    "body",
    "url",
    "request",
    "response",
    "error",
    "download",
    "value",
    "offset",
    "limit",
    "page_size",
    "start",
    "cursor",
    "page",
    "next",
];

/// The two scopes of an operation's parameter names: path parameters are the method's
/// arguments, the others fields of its parameter struct.
struct ParamNames {
    /// The method's arguments, its locals and its stream method's reserved.
    arguments: Namespace,
    /// The fields of the parameter struct.
    fields: Namespace,
}

impl ParamNames {
    fn new() -> Self {
        let mut arguments = Namespace::default();
        for taken in METHOD_LOCALS {
            arguments.reserve(taken);
        }
        Self {
            arguments,
            fields: Namespace::default(),
        }
    }

    /// The name of a parameter that travels in `location`, named `wire` there.
    fn claim(&mut self, location: ParamLocation, wire: &str) -> RustIdent {
        let scope = match location {
            ParamLocation::Path => &mut self.arguments,
            ParamLocation::Query | ParamLocation::Header | ParamLocation::Cookie => {
                &mut self.fields
            }
        };
        scope.claim(&naming::snake_name(wire))
    }
}

impl<'a> Lowerer<'a> {
    /// The operation's parameters: the path item's, overridden by the operation's own with
    /// the same name and location; references followed.
    pub(super) fn merge_parameters(&mut self, found: &Found<'a>) -> Vec<(Parameter, Pointer)> {
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
    pub(super) fn lower_parameters(
        &mut self,
        declared: Vec<(Parameter, Pointer)>,
        type_prefix: &str,
        refused: &mut Vec<(Pointer, String)>,
    ) -> (Vec<(Param, Pointer)>, Vec<Param>) {
        let mut names = ParamNames::new();
        let mut path_params = Vec::new();
        let mut params = Vec::new();
        for (param, at) in declared {
            let Some(lowered) = self.lower_parameter(&param, &at, type_prefix, &mut names, refused)
            else {
                continue;
            };
            if lowered.location == ParamLocation::Path {
                path_params.push((lowered, at));
            } else {
                params.push(lowered);
            }
        }
        (path_params, params)
    }

    /// One parameter, named in `names` once it is lowered (see
    /// [`Self::lower_parameters`]).
    fn lower_parameter(
        &mut self,
        param: &Parameter,
        at: &Pointer,
        type_prefix: &str,
        names: &mut ParamNames,
        refused: &mut Vec<(Pointer, String)>,
    ) -> Option<Param> {
        let (location, style) = Self::location_and_style(param, at, refused)?;
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
        let annotations = self.analysis.annotations(schema);
        Some(Param {
            wire: data.name.clone(),
            name: names.claim(location, &data.name),
            location,
            // A parameter that may be `null` is one that may be left out: there is no way to
            // send `null` in a path, a query, a header or a cookie.
            ty: ty.non_null().clone(),
            required: data.required || location == ParamLocation::Path,
            style,
            deprecated: data.deprecated.unwrap_or(false),
            default: annotations.default,
            limits: annotations.limits,
            docs,
        })
    }

    /// Where a parameter travels and how its arrays and objects are written (`style`,
    /// `explode`, with OpenAPI's defaults); `None`, with the reason in `refused`, for a
    /// style the generator does not write.
    fn location_and_style(
        param: &Parameter,
        at: &Pointer,
        refused: &mut Vec<(Pointer, String)>,
    ) -> Option<(ParamLocation, ParamStyle)> {
        let explode = param.parameter_data_ref().explode;
        match param {
            Parameter::Query { style, .. } => {
                let style = match (style, explode.unwrap_or(matches!(style, QueryStyle::Form))) {
                    (QueryStyle::Form, true) => ParamStyle::FormExploded,
                    (QueryStyle::Form, false) => ParamStyle::Comma,
                    (QueryStyle::SpaceDelimited, _) => ParamStyle::Space,
                    (QueryStyle::PipeDelimited, _) => ParamStyle::Pipe,
                    (QueryStyle::DeepObject, _) => ParamStyle::DeepObject,
                };
                Some((ParamLocation::Query, style))
            }
            Parameter::Path { style, .. } => {
                if !matches!(style, PathStyle::Simple) {
                    refused.push((
                        at.push("style"),
                        "only the `simple` path style is supported (`label` and `matrix` are \
                         not)"
                            .to_owned(),
                    ));
                    return None;
                }
                Some((ParamLocation::Path, ParamStyle::Comma))
            }
            Parameter::Header { .. } => Some((ParamLocation::Header, ParamStyle::Comma)),
            Parameter::Cookie { .. } => {
                let style = if explode.unwrap_or(true) {
                    ParamStyle::FormExploded
                } else {
                    ParamStyle::Comma
                };
                Some((ParamLocation::Cookie, style))
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
}
