//! What a panel reads from the server, as a Leptos `LocalResource`: read when the panel opens,
//! read again with `refetch`, and an answer that the session has ended sends the person to
//! sign in instead of showing an error.

use super::session::session;
use crate::api::AppError;
use leptos::prelude::*;
use std::future::Future;

pub fn loaded<T, F, Fut>(fetch: F) -> LocalResource<Result<T, String>>
where
    T: 'static,
    F: Fn() -> Fut + 'static,
    Fut: Future<Output = Result<T, AppError>> + 'static,
{
    let session = session();
    LocalResource::new(move || {
        let answer = fetch();
        async move { answer.await.map_err(|e| session.unless_signed_out(e).map(|e| e.to_string()).unwrap_or_default()) }
    })
}
