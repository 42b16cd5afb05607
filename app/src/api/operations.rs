//! `operations!` declares each server operation once. Every line becomes a `#[server]` fn the
//! browser calls, and a method of the group's trait that the server implements. The kind of
//! caller (`Visitor`, `Member`, `Admin`) is found from the request before the method runs and is
//! its first parameter, so an administrator's operation cannot be reached without the proof.

macro_rules! operations {
    (
        $(#[$trait_meta:meta])*
        pub trait $Trait:ident {
            $(
                $(#[$meta:meta])*
                $who:ident $endpoint:literal => fn $name:ident($($arg:ident: $ty:ty),* $(,)?) -> $out:ty;
            )+
        }
    ) => {
        $(#[$trait_meta])*
        #[cfg(feature = "ssr")]
        #[async_trait::async_trait]
        pub trait $Trait: Send + Sync {
            $(
                $(#[$meta])*
                async fn $name(
                    &self,
                    caller: $crate::api::caller::$who,
                    $($arg: $ty),*
                ) -> Result<$out, $crate::api::AppError>;
            )+
        }

        $(
            $(#[$meta])*
            #[leptos::server(prefix = "/api", endpoint = $endpoint, input = leptos::server_fn::codec::Json)]
            pub async fn $name($($arg: $ty),*) -> Result<$out, $crate::api::AppError> {
                let (api, caller) = $crate::api::context::caller::<$crate::api::caller::$who>().await?;
                $crate::api::context::finish($Trait::$name(&*api, caller, $($arg),*).await)
            }
        )+
    };
}

pub(crate) use operations;
