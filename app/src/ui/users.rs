//! The Users panel: who may sign in, and who is an administrator.

use super::dialog::Confirm;
use super::fields::TextField;
use super::format::date_time;
use super::session::session;
use super::submit::Submit;
use super::toast::toasts;
use crate::api::users::{create_user, invite_user, list_users, remove_user, send_reset_link, set_role};
use crate::api::{AppError, NewInvite, NewUser, UserView};
use crate::domain::{check_new_person, check_person, Role, INVITE_LINK_DAYS, RESET_LINK_MINUTES};
use leptos::prelude::*;
use leptos::task::spawn_local;

#[component]
pub fn UsersPage() -> impl IntoView {
    let session = session();
    let toasts = toasts();
    let users = RwSignal::new(None::<Result<Vec<UserView>, String>>);
    let refresh = move || {
        spawn_local(async move {
            match list_users().await {
                Ok(list) => users.set(Some(Ok(list))),
                Err(e) => {
                    if let Some(e) = session.unless_signed_out(e) {
                        users.set(Some(Err(e.to_string())));
                    }
                }
            }
        })
    };
    refresh();
    let removing = RwSignal::new(None::<UserView>);
    let editing = RwSignal::new(None::<UserView>);
    let edited = Callback::new(move |user: UserView| {
        toasts.show(format!("Saved {}.", user.name));
        refresh();
    });
    let send_reset = move |user: UserView| {
        spawn_local(async move {
            match send_reset_link(user.id).await {
                Ok(_) => toasts.show(format!("Reset link sent to {}; it works for {RESET_LINK_MINUTES} minutes.", user.email)),
                Err(e) => {
                    if let Some(e) = session.unless_signed_out(e) {
                        toasts.show(e.to_string());
                    }
                }
            }
        });
    };
    let remove_error = RwSignal::new(None::<String>);
    let me = session.user().map(|u| u.id);

    // `shown` is the row as listed; a refused change puts the select back to its role, and the
    // refreshed list (keyed by version) shows whatever is stored now.
    let change_role = move |shown: UserView, select: web_sys::HtmlSelectElement, role: Role| {
        spawn_local(async move {
            let result = set_role(shown.id, shown.version, role).await;
            if result.is_err() {
                select.set_value(shown.role.as_str());
            }
            match result {
                Ok(user) => toasts.show(format!(
                    "{} is now {}.",
                    user.name,
                    if user.role == Role::Administrator { "an administrator" } else { "a user" }
                )),
                Err(AppError::Stale { by, at }) => toasts.show(format!(
                    "{} changed {} at {}, after you opened the list. The list now shows their change; choose again if you still want yours.",
                    by.unwrap_or_else(|| "Someone else".into()),
                    shown.name,
                    date_time(at)
                )),
                Err(e) => {
                    if let Some(e) = session.unless_signed_out(e) {
                        toasts.show(e.to_string());
                    }
                }
            }
            refresh();
        });
    };
    // A role change waits for a Yes: it signs the person out, so a stray arrow key must not.
    let confirming = RwSignal::new(None::<(UserView, Role)>);
    let confirming_select = StoredValue::new_local(None::<web_sys::HtmlSelectElement>);
    let role_answer = Callback::new(move |yes: bool| {
        let Some((shown, role)) = confirming.get_untracked() else { return };
        confirming.set(None);
        let Some(select) = confirming_select.get_value() else { return };
        if yes {
            change_role(shown, select, role);
        } else {
            select.set_value(shown.role.as_str());
        }
    });
    let role_question = Signal::derive(move || {
        confirming.get().map(|(user, role)| {
            let becomes = if role == Role::Administrator { "an administrator" } else { "a user" };
            format!("Make {0} {becomes}? {0} will be signed out and must sign in again.", user.name)
        })
    });
    let answer = Callback::new(move |yes: bool| {
        let Some(user) = removing.get_untracked() else { return };
        if !yes {
            removing.set(None);
            remove_error.set(None);
            return;
        }
        spawn_local(async move {
            match remove_user(user.id).await {
                Ok(()) => {
                    removing.set(None);
                    remove_error.set(None);
                    toasts.show(format!("Removed {}.", user.name));
                    refresh();
                }
                Err(e) => remove_error.set(session.unless_signed_out(e).map(|e| e.to_string())),
            }
        });
    });

    view! {
        <section class="page">
            <h1>"Users"</h1>
            <p class="hint">"Administrators manage SMTP settings, templates, API tokens and users, and read the Delivery and Audit logs. Users sign in to their Account only: their own name, password and email address."</p>
            {move || match users.get() {
                None => view! { <p class="empty">"Loading…"</p> }.into_any(),
                Some(Err(e)) => view! { <p class="alert" role="alert">{e}</p> }.into_any(),
                Some(Ok(list)) => view! {
                    <table class="users cards">
                        <thead><tr><th>"Name"</th><th>"Email address"</th><th>"Role"</th><th>"Last sign-in"</th><th><span class="visually-hidden">"Actions"</span></th></tr></thead>
                        <tbody>
                            <For each=move || list.clone() key=|u| (u.id, u.version, u.last_sign_in) let:user>
                                {
                                    let (id, name) = (user.id, user.name.clone());
                                    let is_me = Some(id) == me;
                                    let shown = user.clone();
                                    view! {
                                        <tr>
                                            <td data-label="Name">{user.name.clone()}</td>
                                            <td data-label="Email address">{user.email.clone()}</td>
                                            <td data-label="Role">
                                                <select
                                                    aria-label=format!("Role of {name}")
                                                    disabled=is_me
                                                    on:change=move |ev| {
                                                        if let Ok(role) = Role::parse(&event_target_value(&ev)) {
                                                            confirming_select.set_value(Some(event_target(&ev)));
                                                            confirming.set(Some((shown.clone(), role)));
                                                        }
                                                    }
                                                >
                                                    {[Role::Administrator, Role::User].map(|r| view! { <option value=r.as_str() selected=r == user.role>{r.label()}</option> })}
                                                </select>
                                            </td>
                                            <td data-label="Last sign-in">{user.last_sign_in.map(date_time).unwrap_or_else(|| "Never".into())}</td>
                                            <td data-label="Actions" class="nowrap">
                                                <button type="button" class="link" aria-label=format!("Edit {name}") on:click={
                                                    let user = user.clone();
                                                    move |_| editing.set(Some(user.clone()))
                                                }>"Edit"</button>
                                                " "
                                                <button type="button" class="link" aria-label=format!("Send reset link to {name}") on:click={
                                                    let user = user.clone();
                                                    move |_| send_reset(user.clone())
                                                }>"Send reset link"</button>
                                                " "
                                                <button type="button" class="link" aria-label=format!("Remove {name}") disabled=is_me on:click={
                                                    let user = user.clone();
                                                    move |_| removing.set(Some(user.clone()))
                                                }>"Remove"</button>
                                            </td>
                                        </tr>
                                    }
                                }
                            </For>
                        </tbody>
                    </table>
                }.into_any(),
            }}
            <AddUser on_added=Callback::new(move |()| refresh()) />
            <super::user_edit::EditUserDialog user=editing saved=edited />
            <Confirm question=role_question title="Change role" answer=role_answer yes_label="Change role" />
            <Confirm
                question=Signal::derive(move || removing.get().map(|u| format!("Remove {} ({})? They are signed out at once.", u.name, u.email)))
                title="Remove user"
                answer
                error=remove_error
                yes_label="Remove"
            />
        </section>
    }
}

