-- Rate-limited actions (test emails per user, reset mails per account), in the database so
-- every instance counts the same hits.
create table rate_hits (
    id integer primary key,
    bucket text not null,
    key text not null,
    at integer not null
);
create index rate_hits_key on rate_hits (bucket, key, at);
