//! Paging: which list operations get a `…_stream` method, and how it asks for the next
//! page. Decided from the description alone, never per API:
//!
//! - **offset**: optional numeric `limit` and `offset` query parameters, and a response
//!   that is an array (through references and aliases); a short page is the last;
//! - **cursor**: an optional string query parameter named like a cursor (`cursor`,
//!   `page_token`, `after`, `starting_after`, ...), and a response object with one array of
//!   items and a string field naming the next cursor (`next_cursor`, `next_page_token`,
//!   ...); no next cursor (or an empty one, or the same again) ends the stream;
//! - **`Link` header**: a response that is an array and declares a `Link` header; the
//!   next page is the URL of its `rel="next"` link.

use super::Lowerer;
use crate::model::{
    Content, PagingKind, Param, ParamLocation, Responses, Scalar, Struct, Success, Ty, TypeKind,
};

/// Names of the query parameter that takes a cursor.
const CURSOR_PARAMS: [&str; 10] = [
    "cursor",
    "page_token",
    "pagetoken",
    "next_token",
    "nexttoken",
    "after",
    "starting_after",
    "continuation_token",
    "continuationtoken",
    "page_cursor",
];

/// Names of the response field that holds the next page's cursor.
const NEXT_FIELDS: [&str; 10] = [
    "next_cursor",
    "nextcursor",
    "next_page_token",
    "nextpagetoken",
    "next_token",
    "nexttoken",
    "cursor",
    "next",
    "continuation_token",
    "continuationtoken",
];

/// Names of the response field that holds the items, when the object has several arrays.
const ITEM_FIELDS: [&str; 6] = ["data", "items", "results", "entries", "records", "values"];

impl Lowerer<'_> {
    /// How the operation pages, if it does: the type of an item, and how the next page is
    /// asked for.
    pub(super) fn paging(
        &self,
        params: &[Param],
        responses: &Responses,
    ) -> Option<(Ty, PagingKind)> {
        let Success::One(Content::Json(ty)) = &responses.success else {
            return None;
        };
        let resolved = self.resolve_alias(ty);
        let (item, kind) = match &resolved {
            Ty::Vec(item) => match offset(params) {
                Some(kind) => ((**item).clone(), kind),
                None if responses.next_link => ((**item).clone(), PagingKind::LinkHeader),
                None => return None,
            },
            Ty::Named(id) => match self.type_kind(*id) {
                Some(TypeKind::Struct(strukt)) => self.cursor(params, strukt)?,
                _ => return None,
            },
            _ => return None,
        };
        Some((item, kind))
    }

    /// `ty` with aliases followed, and nullability left out.
    fn resolve_alias(&self, ty: &Ty) -> Ty {
        let mut current = ty.non_null().clone();
        for _ in 0..=self.types.len() {
            match &current {
                Ty::Named(id) => match self.type_kind(*id) {
                    Some(TypeKind::Alias(inner)) => current = inner.non_null().clone(),
                    _ => return current,
                },
                _ => return current,
            }
        }
        current
    }

    /// Cursor paging over a response object, when its fields and the parameters say so.
    fn cursor(&self, params: &[Param], strukt: &Struct) -> Option<(Ty, PagingKind)> {
        let param = params.iter().position(|p| {
            p.location == ParamLocation::Query
                && !p.required
                && CURSOR_PARAMS.contains(&folded(&p.wire).as_str())
                && self.resolve_alias(&p.ty) == Ty::Scalar(Scalar::String)
        })?;
        let next = strukt.fields.iter().find(|f| {
            NEXT_FIELDS.contains(&folded(&f.wire).as_str())
                && self.resolve_alias(&f.ty) == Ty::Scalar(Scalar::String)
        })?;
        let arrays: Vec<_> = strukt
            .fields
            .iter()
            .filter_map(|f| match self.resolve_alias(&f.ty) {
                Ty::Vec(item) => Some((f, *item)),
                _ => None,
            })
            .collect();
        let (items, item) = match arrays.as_slice() {
            [(field, item)] => (*field, item.clone()),
            _ => arrays
                .iter()
                .find(|(f, _)| ITEM_FIELDS.contains(&folded(&f.wire).as_str()))
                .map(|(f, item)| (*f, item.clone()))?,
        };
        let kind = PagingKind::Cursor {
            param,
            items: items.name.clone(),
            next: next.name.clone(),
            items_optional: items.is_option(),
            next_optional: next.is_option(),
        };
        Some((item, kind))
    }
}

/// Offset paging: optional numeric `limit` and `offset` query parameters.
fn offset(params: &[Param]) -> Option<PagingKind> {
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
        .limits
        .maximum
        .map(|max| {
            if max.exclusive {
                (max.value.ceil() as u64).saturating_sub(1)
            } else {
                max.value.floor() as u64
            }
        })
        .filter(|max| *max > 0);
    let default_page_size = limit_param
        .default
        .as_ref()
        .and_then(|d| d.as_u64().or_else(|| d.as_f64().map(|f| f as u64)))
        .filter(|size| *size > 0)
        .unwrap_or(100)
        .min(max_page_size.unwrap_or(u64::MAX));
    Some(PagingKind::Offset {
        limit,
        offset,
        default_page_size,
        max_page_size,
    })
}

/// A name in lower case without `-` (`PageToken`, `page-token` and `pagetoken` alike;
/// `page_token` keeps its underscore).
fn folded(name: &str) -> String {
    name.to_ascii_lowercase().replace('-', "")
}
