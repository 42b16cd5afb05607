-- How these settings sign in: with the password, or with an OAuth2 access token from the
-- token endpoint, by the client credentials grant or with a refresh token granted through the
-- provider's sign-in page (authorize_url). With OAuth2, password_secret holds the sealed
-- client secret, bound to the token URL and client ID as well as the server; refresh_token is
-- sealed the same way.
alter table smtp_settings add column auth_method text not null default 'password'
    check (auth_method in ('password', 'oauth2-client-credentials', 'oauth2-refresh-token'));
alter table smtp_settings add column token_url text;
alter table smtp_settings add column client_id text;
alter table smtp_settings add column scope text;
alter table smtp_settings add column authorize_url text;
alter table smtp_settings add column refresh_token blob;
alter table smtp_settings add column connected_at integer;
alter table smtp_settings add column connected_by text;

-- "Connect" in progress: the state sent to the sign-in page (its SHA-256), the PKCE verifier
-- (sealed), for which settings and version, by which user; good for ten minutes, used once.
create table oauth_states (
    state_hash text primary key,
    settings_id integer not null references smtp_settings (id) on delete cascade,
    settings_version integer not null,
    verifier blob not null,
    user_id integer not null references users (id) on delete cascade,
    created_at integer not null
);
