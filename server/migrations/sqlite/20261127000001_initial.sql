-- People who may sign in. email_key is the address lower-cased, for case-insensitive uniqueness.
create table users (
    id integer primary key,
    name text not null,
    email text not null,
    email_key text not null unique,
    password_hash text not null,
    role text not null check (role in ('administrator', 'user')),
    created_at integer not null,
    last_sign_in integer
);

-- Server-side sessions; only a SHA-256 of the cookie's token is stored.
create table sessions (
    token_hash blob primary key,
    user_id integer not null references users (id) on delete cascade,
    created_at integer not null,
    last_seen integer not null
);
create index sessions_user on sessions (user_id);

-- The one-time link that creates the first administrator; a hash, like sessions.
create table setup_tokens (
    token_hash blob primary key,
    created_at integer not null
);

-- Failed sign-ins, for back-off per account and per client address.
create table sign_in_failures (
    id integer primary key,
    email_key text not null,
    client text not null,
    at integer not null
);
create index sign_in_failures_account on sign_in_failures (email_key, at);
create index sign_in_failures_client on sign_in_failures (client, at);

-- SMTP settings. password_secret is XChaCha20-Poly1305 (nonce || ciphertext), bound to the
-- row's id, host, port and username; null means no password.
create table smtp_settings (
    id integer primary key,
    name text not null,
    name_key text not null unique,
    starttls_only integer not null check (starttls_only in (0, 1)),
    host text not null,
    port integer not null check (port between 1 and 65535),
    from_name text not null,
    email text not null,
    username text not null,
    password_secret blob,
    version integer not null default 1,
    created_at integer not null,
    created_by integer references users (id) on delete set null,
    updated_at integer not null,
    updated_by integer references users (id) on delete set null
);

-- Facts about the database itself, such as the check value of the encryption key.
create table meta (
    key text primary key,
    value blob not null
);
