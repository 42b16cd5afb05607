-- A number that changes with every write the SMTP settings list shows: the settings
-- themselves and which templates send through them. Each instance keeps the list it last
-- read with the number it read first, and reads the list again only when the number has
-- moved, whichever instance wrote. Triggers keep it, so no write path can forget it.
create table list_revisions (
    name text primary key,
    revision bigint not null
);
insert into list_revisions (name, revision) values ('settings', 0);

create function bump_settings_list() returns trigger language plpgsql as $$
begin
    update list_revisions set revision = revision + 1 where name = 'settings';
    return null;
end
$$;

create trigger settings_list_on_settings after insert or update or delete or truncate on smtp_settings
    for each statement execute function bump_settings_list();
create trigger settings_list_on_templates after insert or delete or truncate on email_templates
    for each statement execute function bump_settings_list();
create trigger settings_list_on_template_settings after update of settings_id on email_templates
    for each statement execute function bump_settings_list();
