-- Every save of SMTP settings keeps a revision, numbered by the settings' version after the
-- save: the values as saved, who saved them, the sealed password as it then was (bound to the
-- revision's own id, host, port and username, as in smtp_settings) and the outcome of the
-- test emails sent through exactly those values.
create table settings_revisions (
    settings_id integer not null references smtp_settings (id) on delete cascade,
    number integer not null,
    saved_at integer not null,
    saved_by integer references users (id) on delete set null,
    name text not null,
    starttls_only integer not null check (starttls_only in (0, 1)),
    host text not null,
    port integer not null,
    from_name text not null,
    email text not null,
    username text not null,
    certificate text,
    auth_method text not null,
    token_url text,
    client_id text,
    scope text,
    authorize_url text,
    backup_id integer,
    password_secret blob,
    password_changed integer not null check (password_changed in (0, 1)),
    restored_from integer,
    tested_at integer,
    test_ok integer check (test_ok in (0, 1)),
    primary key (settings_id, number)
);

-- Existing settings start their history where they are now.
insert into settings_revisions (settings_id, number, saved_at, saved_by, name, starttls_only, host, port, from_name,
                                email, username, certificate, auth_method, token_url, client_id, scope, authorize_url,
                                backup_id, password_secret, password_changed, tested_at, test_ok)
select id, version, updated_at, updated_by, name, starttls_only, host, port, from_name, email, username, certificate,
       auth_method, token_url, client_id, scope, authorize_url, backup_id, password_secret, 0, last_test_at, last_test_ok
from smtp_settings;

-- The same for templates, numbered by the template's version.
create table template_revisions (
    template_id integer not null references email_templates (id) on delete cascade,
    number integer not null,
    saved_at integer not null,
    saved_by integer references users (id) on delete set null,
    name text not null,
    subject text not null,
    text_body text not null,
    html_body text not null,
    from_name text not null,
    from_email text not null,
    settings_id integer,
    restored_from integer,
    primary key (template_id, number)
);

insert into template_revisions (template_id, number, saved_at, saved_by, name, subject, text_body, html_body, from_name,
                                from_email, settings_id)
select id, version, updated_at, updated_by, name, subject, text_body, html_body, from_name, from_email, settings_id
from email_templates;
