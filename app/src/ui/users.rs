//! The Users panel: who may sign in, and who is an administrator.

use super::dialog::Confirm;
use super::fields::TextField;
use super::format::date_time;
use super::loaded::loaded;
use super::session::session;
use super::submit::Submit;
use super::toast::toasts;
use crate::api::users::{create_user, invite_user, list_users, remove_user, send_reset_link, set_role};
use crate::api::{AppError, NewInvite, NewUser, UserId, UserView};
use crate::domain::{check_new_person, check_person, FieldKey, Role, INVITE_LINK_DAYS, RESET_LINK_MINUTES};
use leptos::prelude::*;

#[component]
pub fn UsersPage() -> impl IntoView {
    let session = session();
    let toasts = toasts();
    let users = loaded(list_users);
    let removing = RwSignal::new(None::<UserView>);
    let editing = RwSignal::new(None::<UserView>);
    let edited = Callback::new(move |user: UserView| {
        toasts.show(format!("Saved {}.", user.name));
        users.refetch();
    });
    let send_reset = Submit::handled(
        |user: &UserView| {
            let user = user.clone();
            async move { send_reset_link(user.id).await.map(|_| user) }
        },
        move |user: UserView| {
            toasts.show(format!("Reset link sent to {}; it works for {RESET_LINK_MINUTES} minutes.", user.email))
        },
        move |error| toasts.show(error.to_string()),
    );
    let remove = Submit::new(
        |user: &UserView| {
            let user = user.clone();
            async move { remove_user(user.id).await.map(|()| user) }
        },
        move |user: UserView| {
            removing.set(None);
            toasts.show(format!("Removed {}.", user.name));
            users.refetch();
        },
    );
    let answer = Callback::new(move |yes: bool| match removing.get_untracked() {
        Some(user) if yes => remove.send(user),
        _ => {
            removing.set(None);
            remove.reset();
        }
    });
    let me = session.user().map(|u| u.id);
    let confirming = RoleChange::asked(Callback::new(move |()| users.refetch()));
    view! {
        <section class="page">
            <h1>"Users"</h1>
            <p class="hint">"Administrators manage SMTP settings, templates, API tokens and users, and read the Delivery and Audit logs. Users sign in to their Account only: their own name, password and email address."</p>
            {move || match users.get() {
                None => view! { <p class="empty">"Loading…"</p> }.into_any(),
                Some(Err(e)) => view! { <p class="alert" role="alert">{e}</p> }.into_any(),
                Some(Ok(list)) => view! {
                    <UserTable list me editing removing confirming send_reset=Callback::new(move |user| send_reset.send(user)) />
                }.into_any(),
            }}
            <AddUser on_added=Callback::new(move |()| users.refetch()) />
            <super::user_edit::EditUserDialog user=editing saved=edited />
            {confirming.dialog()}
            <Confirm
                question=Signal::derive(move || removing.get().map(|u| format!("Remove {} ({})? They are signed out at once.", u.name, u.email)))
                title="Remove user"
                answer
                yes_disabled=remove.pending()
                error=remove.message()
                yes_label="Remove"
            />
        </section>
    }
}

#[component]
fn UserTable(
    list: Vec<UserView>,
    me: Option<UserId>,
    editing: RwSignal<Option<UserView>>,
    removing: RwSignal<Option<UserView>>,
    confirming: RoleChange,
    send_reset: Callback<UserView>,
) -> impl IntoView {
    view! {
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
                                <td data-label=FieldKey::PersonName.label()>{user.name.clone()}</td>
                                <td data-label=FieldKey::PersonEmail.label()>{user.email.clone()}</td>
                                <td data-label="Role">
                                    <select
                                        aria-label=format!("Role of {name}")
                                        disabled=move || is_me || confirming.submit.pending().get()
                                        on:change=move |ev| {
                                            if let Ok(role) = Role::parse(&event_target_value(&ev)) {
                                                confirming.ask(shown.clone(), event_target(&ev), role);
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
                                        move |_| send_reset.run(user.clone())
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
    }
}

/// A role change, which waits for a Yes: it signs the person out, so a stray arrow key must
/// not. `shown` is the row as listed: a declined or refused change puts the select back to its
/// role, and the refreshed list (keyed by version) shows whatever is stored now.
#[derive(Clone, Copy)]
struct RoleChange {
    asking: RwSignal<Option<(UserView, Role)>>,
    select: StoredValue<Option<web_sys::HtmlSelectElement>, LocalStorage>,
    sent: StoredValue<Option<UserView>>,
    submit: Submit<(UserView, Role), UserView>,
}

fn becomes(role: Role) -> &'static str {
    if role == Role::Administrator {
        "an administrator"
    } else {
        "a user"
    }
}

impl RoleChange {
    fn asked(changed: Callback<()>) -> Self {
        let toasts = toasts();
        let asking = RwSignal::new(None::<(UserView, Role)>);
        let select = StoredValue::new_local(None::<web_sys::HtmlSelectElement>);
        let sent = StoredValue::new(None::<UserView>);
        let submit = Submit::handled(
            |(shown, role): &(UserView, Role)| set_role(shown.id, shown.version, *role),
            move |user: UserView| {
                toasts.show(format!("{} is now {}.", user.name, becomes(user.role)));
                changed.run(());
            },
            move |error| {
                let Some(shown) = sent.get_value() else { return };
                if let Some(select) = select.get_value() {
                    select.set_value(shown.role.as_str());
                }
                toasts.show(match error {
                    AppError::Stale { by, at } => format!(
                        "{} changed {} at {}, after you opened the list. The list now shows their change; choose again if you still want yours.",
                        by.unwrap_or_else(|| "Someone else".into()),
                        shown.name,
                        date_time(at)
                    ),
                    other => other.to_string(),
                });
                changed.run(());
            },
        );
        Self { asking, select, sent, submit }
    }

    fn ask(&self, shown: UserView, select: web_sys::HtmlSelectElement, role: Role) {
        self.select.set_value(Some(select));
        self.asking.set(Some((shown, role)));
    }

    fn dialog(self) -> impl IntoView {
        let Self { asking, select, sent, submit } = self;
        let answer = Callback::new(move |yes: bool| {
            let Some((shown, role)) = asking.get_untracked() else { return };
            asking.set(None);
            if yes {
                sent.set_value(Some(shown.clone()));
                submit.send((shown, role));
            } else if let Some(select) = select.get_value() {
                select.set_value(shown.role.as_str());
            }
        });
        let question = Signal::derive(move || {
            asking.get().map(|(user, role)| {
                format!("Make {0} {1}? {0} will be signed out and must sign in again.", user.name, becomes(role))
            })
        });
        view! { <Confirm question title="Change role" answer yes_label="Change role" /> }
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
                check_new_person(&name, &email, &password, FieldKey::InitialPassword)
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
            <TextField label="Name" value=name on_input=move |v| name.set(v) error=submit.error(FieldKey::PersonName) required=true autocomplete="off" />
            <TextField label="Email address" kind="email" value=email on_input=move |v| email.set(v) error=submit.error(FieldKey::PersonEmail) required=true autocomplete="off" />
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
                <TextField label=FieldKey::InitialPassword.label() kind="password" autocomplete="new-password" value=password on_input=move |v| password.set(v) error=submit.error(FieldKey::InitialPassword) required=true />
            </Show>
            {submit.alert()}
            <button type="submit" class="primary" disabled=submit.pending()>{move || if inviting.get() { "Send invitation" } else { "Add user" }}</button>
        </form>
    }
}
