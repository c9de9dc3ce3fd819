//! Object schemas, unions and aliases -> Rust structs, enums and type aliases.

use std::ops::Range;

use proc_macro2::TokenStream;
use quote::quote;

use super::ty::{self, ident};
use super::unions;
use super::{describe, docs, gate};
use crate::model::{Api, Derivation, Extra, Field, Scalar, Struct, Ty, TypeDef, TypeId, TypeKind};
use crate::naming::{self, Namespace, RustIdent};

/// The `models` module's types among `range` (indexes of `api.types`): every struct,
/// union and alias, after the module's docs in the part that starts at the first type.
/// The parts of consecutive ranges, then [`tail`], are the module.
pub fn types(api: &Api, range: Range<usize>) -> TokenStream {
    let docs = (range.start == 0).then(|| {
        quote! {
            //! Request and response types: one struct per object schema, one enum per set of
            //! alternatives.
        }
    });
    let mut items = Vec::new();
    let mut defaults = Defaults::before(api, range.start);
    for def in api.types.get(range).unwrap_or_default() {
        match &def.kind {
            TypeKind::Struct(strukt) => items.push(struct_def(api, def, strukt, &mut defaults)),
            TypeKind::Union(union) => items.push(unions::union_def(api, def, union)),
            TypeKind::Alias(target) => {
                let name = ident(&def.name);
                let doc = docs::attrs(&def.docs, &[]);
                let target = ty::tokens(api, target);
                let gate = gate::cfg(&def.gate);
                items.push(quote! { #doc #gate pub type #name = #target; });
            }
            TypeKind::Enum(_) => {}
        }
    }
    quote! {
        #docs
        #( #items )*
    }
}

/// The end of the `models` module: `null_or_value`, and the functions that give fields
/// their spec defaults (`default_<type>_<field>`).
pub fn tail(api: &Api) -> TokenStream {
    let mut defaults = Defaults::default();
    for def in &api.types {
        if let TypeKind::Struct(strukt) = &def.kind {
            for field in &strukt.fields {
                defaults.add(api, def, strukt, field);
            }
        }
    }
    let defaults = defaults.functions;
    let null_or_value = null_or_value_gate(api).map(|gate| {
        let gate = gate::cfg(&gate);
        quote! {
            /// Reads a field of a partial update that may be absent (`None`, by `default`),
            /// `null` (`Some(None)`) or a value (`Some(Some(_))`).
            #gate
            fn null_or_value<'de, D, T>(deserializer: D) -> Result<Option<Option<T>>, D::Error>
            where
                D: serde::Deserializer<'de>,
                T: serde::Deserialize<'de>,
            {
                <Option<T> as serde::Deserialize>::deserialize(deserializer).map(Some)
            }
        }
    });
    quote! {
        #null_or_value
        #( #defaults )*
    }
}

/// When `null_or_value` is needed: with the partial structs that have a nullable field,
/// which read it. `None` when there are none.
fn null_or_value_gate(api: &Api) -> Option<crate::model::Gate> {
    let readers: Vec<&crate::model::Gate> = api
        .types
        .iter()
        .filter(|def| match &def.kind {
            TypeKind::Struct(strukt) => strukt.partial && strukt.fields.iter().any(Field::nullable),
            _ => false,
        })
        .map(|def| &def.gate)
        .collect();
    (!readers.is_empty()).then(|| crate::model::Gate::any(readers))
}

/// The functions that give fields their spec defaults, with their names.
#[derive(Default)]
struct Defaults {
    names: Namespace,
    functions: Vec<TokenStream>,
}

impl Defaults {
    /// The names claimed by the fields of the types before `end` (an index of
    /// `api.types`), without their functions: what a part starting there names its own
    /// functions after.
    fn before(api: &Api, end: usize) -> Self {
        let mut defaults = Self::default();
        for def in api.types.get(..end).unwrap_or_default() {
            if let TypeKind::Struct(strukt) = &def.kind {
                for field in &strukt.fields {
                    if let Some(base) = default_base(def, strukt, field) {
                        defaults.names.claim(&base);
                    }
                }
            }
        }
        defaults
    }

    /// The function giving `field` its spec default, named and added; its name, or `None`
    /// when the field has no such function.
    fn add(
        &mut self,
        api: &Api,
        def: &TypeDef,
        strukt: &Struct,
        field: &Field,
    ) -> Option<RustIdent> {
        let base = default_base(def, strukt, field)?;
        let value = field.default.as_ref()?;
        let function = self.names.claim(&base);
        let function_ident = ident(&function);
        let field_ty = ty::tokens(api, &field.ty);
        let literal = default_literal(api, &field.ty, value);
        let gate = gate::cfg(&def.gate);
        self.functions.push(quote! {
            #gate
            fn #function_ident() -> #field_ty { #literal }
        });
        Some(function)
    }
}

/// The name a function giving `field` its spec default is based on, if it has one: a
/// field with a default that is not optional, of a struct that is neither partial nor a
/// multipart form.
fn default_base(def: &TypeDef, strukt: &Struct, field: &Field) -> Option<RustIdent> {
    (field.default.is_some() && !field.is_option() && !strukt.partial && !strukt.multipart)
        .then(|| naming::snake_name(&format!("default {} {}", def.name, field.name)))
}

fn struct_def(api: &Api, def: &TypeDef, strukt: &Struct, defaults: &mut Defaults) -> TokenStream {
    if strukt.multipart {
        return multipart_def(api, def, strukt);
    }
    let name = ident(&def.name);
    let doc = docs::attrs(&def.docs, &[]);
    let (fields, default_fns): (Vec<TokenStream>, Vec<Option<RustIdent>>) = strukt
        .fields
        .iter()
        .map(|field| field_def(api, def, strukt, field, defaults))
        .unzip();
    let extra = extra_field(api, &strukt.extra);
    let secret = strukt.fields.iter().any(|f| f.secret);
    let derive_default = strukt.partial || strukt.fields.iter().all(Field::is_option);
    let mut derives = vec![quote!(Clone), quote!(PartialEq)];
    if !secret {
        derives.insert(0, quote!(Debug));
    }
    if derive_default {
        derives.push(quote!(Default));
    }
    let constructor = (!derive_default).then(|| constructor(api, def, strukt, &default_fns));
    let debug = secret.then(|| debug_impl(def, strukt));
    let from = strukt
        .derived
        .map(|(base, derivation)| from_impl(api, def, strukt, base, derivation));
    let deprecated = strukt
        .fields
        .iter()
        .any(|f| f.deprecated)
        .then(|| quote!(#[allow(deprecated)]));
    let allow_undocumented = allow_undocumented_fields(strukt);
    let gate = gate::cfg(&def.gate);
    let skip_none = skips_none(strukt);
    quote! {
        #doc
        #gate
        #deprecated
        #allow_undocumented
        #skip_none
        #[derive(#(#derives,)* serde::Serialize, serde::Deserialize)]
        pub struct #name {
            #( #fields )*
            #extra
        }
        #constructor
        #debug
        #from
    }
}

/// A multipart form's type: a struct of its parts, without serde, with the `parts` method
/// that writes them.
fn multipart_def(api: &Api, def: &TypeDef, strukt: &Struct) -> TokenStream {
    let name = ident(&def.name);
    let doc = docs::attrs(&def.docs, &[]);
    let fields = strukt.fields.iter().map(|field| {
        let member = ident(&field.name);
        let doc = field_docs(strukt, field);
        let field_ty = field_type(api, strukt, field);
        quote!(#doc pub #member: #field_ty,)
    });
    let derive_default = strukt.fields.iter().all(Field::is_option);
    let default = derive_default.then(|| quote!(Default,));
    let constructor = (!derive_default).then(|| {
        let no_defaults = vec![None; strukt.fields.len()];
        constructor(api, def, strukt, &no_defaults)
    });
    let parts = api
        .operations
        .iter()
        .flat_map(|op| op.body.iter().chain(&op.other_bodies))
        .find_map(|body| match (&body.media, &body.ty) {
            (crate::model::BodyMedia::Multipart(parts), Ty::Named(id))
                if api.ty(*id).name == def.name =>
            {
                Some(parts.as_slice())
            }
            _ => None,
        })
        .unwrap_or_default();
    let parts = super::methods::multipart_parts(strukt, parts);
    let allow_undocumented = allow_undocumented_fields(strukt);
    let gate = gate::cfg(&def.gate);
    quote! {
        #doc
        #gate
        #allow_undocumented
        #[derive(Debug, Clone, PartialEq, #default)]
        pub struct #name {
            #( #fields )*
        }
        #constructor
        #gate
        impl #name {
            #parts
        }
    }
}

/// `new(required fields)` for a struct with required fields, else a `Default` that applies
/// the spec's defaults: either way, no struct literal naming every field is needed.
fn constructor(
    api: &Api,
    def: &TypeDef,
    strukt: &Struct,
    default_fns: &[Option<RustIdent>],
) -> TokenStream {
    let name = ident(&def.name);
    let mut args = Vec::new();
    let mut inits = Vec::new();
    for (field, default_fn) in strukt.fields.iter().zip(default_fns) {
        let member = ident(&field.name);
        if let Some(function) = default_fn {
            let function = ident(function);
            inits.push(quote!(#member: #function()));
        } else if field.is_option() {
            inits.push(quote!(#member: None));
        } else {
            let resolved = ty::resolve(api, &field.ty);
            let (arg_ty, init) = if matches!(resolved, Ty::Scalar(Scalar::String)) && !field.boxed {
                (quote!(impl Into<String>), quote!(#member: #member.into()))
            } else if field.boxed {
                (
                    ty::tokens(api, &field.ty),
                    quote!(#member: Box::new(#member)),
                )
            } else {
                (ty::tokens(api, &field.ty), quote!(#member))
            };
            args.push(quote!(#member: #arg_ty));
            inits.push(init);
        }
    }
    if let Some(field) = strukt.extra.field() {
        let member = ident(field);
        inits.push(quote!(#member: Default::default()));
    }
    let allow_deprecated = allow_deprecated(strukt);
    let gate = gate::cfg(&def.gate);
    if args.is_empty() {
        return quote! {
            #gate
            #allow_deprecated
            impl Default for #name {
                /// Every field unset, or at the default the API description gives it.
                fn default() -> Self {
                    Self { #( #inits, )* }
                }
            }
        };
    }
    let many = (args.len() > 7).then(|| quote!(#[allow(clippy::too_many_arguments)]));
    quote! {
        #gate
        #allow_deprecated
        impl #name {
            /// A value with the required fields given and every other field unset, or at the
            /// default the API description gives it.
            #many
            pub fn new(#( #args ),*) -> Self {
                Self { #( #inits, )* }
            }
        }
    }
}

/// The field that keeps properties beyond the declared ones.
fn extra_field(api: &Api, extra: &Extra) -> Option<TokenStream> {
    match extra {
        Extra::Forbidden => None,
        Extra::Kept { field } => {
            let name = ident(field);
            Some(quote! {
                /// Properties the API description does not declare, kept and written back.
                #[serde(flatten)]
                pub #name: serde_json::Map<String, serde_json::Value>,
            })
        }
        Extra::Typed { field, ty } => {
            let name = ident(field);
            let value = ty::tokens(api, ty);
            Some(quote! {
                /// Properties beyond the ones listed above, kept as received.
                #[serde(flatten)]
                pub #name: std::collections::BTreeMap<String, #value>,
            })
        }
    }
}

/// The Rust type of a field: `Option` when it may be absent or `null`, and in a partial
/// update `Option<Option<…>>` when it may be left out or set to `null`.
fn field_type(api: &Api, strukt: &Struct, field: &Field) -> TokenStream {
    let mut inner = ty::tokens(api, field.value_ty());
    if field.boxed {
        inner = quote!(Box<#inner>);
    }
    if strukt.partial && field.nullable() {
        quote!(Option<Option<#inner>>)
    } else if strukt.partial || field.is_option() {
        quote!(Option<#inner>)
    } else {
        inner
    }
}

/// A field's declaration, and the name of the function giving its default, if it has one.
fn field_def(
    api: &Api,
    def: &TypeDef,
    strukt: &Struct,
    field: &Field,
    defaults: &mut Defaults,
) -> (TokenStream, Option<RustIdent>) {
    let name = ident(&field.name);
    let doc = field_docs(strukt, field);
    let mut serde_args = Vec::new();
    if field.name != field.wire {
        let wire = &field.wire;
        serde_args.push(quote!(rename = #wire));
    }
    let mut default_fn = None;
    if strukt.partial && field.nullable() {
        serde_args.push(quote!(
            default,
            skip_serializing_if = "Option::is_none",
            deserialize_with = "null_or_value"
        ));
    } else if let Some(function) = defaults.add(api, def, strukt, field) {
        let path = function.to_string();
        serde_args.push(quote!(default = #path));
        default_fn = Some(function);
    }
    // Other `Option` fields are left out when `None`, by the struct's
    // `skip_serializing_none` (see `skips_none`), and read as `None` when absent, as serde
    // reads every `Option`; a required one is sent as `null`.
    let always = sends_null(strukt, field).then(|| quote!(#[serialize_always]));
    let serde = (!serde_args.is_empty()).then(|| quote!(#[serde(#(#serde_args),*)]));
    let deprecated = field
        .deprecated
        .then(|| quote!(#[deprecated(note = "deprecated in the API description")]));
    let field_ty = field_type(api, strukt, field);
    let tokens = quote! {
        #doc
        #serde
        #always
        #deprecated
        pub #name: #field_ty,
    };
    (tokens, default_fn)
}

/// Whether a field is an `Option` sent as `null` when it is `None`: a required nullable
/// field (of a struct that is not a partial update).
fn sends_null(strukt: &Struct, field: &Field) -> bool {
    field.is_option() && field.required && !strukt.partial
}

/// `#[serde_with::skip_serializing_none]`, which leaves out the `Option` fields that are
/// `None` (but those marked `#[serialize_always]`, and a partial update's clearable fields,
/// which say when they are left out themselves), for a struct with `Option` fields.
fn skips_none(strukt: &Struct) -> Option<TokenStream> {
    (strukt.partial || strukt.fields.iter().any(Field::is_option))
        .then(|| quote!(#[serde_with::skip_serializing_none]))
}

/// A field's docs (see [`field_doc_text`]).
fn field_docs(strukt: &Struct, field: &Field) -> TokenStream {
    docs::lines(&field_doc_text(strukt, field))
}

/// A field's doc text: the description's, then what the generator knows (read-only,
/// secret, default, limits, how a partial update clears it); empty when nothing is known.
fn field_doc_text(strukt: &Struct, field: &Field) -> String {
    let mut notes = Vec::new();
    if field.read_only {
        notes.push("Read-only: set by the server, never sent in a request.".to_owned());
    }
    if field.secret {
        notes.push("Secret: shown as `\"***\"` by `Debug`.".to_owned());
    }
    if let Some(value) = &field.default {
        notes.push(format!("Defaults to {}.", docs::code(&value.to_string())));
    }
    if strukt.partial && field.nullable() {
        notes.push(
            "`Some(None)` sends `null`, which clears the value; `None` leaves it unchanged."
                .to_owned(),
        );
    }
    notes.extend(describe::limits(&field.limits));
    docs::text(&field.docs, &notes)
}

/// `#[allow(missing_docs)]` for a struct with a field that has no docs.
fn allow_undocumented_fields(strukt: &Struct) -> Option<TokenStream> {
    let undocumented = strukt
        .fields
        .iter()
        .any(|field| field_doc_text(strukt, field).is_empty());
    docs::allow_undocumented(undocumented)
}

/// A Rust expression for a default that `lower` checked fits the field's type.
fn default_literal(api: &Api, field_ty: &Ty, value: &serde_json::Value) -> TokenStream {
    match (ty::resolve(api, field_ty), value) {
        (Ty::Scalar(Scalar::String), serde_json::Value::String(s)) => quote!(#s.to_owned()),
        (Ty::Scalar(Scalar::Bool), serde_json::Value::Bool(b)) => quote!(#b),
        (Ty::Scalar(Scalar::I32 | Scalar::I64), v) => {
            let n = proc_macro2::Literal::i64_unsuffixed(v.as_i64().unwrap_or_default());
            quote!(#n)
        }
        (Ty::Scalar(Scalar::F64), v) => float_literal(v.as_f64().unwrap_or_default()),
        (Ty::Named(id), serde_json::Value::String(s)) => {
            let name = ident(&api.ty(*id).name);
            quote!(#name::from(#s))
        }
        _ => quote!(Default::default()),
    }
}

/// A float literal as short as Rust's own `Debug` writes it (`1.5e300`, where the token's
/// default formatting spells out all 301 digits).
fn float_literal(value: f64) -> TokenStream {
    let literal = format!("{:?}", value.abs()).parse::<proc_macro2::Literal>();
    match literal {
        Ok(literal) if value.is_sign_negative() => quote!(-#literal),
        Ok(literal) => quote!(#literal),
        // Never for a finite number; and a literal of a non-finite one would panic.
        Err(_) => quote!(Default::default()),
    }
}

/// `Debug` that prints secret fields as `"***"`.
fn debug_impl(def: &TypeDef, strukt: &Struct) -> TokenStream {
    let name = ident(&def.name);
    let label = def.name.as_str();
    let entries = strukt.fields.iter().map(|field| {
        let member = ident(&field.name);
        let wire = field.name.as_str();
        if !field.secret {
            quote!(.field(#wire, &self.#member))
        } else if field.is_option() || strukt.partial {
            quote!(.field(#wire, &self.#member.as_ref().map(|_| "***")))
        } else {
            quote!(.field(#wire, &"***"))
        }
    });
    // Undeclared properties of a struct that holds secrets may be secrets too: only their
    // names are shown.
    let extra = strukt.extra.field().map(|field| {
        let member = ident(field);
        let field = field.as_str();
        quote!(.field(#field, &self.#member.keys().collect::<Vec<_>>()))
    });
    let allow_deprecated = allow_deprecated(strukt);
    let gate = gate::cfg(&def.gate);
    quote! {
        #gate
        #allow_deprecated
        impl std::fmt::Debug for #name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.debug_struct(#label)
                    #( #entries )*
                    #extra
                    .finish()
            }
        }
    }
}

/// `From<Base>` for a derived request type: nested values are converted to their own
/// derived types, and a partial update sets every writable field.
fn from_impl(
    api: &Api,
    def: &TypeDef,
    strukt: &Struct,
    base: TypeId,
    derivation: Derivation,
) -> TokenStream {
    let name = ident(&def.name);
    let base_def = api.ty(base);
    let base_name = ident(&base_def.name);
    let TypeKind::Struct(base_struct) = &base_def.kind else {
        return TokenStream::new();
    };
    let assignments = strukt.fields.iter().filter_map(|field| {
        let base_field = base_struct.fields.iter().find(|f| f.name == field.name)?;
        let member = ident(&field.name);
        let converted = field_from(api, quote!(value.#member), base_field, strukt, field);
        Some(quote!(#member: #converted))
    });
    let extra = strukt.extra.field().map(|field| {
        let member = ident(field);
        quote!(#member: value.#member,)
    });
    let doc = match derivation {
        Derivation::Input => format!(
            "Drops the read-only fields of a fetched [`{}`], ready to send back;\nproperties \
             the API description does not declare are kept.",
            base_def.name
        ),
        Derivation::Patch => format!(
            "Sets every writable field of [`{}`]: a patch that sends all of them.",
            base_def.name
        ),
    };
    let doc = docs::lines(&doc);
    let allow_deprecated = base_struct
        .fields
        .iter()
        .any(|f| f.deprecated)
        .then(|| quote!(#[allow(deprecated)]));
    let gate = gate::cfg(&def.gate);
    quote! {
        #gate
        #allow_deprecated
        impl From<#base_name> for #name {
            #doc
            fn from(value: #base_name) -> Self {
                Self { #( #assignments, )* #extra }
            }
        }
    }
}

/// The expression turning a base struct's field (`value`) into the derived struct's field.
fn field_from(
    api: &Api,
    value: TokenStream,
    base: &Field,
    derived: &Struct,
    field: &Field,
) -> TokenStream {
    let (from, to) = (base.value_ty(), field.value_ty());
    let same = from == to;
    let apply = |expr: TokenStream| {
        if same {
            expr
        } else if base.boxed {
            let inner = convert(api, quote!(*#expr), from, to);
            quote!(Box::new(#inner))
        } else {
            convert(api, expr, from, to)
        }
    };
    let mapper = if same {
        None
    } else if base.boxed {
        let inner = convert(api, quote!(*item), from, to);
        Some(quote!(|item| Box::new(#inner)))
    } else {
        mapper(api, from, to)
    };
    let map = |expr: TokenStream| match &mapper {
        Some(mapper) => quote!(#expr.map(#mapper)),
        None => expr,
    };
    let double = derived.partial && field.nullable();
    match (base.is_option(), derived.partial || field.is_option()) {
        (false, false) => apply(value),
        (false, true) if double => {
            let inner = apply(value);
            quote!(Some(Some(#inner)))
        }
        (false, true) => {
            let inner = apply(value);
            quote!(Some(#inner))
        }
        // A nullable value that was present: `null` stays `null`; one that was absent or
        // `null` (the two read alike) is left out of the patch.
        (true, true) if double && base.required => {
            let mapped = map(value);
            quote!(Some(#mapped))
        }
        (true, true) if double => match &mapper {
            None => quote!(#value.map(Some)),
            Some(_) => {
                let inner = apply(quote!(item));
                quote!(#value.map(|item| Some(#inner)))
            }
        },
        (true, _) => map(value),
    }
}

/// A function to `map` a value of type `from` into type `to` with, if they differ: a
/// derived type's `From` (`ThingInput::from`), or a closure for nested collections.
fn mapper(api: &Api, from: &Ty, to: &Ty) -> Option<TokenStream> {
    if from == to {
        return None;
    }
    if let Ty::Named(target) = to {
        let target = ident(&api.ty(*target).name);
        return Some(quote!(#target::from));
    }
    let inner = convert(api, quote!(item), from, to);
    Some(quote!(|item| #inner))
}

/// `expr`, a value of type `from`, converted into type `to` (the same shape, with derived
/// types in place of their bases).
fn convert(api: &Api, expr: TokenStream, from: &Ty, to: &Ty) -> TokenStream {
    match (from, to) {
        _ if from == to => expr,
        (_, Ty::Named(target)) => {
            let target = ident(&api.ty(*target).name);
            quote!(#target::from(#expr))
        }
        (Ty::Option(a), Ty::Option(b)) => match mapper(api, a, b) {
            Some(mapper) => quote!(#expr.map(#mapper)),
            None => expr,
        },
        (Ty::Vec(a), Ty::Vec(b)) => match mapper(api, a, b) {
            Some(mapper) => quote!(#expr.into_iter().map(#mapper).collect()),
            None => expr,
        },
        (Ty::Map(a), Ty::Map(b)) => {
            let inner = convert(api, quote!(item), a, b);
            quote!(#expr.into_iter().map(|(key, item)| (key, #inner)).collect())
        }
        (Ty::Tuple(a), Ty::Tuple(b)) if a.len() == b.len() => {
            let names: Vec<proc_macro2::Ident> = (0..a.len())
                .map(|i| quote::format_ident!("item{i}"))
                .collect();
            let converted = a
                .iter()
                .zip(b)
                .zip(&names)
                .map(|((a, b), name)| convert(api, quote!(#name), a, b));
            quote!({
                let (#(#names,)*) = #expr;
                (#(#converted,)*)
            })
        }
        _ => expr,
    }
}

/// `#[allow(deprecated)]` for an item that touches the fields of `strukt`, when one of
/// them is deprecated.
fn allow_deprecated(strukt: &Struct) -> Option<TokenStream> {
    strukt
        .fields
        .iter()
        .any(|f| f.deprecated)
        .then(|| quote!(#[allow(deprecated)]))
}
