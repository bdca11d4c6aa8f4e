//! Emitting `error_codes.rs`: the vendor's documented error codes as a sorted table, so that
//! a returned code can be looked up and an error can say whether its code is documented.

use proc_macro2::TokenStream;
use quote::quote;

use super::docs::{escape, module_doc_attrs};
use crate::ir::Service;

/// The whole `error_codes.rs`.
pub(crate) fn emit_error_codes(service: &Service) -> TokenStream {
    let header = module_doc_attrs(&format!(
        "The error codes the {} documentation lists ({} codes), with their documented HTTP status and English message.\n\nAn [`ApiError`](crate::ApiError) whose code is listed carries this documentation ([`ApiError::documented`](crate::ApiError::documented)).",
        escape(&service.title),
        service.error_codes.len()
    ));
    let rows = service.error_codes.iter().map(|c| {
        let (code, status, message) = (&c.code, c.status, &c.message);
        quote!(::clouddb_runtime::ErrorCode { code: #code, status: #status, message: #message },)
    });
    quote! {
        #header

        /// Every documented error code, sorted by code.
        pub static ERROR_CODES: &[::clouddb_runtime::ErrorCode] = &[#(#rows)*];

        /// The documentation of an error code, if the vendor documents it.
        pub fn lookup(code: &str) -> ::std::option::Option<&'static ::clouddb_runtime::ErrorCode> {
            ::clouddb_runtime::ErrorCode::find(ERROR_CODES, code)
        }
    }
}
