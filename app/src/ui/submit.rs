//! One form's state, built on a Leptos `Action`: whether its request is pending (so the button
//! can say so), the server's messages under their fields, and the one that belongs to no field.
//! An answer that arrives after the form is gone is dropped, so work that must outlive the form
//! goes in the request's own future; callers that must not send twice disable their button
//! while `pending()`.

use super::fields::focus_first_invalid;
use super::session::session;
use crate::api::AppError;
use crate::domain::{FieldErrors, FieldKey};
use leptos::prelude::*;
use std::future::Future;
use std::rc::Rc;

pub struct Submit<I: 'static, O: 'static> {
    action: Action<I, Result<O, AppError>>,
    errors: RwSignal<FieldErrors>,
    general: RwSignal<Option<String>>,
}

impl<I, O> Clone for Submit<I, O> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<I, O> Copy for Submit<I, O> {}

impl<I: 'static, O: Clone + 'static> Submit<I, O> {
    /// `call` sends the request; `done` runs with each success.
    pub fn new<F, Fut>(call: F, done: impl Fn(O) + 'static) -> Self
    where
        F: Fn(&I) -> Fut + 'static,
        Fut: Future<Output = Result<O, AppError>> + 'static,
    {
        Self::explained(call, done, |error| error.to_string())
    }

    /// As `new`, with `explain` wording the errors that belong to no field.
    pub fn explained<F, Fut>(call: F, done: impl Fn(O) + 'static, explain: impl Fn(AppError) -> String + 'static) -> Self
    where
        F: Fn(&I) -> Fut + 'static,
        Fut: Future<Output = Result<O, AppError>> + 'static,
    {
        let errors = RwSignal::new(FieldErrors::default());
        let general = RwSignal::new(None::<String>);
        let failed = move |error| match error {
            AppError::Invalid(found) => {
                errors.set(found);
                focus_first_invalid();
            }
            error => general.set(Some(explain(error))),
        };
        Self::build(call, done, failed, errors, general)
    }

    /// As `new`, with every error (but an ended session) handed to `failed` instead of shown.
    pub fn handled<F, Fut>(call: F, done: impl Fn(O) + 'static, failed: impl Fn(AppError) + 'static) -> Self
    where
        F: Fn(&I) -> Fut + 'static,
        Fut: Future<Output = Result<O, AppError>> + 'static,
    {
        Self::build(call, done, failed, RwSignal::new(FieldErrors::default()), RwSignal::new(None))
    }

    fn build<F, Fut>(
        call: F,
        done: impl Fn(O) + 'static,
        failed: impl Fn(AppError) + 'static,
        errors: RwSignal<FieldErrors>,
        general: RwSignal<Option<String>>,
    ) -> Self
    where
        F: Fn(&I) -> Fut + 'static,
        Fut: Future<Output = Result<O, AppError>> + 'static,
    {
        let session = session();
        // The answer is handled where it arrives, and only while the form that asked is still
        // there: `done` and `failed` may read its signals. What must happen even after the form
        // is gone (the panel's list, the session) belongs in `call`'s future.
        let handle = Rc::new(move |answer: Result<O, AppError>| match answer {
            _ if errors.try_get_untracked().is_none() => {}
            Ok(out) => done(out),
            Err(error) => {
                if let Some(error) = session.unless_signed_out(error) {
                    failed(error)
                }
            }
        });
        let action = Action::new_local(move |input: &I| {
            let (asked, handle) = (call(input), handle.clone());
            async move {
                let answer = asked.await;
                handle(answer.clone());
                answer
            }
        });
        Self { action, errors, general }
    }

    /// Clears the last answer's messages and sends `input`.
    pub fn send(&self, input: I) {
        self.errors.set(FieldErrors::default());
        self.general.set(None);
        self.action.dispatch_local(input);
    }

    /// Shows messages found before sending (the same rules the server applies), instead of sending.
    pub fn refuse(&self, found: FieldErrors) {
        self.errors.set(found);
        self.general.set(None);
        focus_first_invalid();
    }

    pub fn pending(&self) -> Signal<bool> {
        self.action.pending().into()
    }

    /// The message under `field`.
    pub fn error(&self, field: FieldKey) -> Signal<Option<String>> {
        let errors = self.errors;
        Signal::derive(move || errors.with(|e| e.get(field).map(str::to_owned)))
    }

    /// Forgets the messages, as when the form is opened again.
    pub fn reset(&self) {
        self.errors.set(FieldErrors::default());
        self.general.set(None);
    }

    /// The message that belongs to no field, for a dialog that shows it itself.
    pub fn message(&self) -> Signal<Option<String>> {
        self.general.into()
    }

    /// The message that belongs to no field, shown as an alert while there is one.
    pub fn alert(&self) -> impl IntoView {
        let general = self.general;
        view! {
            <Show when=move || general.with(Option::is_some)>
                <p class="alert" role="alert">{move || general.get()}</p>
            </Show>
        }
    }
}