/// Someone added with a password typed for them, or invited to choose their own.
#[derive(Clone)]
enum Adding {
    Typed(NewUser),
    Invited(NewInvite),
}

async fn add(adding: Adding) -> Result<(bool, UserView), AppError> {
    match adding {
        Adding::Typed(user) => create_user(user).await.map(|added| (false, added)),
        Adding::Invited(invite) => invite_user(invite).await.map(|added| (true, added)),
    }
}

#[component]
fn AddUser(on_added: Callback<()>) -> impl IntoView {
    let toasts = toasts();
    let name = RwSignal::new(String::new());
    let email = RwSignal::new(String::new());
    let role = RwSignal::new(Role::User);
    let password = RwSignal::new(String::new());
    // Invited people choose their own password from an emailed link.
    let inviting = RwSignal::new(false);
    let submit = Submit::new(
        |adding: &Adding| add(adding.clone()),
        move |(invited, user): (bool, UserView)| {
            toasts.show(match invited {
                true => format!("Invited {}: the link sent to {} works for {INVITE_LINK_DAYS} days.", user.name, user.email),
                false => format!("Added {}.", user.name),
            });
            name.set(String::new());
            email.set(String::new());
            password.set(String::new());
            let _ = on_added.try_run(());
        },
    );
    let send = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let (name, email, role) = (name.get_untracked(), email.get_untracked(), role.get_untracked());
        let checked = match inviting.get_untracked() {
            true => check_person(&name, &email).map(|_| Adding::Invited(NewInvite { name, email, role })),
            false => {
                let password = password.get_untracked();
                check_new_person(&name, &email, &password, "Initial password")
                    .map(|_| Adding::Typed(NewUser { name, email, role, password }))
            }
        };
        match checked {
            Ok(adding) => submit.send(adding),
            Err(found) => submit.refuse(found),
        }
    };
    view! {
        <form class="card inline-form" on:submit=send novalidate>
            <h2>"Add user"</h2>
            <TextField label="Name" value=name on_input=move |v| name.set(v) error=submit.error("Name") required=true autocomplete="off" />
            <TextField label="Email address" kind="email" value=email on_input=move |v| email.set(v) error=submit.error("Email address") required=true autocomplete="off" />
            <div class="field">
                <label for="field-new-role">"Role"</label>
                <select id="field-new-role" on:change=move |ev| if let Ok(r) = Role::parse(&event_target_value(&ev)) { role.set(r) }>
                    <option value="user" selected=move || role.get() == Role::User>"User"</option>
                    <option value="administrator" selected=move || role.get() == Role::Administrator>"Administrator"</option>
                </select>
            </div>
            <fieldset class="choice">
                <legend>"First sign-in"</legend>
                <label><input type="radio" name="first-sign-in" prop:checked=move || !inviting.get() on:change=move |_| inviting.set(false) />
                    " Type a password for them now"</label>
                <label><input type="radio" name="first-sign-in" prop:checked=move || inviting.get() on:change=move |_| inviting.set(true) />
                    {format!(" Email an invitation: they choose their password from a link that works for {INVITE_LINK_DAYS} days")}</label>
            </fieldset>
            <Show when=move || !inviting.get()>
                <TextField label="Initial password" kind="password" autocomplete="new-password" value=password on_input=move |v| password.set(v) error=submit.error("Initial password") required=true />
            </Show>
            {submit.alert()}
            <button type="submit" class="primary" disabled=submit.pending()>{move || if inviting.get() { "Send invitation" } else { "Add user" }}</button>
        </form>
    }
}
