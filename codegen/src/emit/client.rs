//! Emitting `client.rs`: the crate's `Client`, its builder, and the endpoint table.

use proc_macro2::TokenStream;
use quote::quote;

use super::docs::{doc_attrs, escape, module_doc_attrs};
use super::features::Features;
use crate::ir::{Protocol, Service};

/// The whole `client.rs`.
pub(crate) fn emit_client(service: &Service, features: &Features) -> TokenStream {
    let header = module_doc_attrs(&format!(
        "The client of the {} API.",
        escape(&service.title)
    ));
    let (runtime, vendor) = match service.protocol {
        Protocol::HuaweiRest => (
            quote!(::clouddb_runtime::huawei),
            quote!(::clouddb_runtime::huawei::Huawei),
        ),
        Protocol::QingCloudAction => (
            quote!(::clouddb_runtime::qingcloud),
            quote!(::clouddb_runtime::qingcloud::QingCloud),
        ),
    };
    let crate_name = &service.crate_name;
    let (endpoints, info) = match service.protocol {
        Protocol::HuaweiRest => {
            let rows = service
                .endpoints
                .iter()
                .map(|(region, host)| quote!((#region, #host)));
            let endpoints = quote! {
                /// Region id → host, from the spec's endpoint table.
                pub const ENDPOINTS: &[(&str, &str)] = &[#(#rows),*];
            };
            let info = quote! {
                static SERVICE: ::clouddb_runtime::ServiceInfo = ::clouddb_runtime::ServiceInfo {
                    crate_name: #crate_name,
                    crate_version: ::std::env!("CARGO_PKG_VERSION"),
                    endpoints: ENDPOINTS,
                    error_codes: crate::error_codes::ERROR_CODES,
                };
            };
            (endpoints, info)
        }
        Protocol::QingCloudAction => (
            quote!(),
            quote! {
                static SERVICE: ::clouddb_runtime::ServiceInfo = ::clouddb_runtime::ServiceInfo {
                    crate_name: #crate_name,
                    crate_version: ::std::env!("CARGO_PKG_VERSION"),
                    endpoints: &[],
                    error_codes: crate::error_codes::ERROR_CODES,
                };
            },
        ),
    };
    let client_doc = doc_attrs(&format!(
        "A client of the {} API. Cloning it is cheap and shares its connections.\n\nBuild one with [`Client::builder`]; each operation is a method that returns a request builder.",
        escape(&service.title)
    ));
    let builder_doc = doc_attrs(&builder_doc(service));
    let download = service
        .operations
        .iter()
        .any(super::operations::answers_file)
        .then(|| {
            quote! {
                /// Sends a whole operation input whose answer is a file, retrying as allowed
                /// until the answer's headers arrive, and returns the file as a stream.
                pub async fn download<O>(&self, input: O, options: &::clouddb_runtime::CallOptions) -> ::std::result::Result<::clouddb_runtime::Download, ::clouddb_runtime::Error>
                where
                    O: ::clouddb_runtime::Operation<Service = Client>,
                {
                    self.inner.download(input, options).await
                }
            }
        });
    let job_poller =
        super::lists_and_jobs::emit_job_poller(service.job_poller.as_ref(), &features.poller_cfg());
    let waiters = super::lists_and_jobs::emit_waiters(service, features);
    quote! {
        #header

        #endpoints

        #info

        #client_doc
        #[derive(Clone, Debug)]
        pub struct Client {
            inner: #runtime::Client,
        }

        #builder_doc
        pub type ClientBuilder = #runtime::ClientBuilder<Client>;

        impl Client {
            /// Starts configuring a client.
            pub fn builder() -> ClientBuilder {
                ClientBuilder::default()
            }

            /// Sends a whole operation input (any `*Input` of [`crate::operations`]).
            pub async fn execute<O>(&self, input: O) -> ::std::result::Result<::clouddb_runtime::Response<O::Output>, ::clouddb_runtime::Error>
            where
                O: ::clouddb_runtime::Operation<Service = Client>,
            {
                self.inner.execute(input).await
            }

            /// Like [`execute`](Self::execute), with options for this call only (attempts,
            /// timeouts).
            pub async fn execute_with<O>(&self, input: O, options: &::clouddb_runtime::CallOptions) -> ::std::result::Result<::clouddb_runtime::Response<O::Output>, ::clouddb_runtime::Error>
            where
                O: ::clouddb_runtime::Operation<Service = Client>,
            {
                self.inner.execute_with(input, options).await
            }

            #download
        }

        #job_poller

        #waiters

        impl ::clouddb_runtime::Service for Client {
            type Vendor = #vendor;

            const INFO: &'static ::clouddb_runtime::ServiceInfo = &SERVICE;

            fn from_client(client: #runtime::Client) -> Self {
                Self { inner: client }
            }

            fn client(&self) -> &#runtime::Client {
                &self.inner
            }
        }
    }
}

fn builder_doc(service: &Service) -> String {
    match service.protocol {
        Protocol::HuaweiRest => {
            let mut text = String::from("Configures a [`Client`]: a region (or an explicit endpoint) and credentials are required");
            if service.settings.project_id {
                text.push_str("; operations with `{project_id}` in their path also need a project id");
            }
            if let Some(values) = &service.settings.language {
                text.push_str(&format!("; `language` sets `X-Language` ({})", values.join(", ")));
            }
            text.push('.');
            text
        }
        Protocol::QingCloudAction => {
            "Configures a [`Client`]: credentials and a zone are required; the endpoint defaults to `https://api.qingcloud.com`.".to_owned()
        }
    }
}
