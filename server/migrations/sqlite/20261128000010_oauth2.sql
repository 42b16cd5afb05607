-- How these settings sign in: with the password, or with an OAuth2 access token from the
-- token endpoint (client credentials). With OAuth2, password_secret holds the sealed client
-- secret, bound to the token URL and client ID as well as the server.
alter table smtp_settings add column auth_method text not null default 'password'
    check (auth_method in ('password', 'oauth2-client-credentials'));
alter table smtp_settings add column token_url text;
alter table smtp_settings add column client_id text;
alter table smtp_settings add column scope text;
