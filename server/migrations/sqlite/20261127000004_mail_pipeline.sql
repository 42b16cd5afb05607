-- Exactly one settings is the default; the first one created becomes it.
alter table smtp_settings add column is_default integer not null default 0 check (is_default in (0, 1));
create unique index smtp_settings_one_default on smtp_settings (is_default) where is_default = 1;
update smtp_settings set is_default = 1 where id = (select min(id) from smtp_settings);

-- Email templates. settings_id null means "the default settings"; a settings used by a
-- template cannot be deleted. builtin names the templates the product itself sends.
create table email_templates (
    id integer primary key,
    name text not null,
    name_key text not null unique,
    builtin text unique,
    subject text not null,
    text_body text not null,
    html_body text not null,
    from_name text not null,
    from_email text not null,
    settings_id integer references smtp_settings (id) on delete restrict,
    version integer not null default 1,
    created_at integer not null,
    created_by integer references users (id) on delete set null,
    updated_at integer not null,
    updated_by integer references users (id) on delete set null
);

-- API tokens for the host application; only a SHA-256 of the token is kept.
create table api_tokens (
    id integer primary key,
    name text not null,
    token_hash blob not null unique,
    prefix text not null,
    created_at integer not null,
    created_by integer references users (id) on delete set null,
    last_used_at integer,
    revoked_at integer
);

-- Every application mail is a row before it is sent. message is the rendered RFC 5322
-- message sealed with the secret key (it may carry a password-reset link).
create table outbox (
    id integer primary key,
    created_at integer not null,
    template_id integer references email_templates (id) on delete set null,
    template_name text not null,
    settings_id integer references smtp_settings (id) on delete set null,
    settings_name text not null,
    envelope_from text not null,
    recipient text not null,
    subject text not null,
    message blob not null,
    size integer not null,
    status text not null check (status in ('queued', 'sending', 'sent', 'failed')),
    attempts integer not null default 0,
    next_attempt_at integer not null,
    claimed_at integer,
    last_error text,
    smtp_reply text,
    sent_at integer,
    api_token_id integer references api_tokens (id) on delete set null,
    idempotency_key text,
    unique (api_token_id, idempotency_key)
);
create index outbox_due on outbox (status, next_attempt_at);

-- Password-reset links: a SHA-256 of the token, one hour, used once.
create table password_resets (
    token_hash blob primary key,
    user_id integer not null references users (id) on delete cascade,
    created_at integer not null,
    expires_at integer not null,
    used_at integer
);
