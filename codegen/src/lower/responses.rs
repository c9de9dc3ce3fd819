//! Responses: what each status holds. Successes become the method's return type (an enum
//! when statuses hold different things), error statuses with a body type become the
//! typed body of an `ApiError`.

use openapiv3::{MediaType, ReferenceOr, StatusCode};

use super::Lowerer;
use super::bodies::{essence, is_json};
use crate::diagnostic::Pointer;
use crate::model::{Content, Responses, Scalar, Status, StatusBody, Success, Ty};
use crate::naming::{self, Namespace, RustIdent};

impl Lowerer<'_> {
    pub(super) fn lower_responses(
        &mut self,
        responses: &openapiv3::Responses,
        pointer: &Pointer,
        type_prefix: &str,
    ) -> Responses {
        let mut declared: Vec<(Status, Pointer, &ReferenceOr<openapiv3::Response>)> = responses
            .responses
            .iter()
            .map(|(code, response)| (status_of(code), pointer.push(code), response))
            .collect();
        if let Some(default) = &responses.default {
            declared.push((Status::Default, pointer.push("default"), default));
        }
        declared.sort_by_key(|(status, ..)| *status);
        let successes: Vec<_> = declared.iter().filter(|(s, ..)| is_success(*s)).collect();
        // Without a success status, `default` describes the success too.
        let default_is_success = successes.is_empty();
        let several = successes.len() > 1;
        let mut success = Vec::new();
        let mut errors = Vec::new();
        let mut media_types = Vec::new();
        let mut next_link = false;
        for (status, at, response) in &declared {
            let is_success =
                is_success(*status) || (default_is_success && *status == Status::Default);
            let hint = match (is_success, several) {
                (true, false) => format!("{type_prefix}Response"),
                (true, true) => format!("{type_prefix}{}", status_name(*status, true)),
                (false, _) => format!("{type_prefix}{}", status_name(*status, false)),
            };
            let Some(response) = self.resolve(response, at, "response") else {
                continue;
            };
            if is_success {
                next_link |= response
                    .headers
                    .keys()
                    .any(|h| h.eq_ignore_ascii_case("link"));
            }
            let (content, media_type) = self.content_of(&response, at, &hint);
            media_types.extend(media_type);
            let body = StatusBody {
                status: *status,
                content,
                variant: status_name(*status, is_success),
            };
            if is_success {
                success.push(body);
            } else if matches!(body.content, Content::Json(_) | Content::Problem) {
                errors.push(body);
            }
        }
        Responses {
            success: self.success_of(success, type_prefix),
            error_enum: self.error_enum(&errors, type_prefix),
            errors,
            accept: accept(&media_types),
            next_link,
        }
    }

    /// What a call returns: one content, or an enum when the successes differ.
    fn success_of(&mut self, mut success: Vec<StatusBody>, type_prefix: &str) -> Success {
        success.dedup_by(|later, earlier| later.content == earlier.content);
        if success.len() <= 1 {
            return Success::One(success.pop().map_or(Content::Empty, |s| s.content));
        }
        let mut names = Namespace::default();
        let variants = success
            .into_iter()
            .map(|body| {
                let name = names.claim(&body.variant);
                (body, name)
            })
            .collect();
        Success::Several {
            name: self
                .type_names
                .claim(&naming::compose(&[type_prefix, "Response"])),
            variants,
        }
    }

    /// The name of the enum of an operation's typed error bodies, when they are of more
    /// than one type (one type is given as it is).
    fn error_enum(&mut self, errors: &[StatusBody], type_prefix: &str) -> Option<RustIdent> {
        let first = errors.first()?;
        let one_type = errors.iter().all(|e| e.content == first.content);
        (!one_type).then(|| {
            self.type_names
                .claim(&naming::compose(&[type_prefix, "Error"]))
        })
    }

    /// The content of one response, with the media type it is read in.
    fn content_of(
        &mut self,
        response: &openapiv3::Response,
        at: &Pointer,
        hint: &str,
    ) -> (Content, Option<String>) {
        let Some((media_type, media)) = choose_media(&response.content) else {
            return (Content::Empty, None);
        };
        let essence = essence(media_type);
        let at = at.push("content").push(media_type);
        let content = if essence == "application/problem+json" {
            Content::Problem
        } else if is_json(&essence) {
            let ty = match &media.schema {
                Some(schema) => match self.schema_id(schema, &at.push("schema")) {
                    Some(schema) => self.ty_of(schema, hint),
                    None => Ty::Scalar(Scalar::Json),
                },
                None => Ty::Scalar(Scalar::Json),
            };
            self.media_examples(media, &at, &ty, false);
            Content::Json(ty)
        } else if essence.starts_with("text/") {
            Content::Text
        } else {
            Content::Binary
        };
        (content, Some(media_type.to_owned()))
    }
}

