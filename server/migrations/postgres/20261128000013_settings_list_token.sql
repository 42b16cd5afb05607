-- The settings list's revision also carries a random token, drawn afresh with every move. An
-- instance keeps its copy of the list under both, so a failover to a replica that lags, or a
-- restore from a backup, whose number may come back to one already seen, never makes an
-- instance serve a list it read before.
alter table list_revisions add column token bigint not null default 0;
update list_revisions set token = (random() * 9007199254740991)::bigint;

create or replace function bump_settings_list() returns trigger language plpgsql as $$
begin
    update list_revisions
       set revision = revision + 1, token = (random() * 9007199254740991)::bigint
     where name = 'settings';
    return null;
end
$$;