/// The media type a response is read in: JSON first, then problem details, text, and
/// anything else as bytes.
fn choose_media(content: &indexmap::IndexMap<String, MediaType>) -> Option<(&str, &MediaType)> {
    let rank = |media_type: &str| {
        let essence = essence(media_type);
        match essence.as_str() {
            "application/problem+json" => 1,
            e if is_json(e) => 0,
            e if e.starts_with("text/") => 2,
            _ => 3,
        }
    };
    content
        .iter()
        .min_by_key(|(media_type, _)| rank(media_type))
        .map(|(media_type, media)| (media_type.as_str(), media))
}

/// The `Accept` header for the media types of an operation's responses (`*/*` when they
/// have none: the operation reads no body, but an error may carry one of any type).
fn accept(media_types: &[String]) -> String {
    let mut listed: Vec<String> = Vec::new();
    for media_type in media_types {
        let essence = essence(media_type);
        if !listed.contains(&essence) {
            listed.push(essence);
        }
    }
    if listed.is_empty() {
        listed.push("*/*".to_owned());
    }
    listed.join(", ")
}

fn status_of(code: &StatusCode) -> Status {
    match code {
        StatusCode::Code(code) => Status::Code(*code),
        StatusCode::Range(range) => Status::Range(*range),
    }
}

fn is_success(status: Status) -> bool {
    match status {
        Status::Code(code) => (200..300).contains(&code),
        Status::Range(range) => range == 2,
        Status::Default => false,
    }
}

/// A variant name for a status: its reason phrase (`NotFound`), its class for a range
/// (`ClientError`), or `Default`/`Other`.
fn status_name(status: Status, success: bool) -> RustIdent {
    naming::compose(&[&status_words(status, success)])
}

/// The words of [`status_name`], in `UpperCamelCase`.
fn status_words(status: Status, success: bool) -> String {
    match status {
        Status::Code(code) => reason(code).map_or_else(|| format!("Status{code}"), str::to_owned),
        Status::Range(1) => "Informational".to_owned(),
        Status::Range(2) => "Success".to_owned(),
        Status::Range(3) => "Redirection".to_owned(),
        Status::Range(4) => "ClientError".to_owned(),
        Status::Range(5) => "ServerError".to_owned(),
        Status::Range(range) => format!("Status{range}xx"),
        Status::Default if success => "Success".to_owned(),
        Status::Default => "Other".to_owned(),
    }
}

/// The reason phrase of a status code, in `UpperCamelCase`.
fn reason(code: u16) -> Option<&'static str> {
    Some(match code {
        200 => "Ok",
        201 => "Created",
        202 => "Accepted",
        203 => "NonAuthoritativeInformation",
        204 => "NoContent",
        205 => "ResetContent",
        206 => "PartialContent",
        207 => "MultiStatus",
        400 => "BadRequest",
        401 => "Unauthorized",
        402 => "PaymentRequired",
        403 => "Forbidden",
        404 => "NotFound",
        405 => "MethodNotAllowed",
        406 => "NotAcceptable",
        408 => "RequestTimeout",
        409 => "Conflict",
        410 => "Gone",
        412 => "PreconditionFailed",
        413 => "ContentTooLarge",
        415 => "UnsupportedMediaType",
        422 => "UnprocessableContent",
        429 => "TooManyRequests",
        500 => "InternalServerError",
        501 => "NotImplemented",
        502 => "BadGateway",
        503 => "ServiceUnavailable",
        504 => "GatewayTimeout",
        _ => return None,
    })
}
